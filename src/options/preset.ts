/**
 * Team presets: a JSON file supplying defaults for any option, locking some (not asked, flags
 * rejected) and naming a folder of templates that override or add to the built-in ones. Its JSON
 * Schema is derived from the option table and shipped in the package (dist/preset.schema.json).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseJson, readInputFile } from '../io/fs-safety.js';
import type { PresetIdentity } from './provenance.js';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { OPTION_NAMES, OptionError, type AnswerName, type Answers } from './table.js';
import { describeValue } from './check.js';
import { printable, quoteValue } from '../messages/quote.js';
import { SCHEMA_DIALECT, checkAnswersObject, optionSchema } from './schema.js';

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

/** JSON Schema (draft 2020-12) for a preset, derived from the option table; {@link parsePreset} enforces it. */
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
      minLength: 1,
    },
  };
  for (const name of OPTION_NAMES) properties[name] = optionSchema(name);
  return {
    $schema: SCHEMA_DIALECT,
    $id: 'https://www.npmjs.com/package/generator-go-minimal/preset.schema.json',
    title: 'generator-go-minimal team preset',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

/** The schema parsePreset enforces: built once (the table does not change during a run). */
let presetSchemaOnce: Record<string, unknown> | undefined;

/** What the schema cannot word for the keys that are not options. */
function presetHint(key: string, error: ErrorObject, value: unknown): string {
  if (key === 'locked') {
    const list = value as unknown[];
    if (error.keyword === 'uniqueItems') {
      return `${quoteValue(list[(error.params as { j: number }).j])} is listed twice; list each option once`;
    }
    if (error.instancePath !== '/locked') {
      const item = list[Number(error.instancePath.split('/')[2])];
      return `${quoteValue(item)} is not an option; use ${OPTION_NAMES.join(', ')}`;
    }
    return 'use a list of option names, e.g. ["base", "goVersion"]';
  }
  if (key === 'templatesDir') return 'use a folder path (relative to the preset)';
  return `use a string (the URL or path of preset.schema.json), not ${quoteValue(value)}`;
}

/**
 * `.go-minimal.json` in dir or a parent up to the repository root (the folder holding `.git`)
 * or the home folder, whichever comes first; else in the home folder. Never above, never in the
 * filesystem's root, and never in or above a folder other users may write to (a temporary folder
 * such as /tmp, a shared parent): a preset planted there is not picked up.
 */
export function findPresetFile(dir: string, home = homedir()): string | undefined {
  const start = resolve(dir);
  for (let current = start; ; current = dirname(current)) {
    const parent = dirname(current);
    const shared = ((statSync(current, { throwIfNoEntry: false })?.mode ?? 0) & 0o002) !== 0;
    if (parent === current || (shared && current !== start)) break;
    const candidate = join(current, PRESET_FILE);
    if (existsSync(candidate)) return candidate;
    if (current === home || existsSync(join(current, '.git'))) break;
  }
  const inHome = join(home, PRESET_FILE);
  return existsSync(inHome) ? inHome : undefined;
}

/** Validates a preset object against {@link presetSchema}, then each value with the table's validator. */
export function parsePreset(input: unknown, file: string, baseDir = dirname(file)): Preset {
  const defaults = checkAnswersObject((presetSchemaOnce ??= presetSchema()), input, {
    file,
    label: `preset ${file}`,
    where: file,
    accepted: [...OPTION_NAMES, 'locked', 'templatesDir'],
    extraHint: presetHint,
  });
  const raw = input as { locked?: AnswerName[]; templatesDir?: string }; // as the schema checked
  const locked = raw.locked ?? [];
  const unset = locked.find((key) => defaults[key] === undefined);
  if (unset) throw new OptionError(`Invalid locked in ${file}: "${unset}" is locked but ${file} gives it no value.`);
  let templatesDir: string | undefined;
  if (raw.templatesDir !== undefined) {
    templatesDir = isAbsolute(raw.templatesDir) ? raw.templatesDir : resolve(baseDir, raw.templatesDir);
    if (!existsSync(templatesDir) || !statSync(templatesDir).isDirectory()) {
      throw new OptionError(
        `Invalid templatesDir ${quoteValue(raw.templatesDir)} in ${file}: ${printable(templatesDir)} is not a folder.`,
      );
    }
  }
  return { file, defaults, locked, templatesDir };
}

/** Reads and validates a preset file (a regular file of bounded size, see readInputFile). */
export function loadPreset(file: string): Preset {
  const path = resolve(file);
  const what = `--preset ${describeValue(file)}`;
  // A byte-order mark is skipped (editors on Windows save one); a syntax error says where, never what.
  const json = parseJson(readInputFile(path, what), `the preset ${printable(path)}`);
  return parsePreset(json, path);
}

/**
 * The preset's identity: content (the file's bytes, or the object as JSON) and every file of
 * its templatesDir (relative path and bytes, in path order), hashed together.
 */
export function presetIdentity(preset: Preset, projectRoot: string, object?: unknown): PresetIdentity {
  const hash = createHash('sha256');
  const content = object === undefined ? readFileSync(preset.file) : Buffer.from(JSON.stringify(object));
  hash.update(`preset ${content.length}\n`).update(content);
  if (preset.templatesDir) {
    const dir = preset.templatesDir;
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort();
    for (const rel of files) {
      const bytes = readFileSync(join(dir, rel));
      hash.update(`file ${rel} ${bytes.length}\n`).update(bytes);
    }
  }
  const file = object === undefined && isAbsolute(preset.file) ? relative(projectRoot, preset.file) : preset.file;
  return {
    file,
    sha256: hash.digest('hex'),
    templates: preset.templatesDir !== undefined,
    given: object === undefined ? 'file' : 'generator',
  };
}
