/**
 * `go-minimal update [folder]` (and `yo go-minimal:update`): brings a generated project to the
 * running version's templates with a three-way merge per file, then proves it.
 *
 *   base    what the recorded version generates from the stored answers (source.ts, render.ts)
 *   theirs  what the running version generates from the same answers (migrated, new options added)
 *   yours   the project's files
 *
 * plan.ts decides per file, apply.ts writes, checks.ts proves. Exit codes: 0 clean or nothing to
 * do, 1 conflicts remain (or --check found changes), 2 bad input, 3 merged but a check failed.
 */
import { existsSync, lstatSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { readBounded, readJsonInput } from '../io/fs-safety.js';
import {
  CONFIG_FILE,
  OPTIONS,
  OptionError,
  applies,
  askable,
  folderNameOf,
  kebab,
  optionNames,
  type AnswerName,
  type Answers,
  type GeneratorName,
  type OptionSpec,
} from '../options/table.js';
import { checkOption, promptValidator } from '../options/check.js';
import { localGoMinor } from '../image/go.js';
import { FIRST_VERSION, PROVENANCE_KEYS, type PresetIdentity } from '../options/provenance.js';
import { printable, quoteValue } from '../messages/quote.js';
import { checkStoredEntry } from '../options/schema.js';
import { applyPlan } from './apply.js';
import { uncommitted } from './git.js';
import { runChecks, type CheckResult } from './checks.js';
import { migrate, pendingMigrations, type TeamMigration } from './migrations.js';
import { mergedTree } from './tree.js';
import { CHANGES, planUpdate, type FilePlan } from './plan.js';
import { renderProject, type GeneratorRef } from './render.js';
import { basePackage, type PackageInfo } from './source.js';

/** The running generator package: its name and version, and how to load each of its generators. */
export interface RunningPackage extends PackageInfo {
  ref: (generator: GeneratorName) => Promise<GeneratorRef>;
}

export interface UpdateOptions {
  folder: string;
  running: RunningPackage;
  from?: string;
  check?: boolean;
  /** Run the checks after a clean merge (default true). */
  verify?: boolean;
  yes?: boolean;
  preset?: string;
  /** Go on although git shows uncommitted changes. */
  allowDirty?: boolean;
  /** `--set option=value`, each: answers that this version renders with (as flags), merged like any template change. */
  set?: string | readonly string[];
  /** With check: one JSON object on stdout instead of the text. */
  json?: boolean;
  /** The team generator's migrations (its update generator's `static migrations`). */
  migrations?: readonly TeamMigration[];
  /** The environment of the checks (PATH, DOCKER, the engine's settings). */
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export const EXIT = { clean: 0, conflicts: 1, badInput: 2, checksFailed: 3 } as const;

/** The project's .yo-rc.json entry for this package, with its provenance, or one line why not. */
function readEntry(folder: string, packageName: string) {
  const file = join(folder, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new OptionError(`${folder} has no ${CONFIG_FILE}: update works on a project that go-minimal generated.`);
  }
  // The input rules (fs-safety.ts): a regular file inside the folder, bounded, UTF-8, and a JSON
  // error that says where, never what the file holds.
  const content = readJsonInput(file, CONFIG_FILE, { root: folder }) as Record<string, unknown>;
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    throw new OptionError(`Cannot use ${CONFIG_FILE}: it must hold a JSON object, not ${quoteValue(content)}.`);
  }
  const namespace = packageName === 'create-go-minimal' ? 'generator-go-minimal' : packageName;
  const raw = content?.[namespace];
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    if (raw !== undefined) {
      throw new OptionError(
        `Invalid ${quoteValue(namespace)} in ${CONFIG_FILE}: it must be a JSON object, not ${quoteValue(raw)}; it is what update reads, so restore it from version control.`,
      );
    }
    const others = Object.keys(content).filter((k) => /^(@[^/]+\/)?generator-/.test(k));
    throw new OptionError(
      others.length > 0
        ? `${CONFIG_FILE} has no ${quoteValue(namespace)} entry: the project was made by ${others.map(printable).join(', ')}; update it with that generator's update (e.g. yo ${printable(others[0]!.replace(/^(@[^/]+\/)?generator-/, '$1'))}:update) if it is built on ${namespace}, else with that generator's own tools.`
        : `${CONFIG_FILE} has no ${quoteValue(namespace)} entry: update works on a project that ${namespace} generated.`,
    );
  }
  const entry = raw as Record<string, unknown>;
  // The whole entry is checked by this version's schema (answers after migration, below).
  checkStoredEntry(
    { [namespace]: Object.fromEntries(Object.entries(entry).filter(([k]) => PROVENANCE_KEYS.includes(k))) },
    namespace,
    CONFIG_FILE,
  );
  const generator: GeneratorName =
    entry.generator === 'docker' || (entry.generator === undefined && entry.modulePath === undefined)
      ? 'docker'
      : 'app';
  const version = typeof entry.generatorVersion === 'string' ? entry.generatorVersion : FIRST_VERSION;
  const answers = Object.fromEntries(Object.entries(entry).filter(([k]) => !PROVENANCE_KEYS.includes(k)));
  return { content, namespace, entry, answers, generator, version, preset: entry.preset as PresetIdentity | undefined };
}

