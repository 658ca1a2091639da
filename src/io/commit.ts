/**
 * How a run's files reach the disk (the generators' `customCommitTask`, in place of
 * yeoman-environment's commit): all or nothing, as far as a file system allows.
 *
 * 1. Every file that is to be written is checked before the first byte: inside the destination,
 *    no symbolic link on the way, not a folder, writable. Any failure: one line, nothing written.
 * 2. yeoman's own conflict handling runs (.yo-resolve, the per-file prompt, --force), but
 *    writes nothing: an interrupted prompt leaves the folder as it was.
 * 3. Files are written synchronously (a Ctrl-C waits until they are done), each through a
 *    temporary file renamed over the old one, so a full disk leaves the old file whole;
 *    `.yo-rc.json` is written last, so it is never ahead of the files it describes.
 * 4. If a write still fails, the error says which files were written and which were not.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { Transform } from 'node:stream';
import { createConflicterTransform, createYoResolveTransform } from '@yeoman/conflicter';
import { clearFileState, isFilePending, isFileStateDeleted, setCommittedFile } from 'mem-fs-editor/state';
import { describeFsError, unwritableReason } from './fs-safety.js';
import { OptionError } from '../messages/errors.js';
import { CONFIG_FILE } from './paths.js';
import { writingDone } from './progress.js';

interface MemFile {
  path: string;
  contents: Buffer | null;
  state?: string;
  stat?: { mode?: number } | null;
}

/** What the commit needs of yeoman-environment (its adapter asks the conflict questions). */
export interface CommitEnv {
  adapter: unknown;
  conflicterOptions?: Record<string, unknown>;
  sharedFs: {
    all(): MemFile[];
    pipeline(options: { filter: (file: MemFile) => boolean }, ...transforms: unknown[]): Promise<void>;
  };
}

/** Commits the run's pending files under `root`; see the module comment. */
export async function commitFiles(env: CommitEnv, root: string): Promise<void> {
  // Before the conflicter, which prints a status line per file: a refusal is then the only line.
  const refused = env.sharedFs
    .all()
    .filter((file) => isFilePending(file as never))
    .map((file) => ({ file, reason: unwritableReason(root, file.path) }))
    .filter((r) => r.reason !== undefined);
  if (refused.length > 0) {
    const list = refused.map((r) => `${relative(root, r.file.path)} (${r.reason})`).join('; ');
    throw new OptionError(`Nothing was written: cannot write ${list}.`);
  }
  const pending: MemFile[] = [];
  const collect = new Transform({
    objectMode: true,
    transform(file: MemFile, _encoding, done) {
      if (isFilePending(file as never)) pending.push(file);
      done(null, file);
    },
  });
  await env.sharedFs.pipeline(
    { filter: (file) => isFilePending(file as never) || file.path.endsWith('.yo-resolve') },
    createYoResolveTransform(),
    forceExistingYoFiles(),
    createConflicterTransform(env.adapter as never, env.conflicterOptions),
    collect,
  );
  const files = [...pending].sort(
    (a, b) => Number(basename(a.path) === CONFIG_FILE) - Number(basename(b.path) === CONFIG_FILE),
  );
  const written: string[] = [];
  for (const file of files) {
    try {
      writeOne(file);
    } catch (error) {
      const rel = (f: MemFile) => relative(root, f.path);
      const rest = files.filter((f) => !written.includes(rel(f)));
      const why = describeFsError(error, rel(file)) ?? (error as Error).message.split('\n')[0];
      throw new OptionError(
        `Writing stopped at ${rel(file)}: ${why} Written: ${written.join(', ') || 'nothing'}; not written: ${rest.map(rel).join(', ')}. Fix the cause and re-run the same command (files already written are then unchanged).`,
      );
    }
    written.push(relative(root, file.path));
  }
  writingDone(written.length);
}

/**
 * yeoman's own files (.yo-rc.json, .yo-resolve) are written without asking, as @yeoman/conflicter's
 * forceYoFiles does; but only one that exists is marked `force` (which is what the log then says):
 * a new one is left to the conflicter, which says `create`.
 */
function forceExistingYoFiles(): Transform {
  return new Transform({
    objectMode: true,
    transform(file: MemFile & { conflicter?: string }, _encoding, done) {
      if (YO_FILES.has(basename(file.path)) && isFilePending(file as never) && existsSync(file.path)) {
        file.conflicter = 'force';
      }
      done(null, file);
    },
  });
}

const YO_FILES = new Set([CONFIG_FILE, '.yo-resolve', '.yo-rc-global.json']);

/** Writes (or deletes) one file: a temporary file in the same folder, then a rename over the old one. */
function writeOne(file: MemFile): void {
  setCommittedFile(file as never);
  if (isFileStateDeleted(file as never)) {
    rmSync(file.path, { force: true });
  } else {
    if (!file.contents) throw new Error(`${file.path}: no contents to write`);
    writeFileAtomic(file.path, file.contents, file.stat?.mode);
  }
  clearFileState(file as never);
}

/**
 * Writes a file through a temporary file in the same folder renamed over the old one (a full disk
 * leaves the old file whole); keeps the old file's mode unless one is given.
 */
export function writeFileAtomic(path: string, contents: Buffer, givenMode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const mode = givenMode ?? statSync(path, { throwIfNoEntry: false })?.mode;
  const temp = join(dirname(path), `.${basename(path)}.go-minimal-${process.pid}.tmp`);
  try {
    // 'wx': the temporary name must be new (never followed if something put a link there).
    writeFileSync(temp, contents, { flag: 'wx', ...(mode === undefined ? {} : { mode: mode & 0o777 }) });
    if (mode !== undefined) chmodSync(temp, mode & 0o777);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
