/**
 * One run per folder: a second `go-minimal` in a folder another run is writing says so in one line
 * instead of racing it. The lock is a folder created atomically (mkdir) under a per-user folder
 * of the system's temporary folder, named by a hash of the destination's real path, holding the
 * owner's pid; a lock whose owner is gone is taken over. Nothing is written in the destination.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface FolderLock {
  release(): void;
}

/** The folder of this user's locks, or undefined when it is not safely ours (then no lock is taken). */
function lockRoot(): string | undefined {
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `go-minimal-locks-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    /* exists: checked below */
  }
  const st = lstatSync(dir, { throwIfNoEntry: false });
  // Another user's folder, or a link planted in a shared /tmp: not ours to trust.
  if (!st || !st.isDirectory() || st.isSymbolicLink() || (process.getuid && st.uid !== uid)) return undefined;
  return dir;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the lock of `folder` or returns the pid of the live run that holds it. The lock is
 * released by {@link FolderLock.release} and, whatever happens, when the process exits.
 */
export function lockFolder(folder: string): FolderLock | { heldBy: number } {
  const root = lockRoot();
  if (!root) return { release: () => {} };
  let real: string;
  try {
    real = realpathSync(folder);
  } catch {
    real = resolve(folder);
  }
  const dir = join(root, createHash('sha256').update(real).digest('hex').slice(0, 32));
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      const release = (): void => rmSync(dir, { recursive: true, force: true });
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return { release: () => {} };
      let pid = 0;
      try {
        pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      } catch {
        // Being created this very moment, or left half-made by a killed run: young means the first.
        const age = Date.now() - (lstatSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0);
        if (age < 5_000) return { heldBy: 0 };
      }
      if (pid > 0 && pid !== process.pid && alive(pid)) return { heldBy: pid };
      rmSync(dir, { recursive: true, force: true }); // its owner is gone
    }
  }
  return { release: () => {} };
}