/** Asks the options this version added (stored by it, absent from the entry), unless --yes or no terminal. */
async function askNewOptions(
  generator: GeneratorName,
  answers: Record<string, unknown>,
  folder: string,
  yes: boolean,
): Promise<Record<string, unknown>> {
  // What the generator asks (a value it fixes, such as the docker generator's metrics: none, is
  // its own to set), and only where it means something (onlyWith; askWhen, checked as answers arrive).
  const missing = optionNames(generator).filter((name) => answers[name] === undefined && applies(name, answers));
  if (missing.length === 0 || yes || !process.stdin.isTTY) return answers;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // Ctrl-C at a question: nothing is written before the questions are answered.
  rl.on('SIGINT', () => {
    process.stderr.write('go-minimal: interrupted at a question; nothing was written.\n');
    process.exit(130);
  });
  const result = { ...answers };
  try {
    for (const name of missing) {
      if (!askable(name, result as Partial<Answers>)) continue;
      const spec = OPTIONS[name] as OptionSpec<unknown>;
      const fallback = spec.default({ folderName: folderNameOf(folder), answers: result, localGoMinor });
      for (;;) {
        const given = (
          await rl.question(`${spec.prompt.message} (new in this version; ${spec.accepted}) [${String(fallback)}]: `)
        ).trim();
        const raw = given === '' ? fallback : spec.kind === 'boolean' ? /^(y|yes|true)$/i.test(given) : given;
        const verdict = promptValidator(name as AnswerName)(raw);
        if (verdict === true) {
          result[name] = spec.coerce(raw);
          break;
        }
        process.stdout.write(`${verdict}\n`);
      }
    }
  } finally {
    rl.close();
  }
  return result;
}

/** The file on disk as the plan sees it: a regular file's bytes; a link or other non-file is "yours" and never followed. */
function readYours(folder: string, path: string): Buffer | undefined {
  const file = join(folder, path);
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (!stat.isFile())
    return Buffer.from(`not a regular file: ${stat.isSymbolicLink() ? 'a symbolic link' : 'a folder'}\n`);
  // Bounded like every input: a file we generated is far below 1 MiB.
  return readBounded(file, quoteValue(path), { root: folder });
}

const VERB: Record<FilePlan['action'], string> = {
  unchanged: 'unchanged',
  updated: 'updated',
  merged: 'merged',
  conflict: 'CONFLICT',
  added: 'added',
  removed: 'removed',
  kept: 'kept (your edit)',
  'kept-deleted': 'kept deleted',
  'kept-yours': 'kept (yours; no longer generated)',
};

type Project = ReturnType<typeof readEntry>;

/**
 * `--set option=value` (repeatable), checked like a flag of the project's generator: the
 * kebab-case name of an option it asks, a value its check accepts; one line otherwise.
 */
export function parseSet(given: string | readonly string[] | undefined, generator: GeneratorName) {
  const names = optionNames(generator);
  const answers: Record<string, unknown> = {};
  for (const item of typeof given === 'string' ? [given] : (given ?? [])) {
    const eq = item.indexOf('=');
    const flag = eq < 0 ? item : item.slice(0, eq);
    const name = names.find((n) => kebab(n) === flag);
    if (eq < 0 || !name) {
      throw new OptionError(
        `Invalid --set ${quoteValue(item)}: use <option>=<value>, the option one of ${names.map(kebab).join(', ')}.`,
      );
    }
    if (name in answers) throw new OptionError(`--set ${flag} is given twice: give it once.`);
    answers[name] = checkOption(name, item.slice(eq + 1), { kind: 'set' });
  }
  return answers;
}

