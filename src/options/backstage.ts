/**
 * A Backstage Software Template's form, derived from the option table like the flags and the
 * preset schema: each option the app generator asks is a parameter with the table's title,
 * description, type, choices, bounds and default (the preset's, else the table's when it does not
 * depend on the folder); a value the preset locks is no parameter but a fixed answer, and so is
 * `backstage` (the template registers the catalog-info.yaml it writes).
 */
import { OPTIONS, applies, fixedAnswers, optionHelp, optionNames } from './table.js';
import type { AnswerName, Answers, OptionSpec } from './types.js';
import type { Preset } from './preset.js';

/** A parameter of the form: a JSON Schema property with Backstage's `ui:` keys. */
export type FormProperty = Record<string, unknown>;

/**
 * A parameter the form shows only while other answers of the page have these values (the option's
 * `askWhen`), as JSON Schema's if/then, which Backstage's form (react-jsonschema-form) resolves
 * as the user types.
 */
export interface FormCondition {
  if: { properties: Record<string, { const: unknown }>; required: string[] };
  then: { properties: Partial<Record<AnswerName, FormProperty>> };
}

export interface TemplateForm {
  /** The options the form always asks, in the generator's order. */
  properties: Partial<Record<AnswerName, FormProperty>>;
  /** The options it asks only after some answers ({@link FormCondition}); the page's `allOf`. */
  conditions: FormCondition[];
  /** Those without a default: name, module path, owner. */
  required: AnswerName[];
  /** Answers the template fixes: the preset's locks, and backstage on. */
  fixed: Partial<Answers>;
}

/** Backstage's pickers for the options that name catalog entities (both give `kind:namespace/name`). */
const FIELDS: Partial<Record<AnswerName, FormProperty>> = {
  owner: { 'ui:field': 'OwnerPicker', 'ui:options': { catalogFilter: { kind: ['Group', 'User'] } } },
  system: { 'ui:field': 'EntityPicker', 'ui:options': { catalogFilter: { kind: 'System' } } },
};

/**
 * The default a form can offer: the table's, computed with no folder and no local Go (a portal's
 * backend is not the user's machine: the newest supported Go), or none when it derives from the
 * folder or cannot be had without an answer (owner).
 */
function portableDefault(name: AnswerName, answers: Partial<Answers>): unknown {
  const spec = OPTIONS[name] as OptionSpec<unknown>;
  if (spec.folderDefault) return undefined;
  try {
    return spec.default({ folderName: '', answers, localGoMinor: () => undefined });
  } catch {
    return undefined;
  }
}

/** The template's form and fixed answers for the app generator under a preset (or none). */
export function templateForm(preset?: Preset): TemplateForm {
  const fixed: Partial<Answers> = { backstage: true };
  for (const name of preset?.locked ?? []) (fixed as Record<string, unknown>)[name] = preset!.defaults[name];
  const properties: Partial<Record<AnswerName, FormProperty>> = {};
  const conditions: FormCondition[] = [];
  const required: AnswerName[] = [];
  // Defaults may read earlier answers (base reads cgo): the app generator's fixed ones, then these.
  const answers: Partial<Answers> = { ...fixedAnswers('app'), ...fixed };
  for (const name of optionNames('app')) {
    const spec = OPTIONS[name] as OptionSpec<unknown>;
    if (name in fixed || !applies(name, answers)) continue;
    const value = preset?.defaults[name] ?? portableDefault(name, answers);
    const when = askWhen(name, fixed, properties);
    if (when === false) continue;
    if (value !== undefined) (answers as Record<string, unknown>)[name] = value;
    else required.push(name);
    const property: FormProperty = {
      title: spec.title,
      description: optionHelp(name, 'schema'),
      type: spec.kind === 'integer' ? 'integer' : spec.kind === 'boolean' ? 'boolean' : 'string',
      ...(spec.choices ? { enum: [...spec.choices] } : {}),
      ...(spec.min !== undefined ? { minimum: spec.min, maximum: spec.max } : {}),
      ...(value !== undefined && value !== '' ? { default: value } : {}),
      ...FIELDS[name],
    };
    if (when === true) properties[name] = property;
    else conditions.push({ if: when, then: { properties: { [name]: property } } });
  }
  return { properties, conditions, required, fixed };
}

/**
 * When the form asks an option with `askWhen`: always (true: no condition, or every answer it
 * reads is fixed to the value it needs), never (false: a fixed answer differs, or one is not in
 * the form at all), or while the form's answers hold (the if of a {@link FormCondition}).
 */
function askWhen(
  name: AnswerName,
  fixed: Partial<Answers>,
  properties: Partial<Record<AnswerName, FormProperty>>,
): boolean | FormCondition['if'] {
  const open: Record<string, { const: unknown }> = {};
  for (const [other, value] of Object.entries(OPTIONS[name].askWhen ?? {})) {
    if (other in fixed) {
      if (fixed[other as AnswerName] !== value) return false;
    } else if (other in properties) open[other] = { const: value };
    else return false;
  }
  const names = Object.keys(open);
  return names.length === 0 || { properties: open, required: names };
}
