/**
 * The file system rules every run keeps: read only regular files of bounded size, write only
 * inside the destination and never through a symbolic link, and say in one line, naming the
 * path, what the file system refused.
 */
import { accessSync, constants, lstatSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { OptionError, describeValue } from './options.js';

/** The largest preset or template we read: far above any real one, far below a memory problem. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** What a Node error code means for a path, as a sentence part (the codes a user can meet). */
const FS_ERRORS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENAMETOOLONG: 'the name is too long for the file system (at most 255 bytes per name)',
  ELOOP: 'too many symbolic links',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENOENT: 'no such file',
  EEXIST: 'it already exists',
};

/** What a file system error means, e.g. 'permission denied'; undefined for an error that is not one. */
export function fsReason(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code ? FS_ERRORS[code] : undefined;
}

/** One line for a file system error on a path; undefined for an error that is not one. */
export function describeFsError(error: unknown, path?: string): string | undefined {
  const reason = fsReason(error);
  if (!reason) return undefined;
  const where = path ?? (error as NodeJS.ErrnoException).path;
  return `${where === undefined ? 'A file' : `Cannot use ${describeValue(where)}`}: ${reason}.`;
}

/** Throws one line unless `path` is a regular file of at most {@link MAX_INPUT_BYTES}. */
export function assertInputFile(path: string, what: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new OptionError(`Invalid ${what}: ${fsReason(error) ?? String(error)}.`);
  }
  const kind = stat.isFile()
    ? undefined
    : stat.isDirectory()
      ? 'a folder'
      : 'not a regular file (a device, FIFO or socket)';
  if (kind) throw new OptionError(`Invalid ${what}: ${describeValue(path)} is ${kind}; use a regular file.`);
  if (stat.size > MAX_INPUT_BYTES) {
    throw new OptionError(
      `Invalid ${what}: ${describeValue(path)} is ${stat.size} bytes; at most ${MAX_INPUT_BYTES} are read.`,
    );
  }
}

/**
 * Reads a file a run was given (a preset, a template): a regular file, at most
 * {@link MAX_INPUT_BYTES}. A device, FIFO, socket or folder gets one line at once (a FIFO would
 * block and /dev/zero never ends). `what` names it in the message, e.g. `--preset "x"`.
 */
export function readInputFile(path: string, what: string): string {
  assertInputFile(path, what);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new OptionError(`Invalid ${what}: ${fsReason(error) ?? String(error)}.`);
  }
}

/**
 * Why `file` cannot be written inside `root` (undefined when it can): outside the folder, a
 * symbolic link on the way (the file itself or a folder between root and it), a folder or
 * other non-file in its place, or no permission. Checked for every file before the first byte
 * is written.
 */
export function unwritableReason(root: string, file: string): string | undefined {
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    return 'it is outside the destination folder';
  }
  let current = root;
  const parts = rel.split(sep);
  for (const [i, part] of parts.entries()) {
    current = join(current, part);
    let stat;
    try {
      stat = lstatSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return creatableReason(dirname(current));
      return describeFsError(error, current) ?? String(error);
    }
    if (stat.isSymbolicLink()) {
      return `${describeValue(relative(root, current))} is a symbolic link, and nothing is written through one`;
    }
    const last = i === parts.length - 1;
    if (!last && !stat.isDirectory()) return `${describeValue(relative(root, current))} is a file, not a folder`;
    if (last && !stat.isFile()) return 'it exists and is not a regular file';
  }
  return permissionReason(file);
}

/** The nearest existing folder must be a folder that lets us create entries. */
function creatableReason(dir: string): string | undefined {
  let current = dir;
  for (;;) {
    const stat = statSync(current, { throwIfNoEntry: false });
    if (stat)
      return stat.isDirectory() ? permissionReason(current) : `${describeValue(current)} is a file, not a folder`;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function permissionReason(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (error) {
    return describeFsError(error, path) ?? String(error);
  }
}
