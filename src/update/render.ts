/**
 * Renders a project again, in a temporary folder, from the stored answers: with the version that
 * made it (the merge's base) or with this one (theirs). The generator runs as it would for a user
 * (yeoman-environment, --yes, no `go mod tidy`), reading the answers from the `.yo-rc.json` put
 * in the folder first, so every version reads the answers its own way.
 *
 * A project made by `go-minimal docker` is rendered over a copy of the project's own files (the
 * docker generator reads go.mod, the code and the Makefile), without the files it writes.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { Writable } from 'node:stream';
import { CONFIG_FILE, OptionError, kebab, type GeneratorName } from '../options/table.js';
import { ALL_IMAGE_FILES } from '../image/files.js';
import { quoteValue } from '../messages/quote.js';
import { readProject } from '../module/project.js';
import { listFiles } from './files.js';
import { API_DESCRIPTION } from '../io/paths.js';

/** A generator to run: a class already loaded (this package), or a package folder to load it from. */
export type GeneratorRef =
  | { kind: 'class'; Generator: unknown; packagePath: string; resolved: string }
  | { kind: 'package'; packagePath: string };

export interface RenderInput {
  generator: GeneratorName;
  ref: GeneratorRef;
  /** The `.yo-rc.json` entry's key (the package name) and the answers to put there. */
  namespace: string;
  answers: Record<string, unknown>;
  /** The project, for a docker render (its files are the generator's input). */
  project: string;
  /** A preset file named by the user (templates are code: only ever one the user named). */
  preset?: string;
  /** What the messages call this render: "the base (generator-go-minimal 0.1.0)". */
  label: string;
  /** Answers given as flags (update's --set): over the stored ones, checked against the preset's locks. */
  options?: Record<string, unknown>;
}

/** Where a package keeps a generator: built (dist/generators), the yeoman layouts, or the root. */
export function generatorFile(packagePath: string, generator: GeneratorName): string {
  const candidates = [
    `dist/generators/${generator}`,
    `generators/${generator}`,
    `lib/generators/${generator}`,
    generator,
  ];
  for (const dir of candidates) {
    const file = join(packagePath, dir, 'index.js');
    if (existsSync(file)) return file;
  }
  throw new OptionError(`${packagePath} has no ${generator} generator (looked for ${candidates.join(', ')}).`);
}

/** A stream that keeps what a generator prints, for an error message. */
function collector(sink: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.push(chunk.toString());
      done();
    },
  });
}

/** What the docker generator reads of a module, besides its Go files: nothing else is copied. */
const MODULE_INPUTS = new Set(['go.mod', 'go.sum', 'Makefile', '.dockerignore']);
// The folders go build skips (packages.ts) hold no input, except vendor/modules.txt.
const SKIP = /^(?:\.|_)|^(?:testdata|node_modules|bin|dist)$/;

/**
 * Copies what the docker generator reads of the project (go.mod, go.sum, the non-test Go files,
 * the Makefile, .dockerignore, vendor/modules.txt) into `to`: never .git, data or build outputs,
 * so a large unrelated file costs nothing; the paths the code reads at run time as empty stand-ins. Regular files only (a FIFO would block the copy);
 * the docker render then reads them by the usual input rules.
 */
function copyInput(project: string, to: string): void {
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(project, rel), { withFileTypes: true })) {
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (path === 'vendor') copyIfFile('vendor/modules.txt');
        else if (!SKIP.test(e.name)) walk(path);
        continue;
      }
      const goFile = e.name.endsWith('.go') && !e.name.endsWith('_test.go');
      // What the docker generator writes is its output, never its input (.dockerignore is both:
      // the render writes ours, and the merge brings the project's own entries back).
      if (ALL_IMAGE_FILES.includes(path)) continue;
      if (e.isFile() && (goFile || MODULE_INPUTS.has(path))) copyIfFile(path);
    }
  };
  const copyIfFile = (path: string): void => copyFile(project, to, path);
  walk('');
  // What the code reads at run time (module/runtime-files.ts) is found by its presence only: the
  // copy gets each such folder, or an empty file in place of each such file, never their data.
  let paths: string[];
  try {
    paths = readProject(project).runtimePaths.map((p) => p.path);
  } catch {
    return; // the render itself reports what is wrong with the module
  }
  for (const path of paths) {
    if (statSync(join(project, path)).isDirectory()) mkdirSync(join(to, path), { recursive: true });
    else if (!existsSync(join(to, path))) {
      mkdirSync(dirname(join(to, path)), { recursive: true });
      writeFileSync(join(to, path), '');
    }
  }
}

