/**
 * The one front door: how a command line becomes options, and how options are described. The bin
 * (`go-minimal`, `create-go-minimal`) parses argv with {@link parseFlags}; under `yo`, the
 * generator registers the same flags with yeoman ({@link flagsOf}) and prints the same
 * {@link helpText}; both read the parsed values through {@link givenOptions}. Everything comes
 * from the option table (table.ts): one spelling per flag (kebab-case), one help text.
 *
 * This module loads no yeoman code: `--help` and `--version` stay as fast as node starts.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OPTIONS, RUN_OPTIONS, OptionError, kebab, optionHelp, optionNames, type CommandName } from './table.js';
import { describeValue } from './check.js';
import { printable } from '../messages/quote.js';

/** One command-line flag. `name` is the option's key in code (camelCase); `flag` its spelling. */
export interface Flag {
  name: string;
  flag: string;
  type: 'boolean' | 'string';
  short?: string;
  /** `<value>` shown after a string flag in the help. */
  value?: string;
  /** A table boolean: `--no-<flag>` sets it false (shown as `--[no-]<flag>`). */
  negatable?: boolean;
  /** Repeatable (`--set a=1 --set b=2`): its value is the list. */
  multiple?: boolean;
  help: string;
  /** Accepted for released command lines only: the one-line note a run prints (not in the help). */
  deprecated?: string;
}

/** The flags of a generator: its table options in the order it asks them, then the run options. */
export function flagsOf(generator: CommandName): Flag[] {
  const table: Flag[] = optionNames(generator).map((name) => ({
    name,
    flag: kebab(name),
    type: OPTIONS[name].kind === 'boolean' ? 'boolean' : 'string',
    value: OPTIONS[name].kind === 'boolean' ? undefined : '<value>',
    negatable: OPTIONS[name].kind === 'boolean',
    help: optionHelp(name, 'help'),
  }));
  const run: Flag[] = Object.entries(RUN_OPTIONS)
    .filter(([, spec]) => (spec.for as readonly string[]).includes(generator))
    .map(([name, spec]) => ({
      name,
      flag: kebab(name),
      type: spec.type,
      short: spec.alias,
      value: 'value' in spec ? spec.value : undefined,
      negatable: 'negatable' in spec ? spec.negatable : undefined,
      multiple: 'multiple' in spec ? spec.multiple : undefined,
      help: `${spec.description}.`,
      deprecated: 'deprecated' in spec ? deprecationNote(name, spec.deprecated, generator) : undefined,
    }));
  return [...table, ...run];
}

/** The one-line note of a flag deprecated for this command (run-options.ts), if it is. */
function deprecationNote(
  name: string,
  deprecated: Partial<Record<CommandName, string>>,
  generator: CommandName,
): string | undefined {
  const why = deprecated[generator];
  return why && `note: --${kebab(name)} ${why}; it is deprecated there and a later minor release may refuse it.`;
}

/** The notes a run prints for the deprecated flags it was given (one line each). */
export function deprecationNotes(generator: CommandName, isGiven: (name: string) => boolean): string[] {
  return flagsOf(generator).flatMap((f) => (f.deprecated && isGiven(f.name) ? [f.deprecated] : []));
}

/** How each front end names a command. */
const PROGRAMS = {
  bin: {
    app: 'go-minimal [folder]',
    docker: 'go-minimal docker [folder]',
    update: 'go-minimal update [folder]',
    backstage: 'go-minimal backstage [folder]',
  },
  yo: {
    app: 'yo go-minimal',
    docker: 'yo go-minimal:docker',
    update: 'yo go-minimal:update',
    backstage: 'yo go-minimal:backstage',
  },
} as const;

const SUMMARIES: Record<CommandName, string> = {
  app: `Scaffolds a standard-library Go HTTP service with a minimal, non-root container image into
the folder (default: the current one, created if missing).`,
  docker: `Adds a Dockerfile, .dockerignore and docker.mk (image targets) to the existing Go module in
the folder (default: the current one), derived from its go.mod and code, and stores the answers
in .yo-rc.json for the next run. Writes nothing else.`,
  update: `Brings a generated project (default: the current folder) to this version's templates: renders
the project from its .yo-rc.json with the version that made it (base) and with this one, and
merges per file (three-way): your edits are kept, template changes arrive, a line both changed
gets conflict markers. Files you deleted stay deleted. Then proves the result (go vet, go test,
make verify). Exit 0: clean (or nothing to do); 1: conflicts remain, or --check found changes;
2: bad input; 3: merged, but a check failed.`,
  backstage: `Writes template.yaml into the folder (default: the current one): a Backstage Software Template
(scaffolder.backstage.io/v1beta3) whose form is this generator's options, from the same table as
these flags (a preset's locked values fixed, its defaults the form's), and whose steps run the
generator (run:yeoman), publish the repository (publish:github, or publish:gitlab with ci gitlab)
and register its catalog-info.yaml (catalog:register).`,
};

