// The image store's bookkeeping: inter-process locks (lock.mjs: several test processes may
// share the store), stamp files that record what was built from which inputs, and image ids.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { engine } from './cli.mjs';
import { DIRS, writeIfChanged } from './config.mjs';

export { withLock } from './lock.mjs';

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
