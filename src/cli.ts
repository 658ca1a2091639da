#!/usr/bin/env node
/**
 * `go-minimal [folder] [--flags]`: runs the app generator through yeoman-environment, so no
 * global `yo` is needed and it works as root (where `yo` refuses to run).
 */
import { mkdirSync, readdirSync, rmdirSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OPTIONS, OPTION_NAMES, RUN_OPTIONS, checkOption, kebab } from './lib/options.js';

const PROGRAM = 'go-minimal';

type ArgOptions = NonNullable<ParseArgsConfig['options']>;

/** Flags from the option table: kebab-case, with the camelCase spelling yo also accepts. */
function argOptions(): ArgOptions {
  const options: ArgOptions = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  for (const name of OPTION_NAMES) {
    const type = OPTIONS[name].kind === 'boolean' ? 'boolean' : 'string';
    options[kebab(name)] = { type };
    if (kebab(name) !== name) options[name] = { type };
  }
  for (const [name, spec] of Object.entries(RUN_OPTIONS)) {
    options[kebab(name)] = { type: 'boolean', ...(spec.alias ? { short: spec.alias } : {}) };
    if (kebab(name) !== name) options[name] = { type: 'boolean' };
  }
  return options;
}

export function helpText(): string {
  const rows: [string, string][] = [];
  for (const name of OPTION_NAMES) {
    const spec = OPTIONS[name];
    const flag = spec.kind === 'boolean' ? `--[no-]${kebab(name)}` : `--${kebab(name)} <value>`;
    rows.push([flag, `${spec.description}: ${spec.accepted}. Default: ${spec.defaultHelp}.`]);
  }
  for (const [name, spec] of Object.entries(RUN_OPTIONS)) {
    rows.push([`${spec.alias ? `-${spec.alias}, ` : ''}--${kebab(name)}`, spec.description + '.']);
  }
  rows.push(['-h, --help', 'Show this help.'], ['-v, --version', 'Print the version.']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return `Usage: ${PROGRAM} [folder] [options]

Scaffolds a standard-library Go HTTP service with a minimal, non-root container image into
folder (default: the current one). Asks for every option not given, unless --yes.
Flags override answers stored in .yo-rc.json, which override defaults.

Options:
${rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n')}

Example:
  ${PROGRAM} hello --base distroless --port 9090 --yes
`;
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
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: argOptions(),
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    fail(`${(error as Error).message.split('\n')[0]} (see ${PROGRAM} --help)`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(helpText());
    return;
  }
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  if (positionals.length > 1) fail(`expected at most one folder, got: ${positionals.join(' ')}`, 2);

  // Generator options in camelCase, whichever spelling was used.
  const options: Record<string, unknown> = {};
  for (const name of [...OPTION_NAMES, ...Object.keys(RUN_OPTIONS)]) {
    const value = values[kebab(name)] ?? values[name];
    if (value !== undefined) options[name] = value;
  }

  // Fail fast, before yeoman loads or a folder is made; the generator checks again (for yo users).
  try {
    for (const name of OPTION_NAMES)
      if (options[name] !== undefined) checkOption(name, options[name], { kind: 'flag' });
  } catch (error) {
    fail((error as Error).message);
  }

  const target = resolve(positionals[0] ?? '.');
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
    const [{ createEnv }, { default: AppGenerator }] = await Promise.all([
      import('yeoman-environment'),
      import('./generators/app/index.js'),
    ]);
    const env = createEnv({ cwd: target, stderr: quietStderr() as NodeJS.WriteStream });
    env.register(AppGenerator, {
      namespace: 'go-minimal:app',
      resolved: fileURLToPath(new URL('./generators/app/index.js', import.meta.url)),
      packagePath: fileURLToPath(new URL('..', import.meta.url)),
    });
    await env.run(['go-minimal:app'], options);
  } catch (error) {
    // Nothing written: leave no empty folder behind either.
    if (created && readdirSync(target).length === 0) rmdirSync(target);
    fail((error as Error).message.split('\n')[0] ?? String(error));
  }
}

await main(process.argv.slice(2));
