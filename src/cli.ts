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
import { UsageError, deprecationNotes, helpText, parseFlags } from './options/flags.js';
import { describeFsError } from './io/fs-safety.js';
import { RESULT_TO_BIN, runResult } from './generators/result.js';
import { lockFolder } from './io/lock.js';
import { writeProgress } from './io/progress.js';
import { optionNames, type CommandName, type GeneratorName } from './options/table.js';
import { checkOption } from './options/check.js';

const PROGRAM = 'go-minimal';

function packageJson(): { name: string; version: string } {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  };
}
const packageVersion = (): string => packageJson().version;
const packageName = (): string => packageJson().name;

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
  const command: CommandName =
    argv[0] === 'docker' || argv[0] === 'update' || argv[0] === 'backstage' ? argv[0] : 'app';
  const args = command === 'app' ? argv : argv.slice(1);
  let parsed;
  try {
    parsed = parseFlags(args, command);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(`${error.message} (see ${PROGRAM}${command === 'app' ? '' : ` ${command}`} --help)`, 2);
  }
  const { options, positionals } = parsed;
  // A flag kept for released command lines (docs/releasing.md): accepted, with one line saying so.
  for (const line of deprecationNotes(command, (name) => options[name] !== undefined))
    process.stderr.write(`${line}\n`);
  if (parsed.help) {
    process.stdout.write(helpText(command));
    return;
  }
  if (parsed.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  if (positionals.length > 1) fail(`expected at most one folder, got: ${positionals.join(' ')}`, 2);
  if (command === 'update') return update(positionals[0] ?? '.', options);
  const generator = command;

  // Fail fast, before yeoman loads or a folder is made; the generator checks again (for yo users).
  try {
    for (const name of optionNames(generator)) {
      if (options[name] !== undefined) checkOption(name, options[name], { kind: 'flag' });
    }
  } catch (error) {
    fail((error as Error).message);
  }

  const target = resolve(positionals[0] ?? '.');
  if (generator === 'docker' && !existsSync(target)) fail(`no such folder: ${target}`);
  const created = !existsSync(target);
  try {
    if (created) mkdirSync(target, { recursive: true });
  } catch (error) {
    fail(describeFsError(error, target) ?? (error as Error).message.split('\n')[0]!);
  }
  holdFolder(target, () => removeIfEmpty(target, created));
  onSignals(generator === 'app' ? 'go mod tidy and the summary' : 'the summary', () => removeIfEmpty(target, created));
  try {
    await runGenerator(generator, target, { ...options, [RESULT_TO_BIN]: true });
    // The result on stdout for a script (files and notes went to stderr as yeoman prints them).
    if (runResult.value) process.stdout.write(`${runResult.value.summary}\n${runResult.value.replay}\n`);
  } catch (error) {
    removeIfEmpty(target, created);
    const e = error as Error;
    // Ctrl-C at a prompt: inquirer rejects with ExitPromptError; files are not written yet.
    if (e.name === 'ExitPromptError' || /^User force closed the prompt/.test(e.message)) {
      fail('interrupted at a question; nothing was written.', 130);
    }
    // A file we cannot use as input (InputError) is bad input: exit 2, as for update.
    const code = (error as { exitCode?: unknown }).exitCode === 2 ? 2 : 1;
    fail(describeFsError(error) ?? e.message.split('\n')[0] ?? String(error), code);
  }
}

/**
 * One of this package's generators, as yeoman registers it: the imported class, and `resolved`
 * pointing at its file so its package.json is found as with yo. Loaded on the generating and
 * updating paths only (never for --help, --version or a bad flag).
 */
async function loadGenerator(generator: GeneratorName | 'backstage') {
  const module = await (generator === 'docker'
    ? import('./generators/docker/index.js')
    : generator === 'backstage'
      ? import('./generators/backstage/index.js')
      : import('./generators/app/index.js'));
  return {
    Generator: module.default,
    resolved: fileURLToPath(new URL(`./generators/${generator}/index.js`, import.meta.url)),
    packagePath: fileURLToPath(new URL('..', import.meta.url)),
  };
}

/**
 * Runs a generator in `target` with the given options (yeoman-environment and yeoman-generator
 * are ~1,200 ES modules, loaded here only).
 */
async function runGenerator(
  generator: GeneratorName | 'backstage',
  target: string,
  options: Record<string, unknown>,
): Promise<void> {
  const [{ createEnv }, { Generator, resolved, packagePath }] = await Promise.all([
    import('yeoman-environment'),
    loadGenerator(generator),
  ]);
  const env = createEnv({ cwd: target, stderr: quietStderr() as NodeJS.WriteStream });
  const namespace = `go-minimal:${generator}`;
  env.register(Generator, { namespace, resolved, packagePath });
  // The backstage generator reads the app generator's preset: the class, so a bundle works too.
  const given: Record<string, unknown> =
    generator === 'backstage' ? { ...options, appGenerator: (await loadGenerator('app')).Generator } : options;
  await env.run([namespace], given);
}

/**
 * `go-minimal update`: see update/index.ts. This package renders "theirs" with its own generator
 * classes (so the bundled create-go-minimal works too); exit codes as documented there.
 */
async function update(folder: string, options: Record<string, unknown>): Promise<void> {
  holdFolder(resolve(folder), () => {});
  onSignals('the checks', () => {});
  const { runUpdate, EXIT } = await import('./update/index.js');
  let code: number;
  try {
    code = await runUpdate({
      folder,
      running: {
        name: packageName(),
        version: packageVersion(),
        ref: async (generator) => ({ kind: 'class', ...(await loadGenerator(generator)) }),
      },
      from: options.from as string | undefined,
      check: options.check === true,
      verify: options.verify !== false,
      yes: options.yes === true,
      preset: options.preset as string | undefined,
      allowDirty: options.allowDirty === true,
      set: options.set as string[] | undefined,
      json: options.json === true,
      log: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (error) {
    const e = error as Error;
    if (e.name === 'OptionError') fail(e.message, EXIT.badInput);
    fail(describeFsError(error) ?? e.message.split('\n')[0] ?? String(error), EXIT.badInput);
  }
  process.exitCode = code;
}

/** The exit code of a run stopped by a signal: 128 + its number, as a shell reports it. */
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Ctrl-C, `kill` or a closed terminal outside a question (a question reports Ctrl-C as an error):
 * files are written synchronously, so a handler runs either before the first file or after the
 * last, never between two; it says which, in one line. Without a handler SIGTERM and SIGHUP
 * would end the process in the middle of the writes.
 */
function onSignals(skipped: string, nothingWritten: () => void): void {
  for (const [signal, code] of Object.entries(SIGNALS)) {
    process.once(signal, () => {
      if (writeProgress.state === 'done') {
        fail(`stopped by ${signal} after all ${writeProgress.files} files were written; ${skipped} did not run.`, code);
      }
      nothingWritten();
      fail(`interrupted by ${signal}; nothing was written.`, code);
    });
  }
}

/** One run per folder (lock.ts): a second one says who holds it, and writes nothing. */
function holdFolder(folder: string, nothingWritten: () => void): void {
  const lock = lockFolder(folder);
  if ('heldBy' in lock) {
    nothingWritten();
    const who = lock.heldBy > 0 ? ` (pid ${lock.heldBy})` : '';
    fail(`another go-minimal run${who} is working in ${folder}; wait for it to finish, then run again.`, 1);
  }
}

/** Nothing written: leave no empty folder behind either. */
function removeIfEmpty(target: string, created: boolean): void {
  if (created && existsSync(target) && readdirSync(target).length === 0) rmdirSync(target);
}

await main(process.argv.slice(2));
