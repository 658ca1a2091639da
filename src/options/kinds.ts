/**
 * The kinds of option in the table (table.ts): an integer, a choice or a boolean option is one
 * call here, which derives its accepted text, its coercion and its validator from its bounds,
 * choices or name, so that none of them is written twice.
 */
import type { AnswerName, OptionSpec } from './types.js';
import { validateChoice, validateInteger } from './validate.js';

/** camelCase option name → its kebab-case flag. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export const asString = (raw: unknown): string | undefined =>
  typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : undefined;

type IntegerFields = 'kind' | 'accepted' | 'coerce' | 'validate';

/** An integer option: its bounds give the accepted text, the validator and the schema's range. */
export function integerOption(
  spec: Omit<OptionSpec<number>, IntegerFields> & { min: number; max: number },
): OptionSpec<number> {
  return {
    ...spec,
    kind: 'integer',
    accepted: `an integer from ${spec.min} to ${spec.max}`,
    coerce: (raw) => {
      if (typeof raw === 'number') return raw;
      const s = asString(raw);
      // NaN fails validation, so the error can quote what was given.
      return s === undefined ? undefined : /^[0-9]+$/.test(s) ? Number(s) : Number.NaN;
    },
    validate: validateInteger(spec.min, spec.max),
  };
}

type ChoiceFields = 'kind' | 'accepted' | 'coerce' | 'validate';

/** A choice option: its choices give the accepted text, the validator and the schema's enum. */
export function choiceOption<T extends string>(
  spec: Omit<OptionSpec<T>, ChoiceFields> & { choices: readonly T[] },
): OptionSpec<T> {
  const accepted = spec.choices.join(', ');
  return {
    ...spec,
    kind: 'choice',
    accepted,
    coerce: (raw) => asString(raw) as T | undefined,
    validate: validateChoice(spec.choices),
  };
}

type BooleanFields = 'kind' | 'accepted' | 'coerce' | 'validate';

/** A boolean option: `--name` / `--no-name`, JSON true/false, the strings 'true'/'false'. */
export function booleanOption(name: AnswerName, spec: Omit<OptionSpec<boolean>, BooleanFields>): OptionSpec<boolean> {
  return {
    ...spec,
    kind: 'boolean',
    accepted: `true or false (--${kebab(name)} / --no-${kebab(name)})`,
    coerce: (raw) => (typeof raw === 'boolean' ? raw : raw === 'true' ? true : raw === 'false' ? false : undefined),
    validate: (value) => (typeof value === 'boolean' ? true : 'use true or false'),
  };
}
