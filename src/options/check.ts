/**
 * Checking one raw value against its option's entry in the table, wherever it came from (a flag,
 * `--set`, a file, a prompt, a default), and the one-line message that names the option, the
 * value and what is accepted.
 */
import { OptionError } from '../messages/errors.js';
import { quoteValue } from '../messages/quote.js';
import { kebab } from './kinds.js';
import { OPTIONS } from './table.js';
import type { AnswerName, Answers, OptionSpec } from './types.js';
import type { Validation } from './validate.js';

/** Where a raw value came from, for error messages. */
export type Source =
  { kind: 'flag' } | { kind: 'set' } | { kind: 'file'; file: string } | { kind: 'prompt' } | { kind: 'default' };

/**
 * A value as an error message quotes it, on one line: JSON, with the controls JSON leaves (C1, bidi,
 * U+2028) escaped too, and a long value elided (see quote.ts).
 */
export function describeValue(raw: unknown): string {
  return quoteValue(raw);
}

/** One line: names the option, the value and what is accepted. */
export function formatOptionError(name: AnswerName, raw: unknown, hint: string, source: Source): string {
  const where =
    source.kind === 'flag'
      ? `--${kebab(name)} ${describeValue(raw)}`
      : source.kind === 'set'
        ? `--set ${kebab(name)}=${describeValue(raw)}`
        : source.kind === 'file'
          ? `${name} ${describeValue(raw)} in ${source.file}`
          : source.kind === 'default'
            ? `${name} ${describeValue(raw)} (the default, from the folder or the code)`
            : `${name} ${describeValue(raw)}`;
  return `Invalid ${where}: ${hint}.`;
}

/** Coerces and validates one raw value; throws an OptionError with a one-line message. */
export function checkOption<K extends AnswerName>(name: K, raw: unknown, source: Source): Answers[K] {
  const spec = OPTIONS[name] as OptionSpec<Answers[K]>;
  const value = spec.coerce(raw);
  const verdict = value === undefined ? `use ${spec.accepted}` : spec.validate(value);
  if (verdict !== true) throw new OptionError(formatOptionError(name, raw, verdict, source));
  return value as Answers[K];
}

/** The prompt's validate: the same validator, on the coerced answer. */
export function promptValidator(name: AnswerName): (input: unknown) => Validation {
  const spec = OPTIONS[name] as OptionSpec<unknown>;
  return (input) => {
    const value = spec.coerce(input);
    return value === undefined ? `use ${spec.accepted}` : spec.validate(value);
  };
}
