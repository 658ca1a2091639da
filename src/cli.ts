#!/usr/bin/env node
/**
 * `go-minimal [folder] [--flags]` and `go-minimal docker [folder] [--flags]`: run the app or the
 * docker generator through yeoman-environment, so no global `yo` is needed and it works as root
 * (where `yo` refuses to run).
 */
import { mkdirSync, readdirSync, rmdirSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  APP_OPTION_NAMES,
  DOCKER_OPTION_NAMES,
  OPTIONS,
  RUN_OPTIONS,
  runOptionsFor,
  checkOption,
  kebab,
  optionHelp,
  type AnswerName,
} from './lib/options.js';

const PROGRAM = 'go-minimal';

type ArgOptions = NonNullable<ParseArgsConfig['options']>;

/** The two commands: a new service, or the image for an existing module. */
const COMMANDS = {
  app: {
    usage: `${PROGRAM} [folder] [options]`,
    summary: `Scaffolds a standard-library Go HTTP service with a minimal, non-root container image into
folder (default: the current one, created if missing).`,
    example: `${PROGRAM} hello --base distroless --port 9090 --yes`,
    names: APP_OPTION_NAMES,
    generator: 'app',
  },
  docker: {
    usage: `${PROGRAM} docker [folder] [options]`,
    summary: `Adds a Dockerfile, .dockerignore and docker.mk (image targets) to the existing Go module in
folder (default: the current one), derived from its go.mod and code, and stores the answers in
.yo-rc.json for the next run. Writes nothing else.`,
    example: `${PROGRAM} docker --main ./cmd/api --yes`,
    names: DOCKER_OPTION_NAMES,
    generator: 'docker',
  },
} as const;
type Command = keyof typeof COMMANDS;

/** Flags from the option table: kebab-case, with the camelCase spelling yo also accepts. */
function argOptions(names: readonly AnswerName[]): ArgOptions {
  const options: ArgOptions = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  const add = (name: string, type: 'boolean' | 'string', short?: string): void => {
    options[kebab(name)] = { type, ...(short ? { short } : {}) };
    if (kebab(name) !== name) options[name] = { type };
  };
  for (const name of names) add(name, OPTIONS[name].kind === 'boolean' ? 'boolean' : 'string');
  for (const [name, spec] of Object.entries(RUN_OPTIONS)) add(name, spec.type, spec.alias);
  return options;
}

export function helpText(command: Command = 'app'): string {
  const { usage, summary, example, names } = COMMANDS[command];
  const rows: [string, string][] = [];
  for (const name of names) {
    const flag = OPTIONS[name].kind === 'boolean' ? `--[no-]${kebab(name)}` : `--${kebab(name)} <value>`;
    rows.push([flag, optionHelp(name, 'cli')]);
  }
  for (const [name, spec] of runOptionsFor(command)) {
    const value = spec.type === 'string' ? ' <file>' : '';
    rows.push([`${spec.alias ? `-${spec.alias}, ` : ''}--${kebab(name)}${value}`, spec.description + '.']);
  }
  rows.push(['-h, --help', 'Show this help.'], ['-v, --version', 'Print the version.']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const other = command === 'app' ? `\n${PROGRAM} docker --help: add the image to an existing Go module.\n` : '';
  return `Usage: ${usage}

${summary}
Asks for every option not given, unless --yes (or without a terminal).
Flags override answers stored in .yo-rc.json, which override a preset, which overrides defaults.

Options:
${rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n')}

Example:
  ${example}
${other}`;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * yeoman logs "✖ An error occured while running …" before rethrowing; our own one-line message
 * says what went wrong, so that line is dropped from the log stream.
 */
function quietStderr(): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString();
      if (!text.includes('An error occured while running')) process.stderr.write(text);
      done();
    },
  });
}

function fail(message: string, code = 1): never {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  process.exit(code);
}

export async function main(argv: string[]): Promise<void> {
  const command: Command = argv[0] === 'docker' ? 'docker' : 'app';
  const args = command === 'docker' ? argv.slice(1) : argv;
  const { names } = COMMANDS[command];
  let parsed;
  try {
    parsed = parseArgs({ args, options: argOptions(names), allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    fail(
      `${(error as Error).message.split('\n')[0]} (see ${PROGRAM}${command === 'docker' ? ' docker' : ''} --help)`,
      2,
    );
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(helpText(command));
    return;
  }
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  if (positionals.length > 1) fail(`expected at most one folder, got: ${positionals.join(' ')}`, 2);

  // Generator options in camelCase, whichever spelling was used.
  const options: Record<string, unknown> = {};
  for (const name of [...names, ...Object.keys(RUN_OPTIONS)]) {
    const value = values[kebab(name)] ?? values[name];
    if (value !== undefined) options[name] = value;
  }

  // Fail fast, before yeoman loads or a folder is made; the generator checks again (for yo users).
  try {
    for (const name of names) if (options[name] !== undefined) checkOption(name, options[name], { kind: 'flag' });
  } catch (error) {
    fail((error as Error).message);
  }

  const target = resolve(positionals[0] ?? '.');
  if (command === 'docker' && !existsSync(target)) fail(`no such folder: ${target}`);
  const created = !existsSync(target);
  if (created) mkdirSync(target, { recursive: true });
  try {
    // Startup cost is module loading, not work: yeoman-environment and yeoman-generator pull in
    // ~1,200 ES modules (all of lodash-es among them), ~0.9 s here. So both load together, on
    // this path only (never for --help, --version or a bad flag), and the generator is registered
    // as the imported class rather than by path: environment and generator then share one
    // module graph, which `npm run build` bundles into this file (scripts/build.mjs, esbuild).
    // It is the same generator yo runs: `resolved` points at its file, so the templates and
    // package.json are found next to it as with yo.
    const [{ createEnv }, { default: Generator }] = await Promise.all([
      import('yeoman-environment'),
      command === 'docker' ? import('./generators/docker/index.js') : import('./generators/app/index.js'),
    ]);
    const env = createEnv({ cwd: target, stderr: quietStderr() as NodeJS.WriteStream });
    const namespace = `go-minimal:${COMMANDS[command].generator}`;
    env.register(Generator, {
      namespace,
      resolved: fileURLToPath(new URL(`./generators/${COMMANDS[command].generator}/index.js`, import.meta.url)),
      packagePath: fileURLToPath(new URL('..', import.meta.url)),
    });
    await env.run([namespace], options);
  } catch (error) {
    // Nothing written: leave no empty folder behind either.
    if (created && readdirSync(target).length === 0) rmdirSync(target);
    fail((error as Error).message.split('\n')[0] ?? String(error));
  }
}

await main(process.argv.slice(2));