/** What stops an update before anything is rendered: uncommitted changes, a preset with templates not named. */
function refuseEarly(o: UpdateOptions, folder: string, project: Project): void {
  if (!o.check && !o.allowDirty) {
    const dirty = uncommitted(folder);
    if (dirty.length > 0) {
      throw new OptionError(
        `${folder} has uncommitted changes (${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}): commit or stash them first, so that the update is one diff to review, or pass --allow-dirty.`,
      );
    }
  }
  if (project.preset?.templates && project.preset.given === 'file' && !o.preset) {
    throw new OptionError(
      `The project was generated with the preset ${project.preset.file}, which has templates (code that runs): name it to use it again: --preset ${project.preset.file}.`,
    );
  }
}

/** Renders base and theirs and plans every file; returns the plan and the entry theirs stored. */
async function plan(o: UpdateOptions, folder: string, project: Project) {
  const { entry: migratedAnswers, notes } = migrate(project.answers);
  // This version must accept every stored answer (after the migrations), or stop in one line.
  checkStoredEntry({ [project.namespace]: migratedAnswers }, project.namespace, CONFIG_FILE);
  const theirsLabel = `${o.running.name} ${o.running.version}`;
  const base =
    project.version === o.running.version && o.from === undefined
      ? { ref: await o.running.ref(project.generator), label: theirsLabel }
      : (() => {
          const b = basePackage(project.namespace, project.version, o.from, o.running.version);
          return { ref: { kind: 'package', packagePath: b.folder } as GeneratorRef, label: b.label };
        })();
  o.log(`go-minimal update: ${relative(process.cwd(), folder) || '.'}: ${base.label} → ${theirsLabel}`);
  for (const note of notes) o.log(`  ${note}`);
  const theirsAnswers = await askNewOptions(
    project.generator,
    migratedAnswers,
    folder,
    o.yes === true || o.json === true,
  );
  const common = { generator: project.generator, namespace: project.namespace, project: folder, preset: o.preset };
  const { files: baseFiles } = await renderProject({
    ...common,
    ref: base.ref,
    answers: project.answers,
    label: `The base (${base.label})`,
  });
  const { files: theirsFiles, stored } = await renderProject({
    ...common,
    ref: await o.running.ref(project.generator),
    answers: theirsAnswers,
    options: parseSet(o.set, project.generator),
    label: `This version (${theirsLabel})`,
  });
  const labels = { yours: 'yours', base: base.label, theirs: theirsLabel };
  const files = planUpdate(baseFiles, theirsFiles, (path) => readYours(folder, path), labels);
  return { files, stored, theirsLabel, notes, baseFiles, theirsFiles, labels };
}

/**
 * Runs the team generator's pending migrations, in order, on the merged tree (tree.ts); returns
 * the plan with what they changed. A migration that throws stops the update: nothing is written.
 */
