/**
 * The one checker for answers read from JSON (a preset, the generator's entry in `.yo-rc.json`):
 * a JSON Schema derived from the option table, enforced by a real validator (ajv, draft 2020-12),
 * so the schema we ship is what the code enforces; then the table's validators, which know more
 * than a schema can say (Go's module-path rules, the local Go's version). Every error is one line
 * naming the file and the key.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import {
  OPTIONS,
  OPTION_NAMES,
  OptionError,
  optionHelp,
  type AnswerName,
  type Answers,
  type OptionSpec,
} from './table.js';
import { checkOption, formatOptionError } from './check.js';
import { PROVENANCE_HINTS, PROVENANCE_KEYS, PROVENANCE_SCHEMA } from './provenance.js';
import { quoteValue } from '../messages/quote.js';

export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

type JsonType = 'integer' | 'boolean' | 'string';

function jsonType(name: AnswerName): JsonType {
  const { kind } = OPTIONS[name];
  return kind === 'integer' ? 'integer' : kind === 'boolean' ? 'boolean' : 'string';
}

/** An option's JSON Schema: its type, choices and bounds, from the table. */
export function optionSchema(name: AnswerName): Record<string, unknown> {
  const spec = OPTIONS[name];
  return {
    description: optionHelp(name, 'schema'),
    type: jsonType(name),
    ...(spec.choices ? { enum: [...spec.choices] } : {}),
    ...(spec.min !== undefined ? { minimum: spec.min } : {}),
    ...(spec.max !== undefined ? { maximum: spec.max } : {}),
  };
}

/** The options stored in `.yo-rc.json` (by any generator), in table order. */
export const STORED_NAMES: AnswerName[] = OPTION_NAMES.filter((name) => OPTIONS[name].stored);

let storedSchemaOnce: Record<string, unknown> | undefined;

/**
 * JSON Schema of the generator's entry in `.yo-rc.json`: the stored options and what generated
 * them (provenance.ts), nothing else.
 */
export function storedSchema(): Record<string, unknown> {
  return (storedSchemaOnce ??= {
    $schema: SCHEMA_DIALECT,
    type: 'object',
    additionalProperties: false,
    properties: {
      ...Object.fromEntries(STORED_NAMES.map((name) => [name, optionSchema(name)])),
      ...PROVENANCE_SCHEMA,
    },
  });
}

/** Where a checked object came from, for its one-line errors. */
export interface JsonSource {
  /** The file, as messages name it. */
  file: string;
  /** The object as messages name it when it is not an object: `preset /x/p.json`. */
  label: string;
  /** Where an unknown key was found: `/x/p.json`, `.yo-rc.json ("generator-go-minimal")`. */
  where: string;
  /** The keys offered when an unknown key is found. */
  accepted: readonly string[];
  /** What to do about an object that is not one: `; delete that entry …`. */
  remedy?: string;
  /** One-line hint (without "Invalid … in file: ") for an error under a non-option key. */
  extraHint?: (key: string, error: ErrorObject, value: unknown) => string;
}

/** Compiled once per schema object: callers pass the same object each time (see storedSchema). */
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    // strict: a schema keyword ajv does not know is a bug here, not something to ignore.
    validate = new Ajv2020({ strict: true, allErrors: false }).compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** A key of the checked object, from a JSON Pointer (`/locked/1` → `locked`). */
function topKey(pointer: string): string {
  return (pointer.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The hint for an option value the schema refused, in the table's words. */
function optionHint(name: AnswerName, value: unknown): string {
  const spec = OPTIONS[name] as OptionSpec<unknown>;
  const coerced = spec.coerce(value);
  if (coerced === undefined) return `use ${spec.accepted}`;
  const verdict = spec.validate(coerced);
  if (verdict !== true) return verdict;
  // The text of a valid value, in the wrong JSON type ("9090", "false", 5 for a name).
  return `write it as a JSON ${jsonType(name) === 'integer' ? 'number' : jsonType(name)}: ${JSON.stringify(coerced)}`;
}

/** The schema's first complaint, as one line naming the file and the key. */
export function describeSchemaError(error: ErrorObject, data: unknown, source: JsonSource): string {
  if (error.instancePath === '') {
    if (error.keyword === 'additionalProperties') {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      return `Unknown key ${quoteValue(key)} in ${source.where}: use one of ${source.accepted.join(', ')}.`;
    }
    return `Invalid ${source.label}: it must be a JSON object, not ${quoteValue(data)}${source.remedy ?? ''}.`;
  }
  const key = topKey(error.instancePath);
  const value = (data as Record<string, unknown>)[key];
  if ((OPTION_NAMES as string[]).includes(key)) {
    const name = key as AnswerName;
    return formatOptionError(name, value, optionHint(name, value), { kind: 'file', file: source.file });
  }
  const hint = source.extraHint?.(key, error, value) ?? `see the schema (${error.message ?? error.keyword})`;
  return `Invalid ${key} in ${source.file}: ${hint}.`;
}

/**
 * Checks an object against a schema derived from the table, then each option value with the
 * table's validator; returns the option values (coerced). Throws an OptionError of one line.
 */
export function checkAnswersObject(
  schema: Record<string, unknown>,
  data: unknown,
  source: JsonSource,
): Partial<Answers> {
  const validate = validatorFor(schema);
  if (!validate(data)) throw new OptionError(describeSchemaError(validate.errors![0]!, data, source));
  const answers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (!(OPTION_NAMES as string[]).includes(key)) continue;
    answers[key] = checkOption(key as AnswerName, value, { kind: 'file', file: source.file });
  }
  return answers as Partial<Answers>;
}

/**
 * The generator's answers stored in `.yo-rc.json`: `content` is the whole file (other generators
 * keep their own entries there, untouched), `namespace` the entry (the generator's package name;
 * a team generator that extends ours has its own). No entry: no stored answers.
 */
export function checkStoredEntry(content: unknown, namespace: string, file: string): Partial<Answers> {
  const entry = (content as Record<string, unknown> | null | undefined)?.[namespace];
  if (entry === undefined) return {};
  const where = `${file} (${quoteValue(namespace)})`;
  return checkAnswersObject(storedSchema(), entry, {
    file,
    label: `${quoteValue(namespace)} in ${file}`,
    where,
    accepted: [...STORED_NAMES, ...PROVENANCE_KEYS],
    remedy: '; delete that entry to start afresh',
    extraHint: (key) => PROVENANCE_HINTS[key] ?? 'see the schema',
  });
}
