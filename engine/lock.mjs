// Inter-process locks in the e2e store: several test processes share it.

import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIRS, engineEnv, errCode } from './config.mjs';

/**
 * Runs fn holding an inter-process lock (a directory with the holder's pid; stale locks of dead
 * processes are broken).
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} fn
 * @param {{ timeoutMs?: number }} [o]
 * @returns {Promise<T>}
 */
export async function withLock(name, fn, { timeoutMs = 15 * 60_000 } = {}) {
  engineEnv();
  const dir = path.join(DIRS.locks, `${name.replace(/[^\w.-]+/g, '_')}.lock`);
  const start = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
      let stale = false;
      try {
        const pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
        process.kill(pid, 0); // throws ESRCH when the holder is gone
      } catch (k) {
        if (errCode(k) === 'ESRCH') stale = true;
        else if (errCode(k) === 'ENOENT') {
          // created but no pid yet: normal for a few ms; stale if it stays that way
          try {
            stale = Date.now() - fs.statSync(dir).mtimeMs > 30_000;
          } catch {
            /* vanished: retry */
          }
        }
      }
      if (stale) fs.rmSync(dir, { recursive: true, force: true });
      else if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for lock ${dir}`, { cause: e });
      else await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