async function runMigrations(
  o: UpdateOptions,
  folder: string,
  planned: Awaited<ReturnType<typeof plan>>,
  pending: readonly TeamMigration[],
): Promise<FilePlan[]> {
  if (pending.length === 0) return planned.files;
  const { tree, changes } = mergedTree({
    folder,
    plan: planned.files,
    base: planned.baseFiles,
    theirs: planned.theirsFiles,
    labels: planned.labels,
    readYours: (path) => readYours(folder, path),
  });
  for (const m of pending) {
    try {
      await m.run(tree);
    } catch (error) {
      if (error instanceof OptionError) throw error;
      const why = (error as Error).message?.split('\n')[0] ?? String(error);
      throw new OptionError(`Migration ${quoteValue(m.name)} (${m.version}) failed: ${why}; nothing was written.`);
    }
    const note = `migration ${m.name} (${m.version}) ran on the merged tree`;
    planned.notes.push(note);
    o.log(`  ${note}`);
  }
  const byPath = new Map(planned.files.map((p) => [p.path, p]));
  for (const change of changes()) byPath.set(change.path, change);
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `--check --json`'s object: what fleet tooling reads (docs/updates.md). */
function checkReport(folder: string, project: Project, available: string, changes: FilePlan[], notes: string[]) {
  return {
    project: folder,
    generatorPackage: project.namespace,
    current: project.version,
    available,
    upToDate: changes.length === 0,
    conflicts: changes.filter((p) => p.action === 'conflict').length,
    files: changes.map((p) => ({
      path: p.path,
      change: p.action,
      ...(p.conflicts ? { conflicts: p.conflicts } : {}),
      ...(p.note ? { note: p.note } : {}),
    })),
    notes,
  };
}

/** The checks after a clean merge, reported; exit 3 when one failed. */
async function prove(o: UpdateOptions, folder: string): Promise<number> {
  const results = await runChecks(folder, o.env ?? process.env);
  const shown = (r: CheckResult) =>
    `${r.name} ${r.status}${r.seconds !== undefined ? ` (${r.seconds.toFixed(1)} s)` : ''}${r.reason ? ` (${r.reason})` : ''}`;
  o.log(`Checks: ${results.map(shown).join('; ')}.`);
  const failed = results.filter((r) => r.status === 'failed');
  for (const r of failed) o.log(`--- ${r.name} failed; its last lines:\n${r.tail}`);
  return failed.length > 0 ? EXIT.checksFailed : EXIT.clean;
}

/** Runs the update; returns the exit code. Throws an OptionError (one line, exit 2) on bad input. */
export async function runUpdate(options: UpdateOptions): Promise<number> {
  if (options.json && !options.check) throw new OptionError('--json goes with --check: add --check, or drop --json.');
  // --check --json: the object is the only output (fleet tooling reads stdout as JSON).
  const o = options.json ? { ...options, log: () => {} } : options;
  const folder = resolve(o.folder);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new OptionError(`no such folder: ${folder}`);
  const project = readEntry(folder, o.running.name);
  parseSet(o.set, project.generator);
  refuseEarly(o, folder, project);
  const planned = await plan(o, folder, project);
  const { stored, theirsLabel, notes } = planned;
  const done = Array.isArray(project.entry.migrations) ? (project.entry.migrations as string[]) : [];
  const pending = pendingMigrations(o.migrations ?? [], project.version, o.running.version, done);
  const files = await runMigrations(o, folder, planned, pending);
  for (const p of files)
    if (p.action !== 'unchanged') o.log(`  ${VERB[p.action].padEnd(12)} ${p.path}${p.note ? ` (${p.note})` : ''}`);
  const changes = files.filter((p) => CHANGES.has(p.action));
  if (options.json) {
    options.log(JSON.stringify(checkReport(folder, project, o.running.version, changes, notes)));
    return changes.length === 0 ? EXIT.clean : EXIT.conflicts;
  }
  if (o.check) {
    o.log(
      changes.length === 0
        ? 'Up to date: an update would change no file.'
        : `An update would change ${changes.length} file(s): ${changes.map((p) => p.path).join(', ')}.`,
    );
    return changes.length === 0 ? EXIT.clean : EXIT.conflicts;
  }
  // The entry keeps its order and gains what this version stores, with what generated it now.
  const answers = Object.fromEntries(Object.entries(stored).filter(([k]) => !PROVENANCE_KEYS.includes(k)));
  const entry = {
    ...project.entry,
    ...answers,
    generator: project.generator,
    generatorPackage: project.namespace,
    generatorVersion: o.running.version,
    ...(done.length + pending.length > 0 ? { migrations: [...done, ...pending.map((m) => m.name)] } : {}),
  };
  applyPlan(
    folder,
    files,
    Buffer.from(`${JSON.stringify({ ...project.content, [project.namespace]: entry }, null, 2)}\n`),
  );
  const count = (...actions: FilePlan['action'][]) => files.filter((p) => actions.includes(p.action)).length;
  const conflicts = files.filter((p) => p.action === 'conflict').map((p) => p.path);
  o.log(
    `Summary: ${count('updated')} updated, ${count('merged')} merged, ${count('added')} added, ${count('removed')} removed, ${conflicts.length} conflict(s), ${count('kept', 'kept-yours')} kept as yours, ${count('kept-deleted')} kept deleted; ${CONFIG_FILE} records ${theirsLabel}.`,
  );
  if (conflicts.length > 0) {
    o.log(
      `Conflicts remain in ${conflicts.join(', ')}: resolve the <<<<<<< ||||||| ======= >>>>>>> regions (yours, base, new), then run your checks.`,
    );
    return EXIT.conflicts;
  }
  return o.verify === false ? EXIT.clean : prove(o, folder);
}