/** Copies one regular file of the project into `to`, if there is one. */
function copyFile(project: string, to: string, path: string): void {
  if (statSync(join(project, path), { throwIfNoEntry: false })?.isFile() !== true) return;
  mkdirSync(dirname(join(to, path)), { recursive: true });
  copyFileSync(join(project, path), join(to, path));
}

/** A file's identity: a write through a temporary file and a rename gives it a new inode. */
const identity = (file: string): string => {
  const st = statSync(file);
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
};

/**
 * Renders the project in a new temporary folder and returns what the generator wrote there
 * (relative path → bytes; `.yo-rc.json` left out) and the entry it stored. The folder is removed before returning.
 */
export async function renderProject(
  input: RenderInput,
): Promise<{ files: Map<string, Buffer>; stored: Record<string, unknown> }> {
  const dir = mkdtempSync(join(tmpdir(), 'go-minimal-update-'));
  const out = join(dir, 'project');
  const printed: string[] = [];
  try {
    mkdirSync(out);
    if (input.generator === 'docker') copyInput(input.project, out);
    // The app generator reads one file of the project: an API description makes catalog-info.yaml
    // provide the API (--backstage), in the renders as in the project.
    else copyFile(input.project, out, API_DESCRIPTION);
    const before = new Map(listFiles(out).map((rel) => [rel, identity(join(out, rel))]));
    writeFileSync(join(out, CONFIG_FILE), `${JSON.stringify({ [input.namespace]: input.answers }, null, 2)}\n`);
    const { createEnv } = await import('yeoman-environment');
    const env = createEnv({
      cwd: out,
      stdout: collector(printed) as NodeJS.WriteStream,
      stderr: collector(printed) as NodeJS.WriteStream,
    });
    const namespace = `go-minimal-update:${input.generator}`;
    if (input.ref.kind === 'class') {
      env.register(input.ref.Generator as never, {
        namespace,
        resolved: input.ref.resolved,
        packagePath: input.ref.packagePath,
      });
    } else {
      env.register(generatorFile(input.ref.packagePath, input.generator), {
        namespace,
        packagePath: input.ref.packagePath,
      });
    }
    try {
      const options: Record<string, unknown> = { ...input.options, yes: true, skipInstall: true };
      if (input.preset) options.preset = input.preset;
      await env.run([namespace], options);
    } catch (error) {
      // A --set value the preset locks: said as the user wrote it (by name: any copy of the package).
      const locked = error as { name?: string; option?: string; locked?: unknown; file?: string };
      if (locked.name === 'LockedError' && locked.option) {
        const given = input.options?.[locked.option];
        throw new OptionError(
          `Refused --set ${kebab(locked.option)}=${quoteValue(given)}: ${locked.option} is locked to ${quoteValue(locked.locked)} by ${locked.file}; change the preset to change it.`,
        );
      }
      const why = (error as Error).message.split('\n')[0];
      throw new OptionError(`${input.label} could not render the project from its ${CONFIG_FILE}: ${why}`);
    }
    const config = JSON.parse(readFileSync(join(out, CONFIG_FILE), 'utf8')) as Record<string, Record<string, unknown>>;
    const files = new Map<string, Buffer>();
    for (const rel of listFiles(out)) {
      // A docker render: only what the generator wrote is its output; the input copy is read only
      // where the generator rewrote a file (to tell a change from the same bytes written again).
      const was = before.get(rel);
      if (rel === CONFIG_FILE || was === identity(join(out, rel))) continue;
      const bytes = readFileSync(join(out, rel));
      if (was !== undefined && bytes.equals(readFileSync(join(input.project, rel)))) continue;
      files.set(rel.split(sep).join('/'), bytes);
    }
    return { files, stored: config[input.namespace] ?? {} };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
