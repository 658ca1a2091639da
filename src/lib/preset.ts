/**
 * Team presets: a JSON file supplying defaults for any option, locking some (not asked, flags
 * rejected) and naming a folder of templates that override or add to the built-in ones. Its JSON
 * Schema is derived from the option table and shipped in the package (dist/preset.schema.json).
 */
import { existsSync, statSync } from 'node:fs';
import { readInputFile } from './fs-safety.js';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  OPTIONS,
  OPTION_NAMES,
  OptionError,
  checkOption,
  describeValue,
  optionHelp,
  type AnswerName,
  type Answers,
} from './options.js';

export const PRESET_FILE = '.go-minimal.json';

export interface Preset {
  /** Absolute path of the preset file (or a label for a preset given as an object). */
  file: string;
  defaults: Partial<Answers>;
  locked: AnswerName[];
  /** Absolute path of the override/extra templates folder. */
  templatesDir?: string;
  /** How a preset file came to be used, for the line every run prints (unset for an object). */
  origin?: string;
}

/** What a preset may hold, as written: option values plus `locked`, `templatesDir`, `$schema`. */
export type PresetInput = Partial<Record<AnswerName, unknown>> & {
  locked?: unknown;
  templatesDir?: unknown;
  $schema?: unknown;
};

const EXTRA_KEYS = ['$schema', 'locked', 'templatesDir'];

/** JSON Schema (draft 2020-12) for a preset, derived from the option table. */
export function presetSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    $schema: { type: 'string' },
    locked: {
      description: 'Options that are not asked and whose flags are rejected; each needs a value in this preset.',
      type: 'array',
      items: { enum: OPTION_NAMES },
      uniqueItems: true,
    },
    templatesDir: {
      description:
        'Folder (relative to this file) whose files override built-in templates of the same name, or are rendered as extra files (name without .ejs).',
      type: 'string',
    },
  };
  for (const name of OPTION_NAMES) {
    const spec = OPTIONS[name];
    const type = spec.kind === 'integer' ? 'integer' : spec.kind === 'boolean' ? 'boolean' : 'string';
    properties[name] = {
      description: optionHelp(name, 'schema'),
      type,
      ...(spec.choices ? { enum: [...spec.choices] } : {}),
      ...(spec.min !== undefined ? { minimum: spec.min } : {}),
      ...(spec.max !== undefined ? { maximum: spec.max } : {}),
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://www.npmjs.com/package/generator-go-minimal/preset.schema.json',
    title: 'generator-go-minimal team preset',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

/**
 * `.go-minimal.json` in dir or a parent up to the repository root (the folder holding `.git`)
 * or the home folder, whichever comes first; else in the home folder. Never above: a preset in
 * a shared parent (a temporary folder, a monorepo's parent) is not picked up.
 */
export function findPresetFile(dir: string, home = homedir()): string | undefined {
  let current = resolve(dir);
  for (;;) {
    const candidate = join(current, PRESET_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(current);
    if (current === home || existsSync(join(current, '.git')) || parent === current) break;
    current = parent;
  }
  const inHome = join(home, PRESET_FILE);
  return existsSync(inHome) ? inHome : undefined;
}

/** Validates a preset object; errors are one line naming the key and the file. */
export function parsePreset(input: unknown, file: string, baseDir = dirname(file)): Preset {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new OptionError(`Invalid preset ${file}: it must be a JSON object.`);
  }
  const raw = input as PresetInput;
  const defaults: Partial<Answers> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (EXTRA_KEYS.includes(key)) continue;
    if (!(OPTION_NAMES as string[]).includes(key)) {
      throw new OptionError(
        `Unknown key "${key}" in ${file}: use one of ${[...OPTION_NAMES, 'locked', 'templatesDir'].join(', ')}.`,
      );
    }
    (defaults as Record<string, unknown>)[key] = checkOption(key as AnswerName, value, { kind: 'file', file });
  }
  let locked: AnswerName[] = [];
  if (raw.locked !== undefined) {
    if (!Array.isArray(raw.locked) || raw.locked.some((k) => typeof k !== 'string')) {
      throw new OptionError(`Invalid locked in ${file}: use a list of option names, e.g. ["base", "goVersion"].`);
    }
    for (const key of raw.locked as string[]) {
      if (!(OPTION_NAMES as string[]).includes(key)) {
        throw new OptionError(`Invalid locked in ${file}: "${key}" is not an option; use ${OPTION_NAMES.join(', ')}.`);
      }
      if (!(key in defaults)) {
        throw new OptionError(`Invalid locked in ${file}: "${key}" is locked but ${file} gives it no value.`);
      }
    }
    locked = raw.locked as AnswerName[];
  }
  let templatesDir: string | undefined;
  if (raw.templatesDir !== undefined) {
    if (typeof raw.templatesDir !== 'string' || raw.templatesDir === '') {
      throw new OptionError(`Invalid templatesDir in ${file}: use a folder path (relative to the preset).`);
    }
    templatesDir = isAbsolute(raw.templatesDir) ? raw.templatesDir : resolve(baseDir, raw.templatesDir);
    if (!existsSync(templatesDir) || !statSync(templatesDir).isDirectory()) {
      throw new OptionError(`Invalid templatesDir "${raw.templatesDir}" in ${file}: ${templatesDir} is not a folder.`);
    }
  }
  return { file, defaults, locked, templatesDir };
}

/** Reads and validates a preset file (a regular file of bounded size, see readInputFile). */
export function loadPreset(file: string): Preset {
  const path = resolve(file);
  const text = readInputFile(path, `--preset ${describeValue(file)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OptionError(`Invalid preset ${path}: not JSON (${(error as Error).message.split('\n')[0]}).`);
  }
  return parsePreset(json, path);
}