const EXAMPLES: Record<CommandName, string> = {
  app: '--name hello --base distroless --port 9090 --yes',
  docker: '--main ./cmd/api --yes',
  update: '--check',
  backstage: 'templates/go-service --preset team.json',
};

/** The help of a command, the same for the bin and for yo (only the program name differs). */
export function helpText(generator: CommandName, frontEnd: 'bin' | 'yo' = 'bin'): string {
  const rows: [string, string][] = flagsOf(generator)
    .filter((f) => !f.deprecated)
    .map((f) => {
      const spelled = f.negatable ? `--[no-]${f.flag}` : `--${f.flag}`;
      return [`${f.short ? `-${f.short}, ` : ''}${spelled}${f.value ? ` ${f.value}` : ''}`, f.help];
    });
  rows.push(['-h, --help', 'Show this help.']);
  if (frontEnd === 'bin') rows.push(['-v, --version', 'Print the version.']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const program = PROGRAMS[frontEnd][generator];
  const other =
    generator === 'app'
      ? `\n${PROGRAMS[frontEnd].docker.split(' [')[0]} --help: the image for an existing Go module.
${PROGRAMS[frontEnd].update.split(' [')[0]} --help: bring a generated project to this version.
${PROGRAMS[frontEnd].backstage.split(' [')[0]} --help: a Backstage Software Template of this generator.\n`
      : '';
  const answers =
    generator === 'backstage'
      ? `A team generator built on this one writes its own template: yo <its name>:backstage.`
      : generator === 'update'
        ? `Options this version added are asked (their defaults with --yes, or without a terminal).`
        : `Asks for every option not given, unless --yes (or without a terminal).
Flags override answers stored in .yo-rc.json, which override a preset, which overrides defaults.`;
  return `Usage: ${program} [options]

${SUMMARIES[generator]}
${answers}

Options:
${rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n')}

Example:
  ${program.split(' [')[0]} ${EXAMPLES[generator]}
${other}`;
}

/** A command line the bin cannot take: exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedFlags {
  /** Given options, keyed as in code (camelCase); absent ones are absent. */
  options: Record<string, unknown>;
  positionals: string[];
  help: boolean;
  version: boolean;
}

/**
 * node:util's parseArgs errors in one line of our own (its messages run over several lines and
 * quote what was typed unescaped).
 */
function usageMessage(error: Error & { code?: string }, args: string[]): string {
  // The option as the message names it: '--port <value>', '-y, --yes' or '--foo'.
  const named = (/'([^']*)'/.exec(error.message)?.[1] ?? '').split(/[ ,]+/).filter((w) => w.startsWith('-'));
  const flag = named.find((w) => args.includes(w)) ?? named.at(-1) ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${describeValue(flag)}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const value = args[args.indexOf(flag) + 1];
      if (/ambiguous/.test(error.message) && value !== undefined) {
        // `--port -1`: parseArgs will not take a value that looks like a flag after a space.
        return `${flag} ${describeValue(value)}: a value that starts with "-" is written ${flag}=${printable(value)}`;
      }
      if (/argument missing/.test(error.message)) return `${flag} needs a value`;
      if (/does not take an argument/.test(error.message)) return `${flag} takes no value`;
      return `invalid value for ${describeValue(flag)}`;
    }
    default:
      return printable(error.message.split('\n')[0] ?? error.message);
  }
}

/** Parses a bin command line: kebab-case flags only, each at most once. */
export function parseFlags(args: string[], generator: CommandName): ParsedFlags {
  const flags = flagsOf(generator);
  const config: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  for (const f of flags)
    config[f.flag] = {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  const repeatable = new Set(flags.filter((f) => f.multiple).map((f) => f.flag));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: config,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError(usageMessage(error as Error & { code?: string }, args));
  }
  const seen = new Map<string, string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || repeatable.has(token.name)) continue;
    const earlier = seen.get(token.name);
    if (earlier !== undefined) {
      throw new UsageError(
        `--${token.name} is given twice (${earlier} and ${token.rawName}${token.value === undefined ? '' : ` ${describeValue(token.value)}`}): give it once`,
      );
    }
    seen.set(token.name, `${token.rawName}${token.value === undefined ? '' : ` ${describeValue(token.value)}`}`);
  }
  const values = parsed.values as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const f of flags) if (values[f.flag] !== undefined) options[f.name] = values[f.flag];
  return { options, positionals: parsed.positionals, help: values.help === true, version: values.version === true };
}

/**
 * An option as given to a generator, whichever way it came: a flag under yo (kebab-case, as
 * yeoman parsed it) or an option passed in code (camelCase: the bin, a team generator,
 * yeoman-test). Both spellings with different values is refused in one line.
 */
export function givenOption(options: Record<string, unknown>, name: string): unknown {
  const flag = kebab(name);
  const a = options[flag];
  const b = flag === name ? undefined : options[name];
  if (a !== undefined && b !== undefined && a !== b) {
    throw new OptionError(
      `--${flag} is given twice, as ${describeValue(a)} and (as ${name}) ${describeValue(b)}: give it once.`,
    );
  }
  return a ?? b;
}
