// The image store's bookkeeping: inter-process locks (several test processes may share the
// store), stamp files that record what was built from which inputs, and image ids.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { engine } from './cli.mjs';
import { DIRS, engineEnv, errCode, writeIfChanged } from './config.mjs';

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

/** @param {string} key */
const stampFile = (key) => path.join(DIRS.stamps, `${key.replace(/[^\w.-]+/g, '_')}.json`);

/** @param {string} key @returns {Record<string, any> | null} */
export const readStamp = (key) => {
  try {
    return JSON.parse(fs.readFileSync(stampFile(key), 'utf8'));
  } catch {
    return null;
  }
};

/** @param {string} key @param {object} value */
export const writeStamp = (key, value) => writeIfChanged(stampFile(key), JSON.stringify(value, null, 2) + '\n');

/** @param {string} ref @returns {Promise<string | null>} image id, or null when absent */
export async function imageId(ref) {
  const r = await engine(['image', 'inspect', '--format', '{{.Id}}', ref], { allowFail: true });
  return r.code === 0 ? r.stdout.trim().replace(/^sha256:/, '') : null;
}

/** @param {...unknown} parts @returns {string} */
export const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : JSON.stringify(p)).update('\0');
  return h.digest('hex');
};

/** @param {string} f @returns {string} cheap identity of a host file (path, size, mtime) */
export const fileFingerprint = (f) => {
  const st = fs.statSync(f);
  return `${f}:${st.size}:${st.mtimeMs}`;
};
