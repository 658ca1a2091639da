/**
 * The file system rules every run keeps: read only regular files of bounded size, write only
 * inside the destination and never through a symbolic link, and say in one line, naming the
 * path, what the file system refused.
 */
import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError, OptionError } from '../messages/errors.js';
import { quoteValue as describeValue } from '../messages/quote.js';

export { InputError };

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

/** Is `path` the folder `root` or inside it (both already absolute and resolved)? */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of `root`, or `root` itself when it does not exist yet. */
function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return resolve(root);
  }
}

/** The kind of a non-regular file, for a message. */
const kindOf = (stat: Stats): string =>
  stat.isDirectory() ? 'a folder' : 'not a regular file (a device, FIFO or socket)';

export interface ReadRules {
  /**
   * The folder the file belongs to (the destination, the module): a symbolic link leading out of
   * it is refused, so a planted `go.mod -> /proc/self/environ` is never read.
   */
  root?: string;
  /** At most this many bytes (default {@link MAX_INPUT_BYTES}). */
  max?: number;
  /** Past `max`, keep the first `max` bytes instead of refusing (Go sources, only scanned). */
  truncate?: boolean;
}

/**
 * Why `path` cannot be read as input under these rules, or undefined when it can (or does not
 * exist). A symbolic link is followed only to a regular file inside `rules.root`.
 */
export function unreadableReason(path: string, what: string, rules: ReadRules = {}): string | undefined {
  const link = lstatSync(path, { throwIfNoEntry: false });
  if (!link) return undefined;
  let stat: Stats = link;
  if (link.isSymbolicLink()) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return undefined; // a dangling link: there is no file to read
    }
    if (rules.root !== undefined && !inside(realRoot(rules.root), real)) {
      return `${what}: it is a symbolic link that leads out of the folder, so it is not read`;
    }
    stat = statSync(real);
  }
  if (!stat.isFile()) return `${what}: it is ${kindOf(stat)}; use a regular file`;
  const max = rules.max ?? MAX_INPUT_BYTES;
  if (!rules.truncate && stat.size > max) return `${what}: it is ${stat.size} bytes; at most ${max} are read`;
  return undefined;
}

/**
 * Reads an input file under {@link ReadRules}: a regular file (a link only to one inside
 * `root`), never more than `max` bytes whatever its size claims (a file of /proc says 0), opened
 * without blocking (a FIFO put in its place at the last moment cannot hang the run). Returns
 * undefined when it does not exist; throws an {@link InputError} of one line naming `what`.
 */
export function readBounded(path: string, what: string, rules: ReadRules = {}): Buffer | undefined {
  const reason = unreadableReason(path, what, rules);
  if (reason) throw new InputError(`Cannot use ${reason}.`);
  const max = rules.max ?? MAX_INPUT_BYTES;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`Cannot use ${what}: ${fsReason(error) ?? 'it cannot be read'}.`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new InputError(`Cannot use ${what}: it is not a regular file.`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, max + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > max) {
        if (rules.truncate) return Buffer.concat(chunks).subarray(0, max);
        throw new InputError(`Cannot use ${what}: it is larger than ${max} bytes, the most that is read.`);
      }
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/**
 * Text of a file that must be UTF-8 (JSON, go.mod): invalid bytes are refused in one line rather
 * than silently replaced, so a file we later write back keeps every byte or is not touched.
 */
export function decodeUtf8(bytes: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new InputError(`Cannot use ${what}: it is not valid UTF-8 (byte ${at + 1} of ${bytes.length}).`);
  }
}

/** Offset of the first byte that breaks UTF-8: the valid prefix decodes and encodes back the same. */
function firstInvalidUtf8(bytes: Buffer): number {
  const again = Buffer.from(bytes.toString('utf8'), 'utf8');
  let i = 0;
  while (i < bytes.length && bytes[i] === again[i]) i++;
  return i;
}

/**
 * Parses JSON text; a syntax error says where (line and column when the parser gives a position)
 * in our own words: JSON.parse's message quotes the text, which may be a secret.
 */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position ([0-9]+)/.exec(message);
    let where: string;
    if (position) {
      const before = text.slice(0, Number(position[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
    } else if (/end of JSON input/.test(message)) where = ': it ends too early';
    else where = ': an unexpected character';
    throw new InputError(`Cannot use ${what}: it is not valid JSON${where}.`);
  }
}

/** Reads and parses a JSON input file under {@link ReadRules}; undefined when it does not exist. */
export function readJsonInput(path: string, what: string, rules: ReadRules = {}): unknown {
  const bytes = readBounded(path, what, rules);
  return bytes === undefined ? undefined : parseJson(decodeUtf8(bytes, what), what);
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
 * {@link MAX_INPUT_BYTES}, never more bytes than that whatever it claims. A device, FIFO, socket
 * or folder gets one line at once (a FIFO would block and /dev/zero never ends). `what` names it
 * in the message, e.g. `--preset "x"`.
 */
export function readInputFile(path: string, what: string): string {
  assertInputFile(path, what);
  try {
    return decodeUtf8(readBounded(path, what) ?? Buffer.alloc(0), what);
  } catch (error) {
    if (error instanceof OptionError) throw error;
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

/** mem-fs's store, as far as the guard below needs it. */
export interface LoadingStore {
  loadFile: (path: string) => unknown;
}

const GUARDED = Symbol('go-minimal: reads checked');

/**
 * yeoman reads the destination's files through mem-fs: `.yo-rc.json` and `package.json` while a
 * generator is constructed, then every file it is about to write (to compare). Every such read
 * goes through {@link unreadableReason} first: inside `root` a link must stay inside and lead to a
 * regular file of at most {@link MAX_INPUT_BYTES}; elsewhere (templates, the global config) a
 * regular file of that size. A FIFO, a device or `/dev/zero` behind a name gets one line at once
 * instead of a hang or an endless read. Idempotent per store.
 */
export function guardReads(store: LoadingStore, root: string): void {
  const marked = store as LoadingStore & { [GUARDED]?: boolean };
  if (marked[GUARDED]) return;
  marked[GUARDED] = true;
  const load = store.loadFile;
  const top = resolve(root);
  store.loadFile = (path: string) => {
    const absolute = resolve(path);
    const within = inside(top, absolute);
    const what = within ? describeValue(relative(top, absolute) || '.') : describeValue(absolute);
    const stat = lstatSync(absolute, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) {
      const reason = unreadableReason(absolute, what, within ? { root: top } : {});
      if (reason) throw new InputError(`Cannot use ${reason}.`);
    }
    return load(path);
  };
}
