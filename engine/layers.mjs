// An image's own files on Docker, read from its layers (`docker save`): `docker export` of a
// container would add what the runtime puts into every container (/.dockerenv, /etc/hostname,
// /etc/hosts, /etc/resolv.conf, /dev, /proc, /sys), which is no part of the image.

import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { exec } from './exec.mjs';

/** @typedef {{ name: string, type: 'file' | 'dir' | 'other', size: number, mtime: number }} TarEntry */

/**
 * The entries of a tar archive (ustar, GNU long names and pax headers skipped over), with where
 * each one's data starts.
 * @param {Buffer} buf @returns {(TarEntry & { offset: number })[]}
 */
export function tarEntries(buf) {
  /** @type {(TarEntry & { offset: number })[]} */
  const out = [];
  let longName = '';
  for (let off = 0; off + 512 <= buf.length;) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const field = (/** @type {number} */ a, /** @type {number} */ n) =>
      h.toString('latin1', a, a + n).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const flag = field(156, 1);
    const offset = off + 512;
    off += 512 + Math.ceil(size / 512) * 512;
    if (flag === 'L') longName = buf.toString('utf8', offset, offset + size).replace(/\0.*$/s, '');
    if (flag === 'L' || flag === 'x' || flag === 'g') continue;
    const prefix = field(345, 155);
    const name = longName || (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = '';
    const type = flag === '0' || flag === '' || flag === '7' ? 'file' : flag === '5' ? 'dir' : 'other';
    // The ustar mtime (seconds); a pax header may carry a finer one, which these checks need not.
    const mtime = parseInt(field(136, 12).trim() || '0', 8);
    out.push({ name, type, size, mtime, offset });
  }
  return out;
}

/** @param {string} name @returns {string} '/a/b' */
const abs = (name) => '/' + name.replace(/^\.?\/+/, '').replace(/\/+$/, '');

/** This machine's platform, as an image names it. */
export const HOST_PLATFORM = `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`;

/**
 * The file system of a Docker image for one platform (this machine's by default), from its
 * layers in order (whiteouts applied): absolute path → entry, with `data` for regular files.
 * @param {string} ref @param {string} [platform]
 * @returns {Promise<Map<string, TarEntry & { data?: Buffer }>>}
 */
export async function dockerImageEntries(ref, platform = HOST_PLATFORM) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'e2e-save-'));
  const file = path.join(dir, 'image.tar');
  try {
    await exec('docker', ['save', '--platform', platform, '-o', file, ref], { timeoutMs: 5 * 60_000 });
    const tar = await fsp.readFile(file);
    const entries = new Map(tarEntries(tar).map((e) => [abs(e.name), e]));
    const blob = (/** @type {string} */ name) => {
      const e = entries.get(abs(name));
      if (!e) throw new Error(`docker save of ${ref}: no ${name}`);
      return tar.subarray(e.offset, e.offset + e.size);
    };
    // manifest.json (docker save's own) names the layer blobs in order.
    const [manifest] = JSON.parse(blob('manifest.json').toString());
    /** @type {Map<string, TarEntry & { data?: Buffer }>} */
    const fs = new Map();
    for (const layer of /** @type {string[]} */ (manifest.Layers)) {
      let data = blob(layer);
      if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
      for (const e of tarEntries(data)) {
        const p = abs(e.name);
        const base = path.posix.basename(p);
        if (base === '.wh..wh..opq') {
          const parent = path.posix.dirname(p);
          for (const k of [...fs.keys()]) if (k.startsWith(`${parent}/`)) fs.delete(k);
        } else if (base.startsWith('.wh.')) {
          const gone = path.posix.join(path.posix.dirname(p), base.slice(4));
          for (const k of [...fs.keys()]) if (k === gone || k.startsWith(`${gone}/`)) fs.delete(k);
        } else if (p !== '/')
          fs.set(p, {
            name: p,
            type: e.type,
            size: e.size,
            mtime: e.mtime,
            ...(e.type === 'file' ? { data: data.subarray(e.offset, e.offset + e.size) } : {}),
          });
      }
    }
    return fs;
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/**
 * One file of a Docker image for a platform, written to `dest`.
 * @param {string} ref @param {string} file absolute path in the image @param {string} dest
 * @param {string} [platform]
 */
export async function copyFromDockerImage(ref, file, dest, platform) {
  const e = (await dockerImageEntries(ref, platform)).get(file);
  if (!e?.data) throw new Error(`${ref} (${platform ?? HOST_PLATFORM}) has no regular file ${file}`);
  await fsp.writeFile(dest, e.data, { mode: 0o755 });
  return dest;
}
