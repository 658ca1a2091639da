// Files for stand-ins of another architecture: Debian's .debs of that architecture (after
// `dpkg --add-architecture ARCH` and `apt-get update`), downloaded once into the store with
// `apt-get download` and unpacked with `dpkg-deb -x`. Nothing is installed on the host.

import { spawnSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DIRS } from './config.mjs';
import { exec } from './exec.mjs';

/** The packages an alpine stand-in of another architecture needs. */
export const FOREIGN_PACKAGES = ['busybox-static', 'musl'];

/** Debian architecture → the name musl's dynamic linker carries (/lib/ld-musl-<name>.so.1). */
export const MUSL_ARCH = /** @type {Record<string, string>} */ ({ amd64: 'x86_64', arm64: 'aarch64' });

/**
 * The version apt would download of `pkg:arch`, or '' when apt does not know it.
 * @param {string} pkg @param {string} arch @returns {string}
 */
export function debVersion(pkg, arch) {
  const r = spawnSync('apt-cache', ['show', '--no-all-versions', `${pkg}:${arch}`], { encoding: 'utf8' });
  return (r.status === 0 && /^Version: (.+)$/m.exec(r.stdout)?.[1]) || '';
}

/**
 * Why stand-ins for `arch` cannot be made here, or '' when they can.
 * @param {string} arch e.g. 'arm64'
 * @returns {string}
 */
export function foreignMissing(arch) {
  if (!MUSL_ARCH[arch]) return `stand-ins for ${arch} (known: ${Object.keys(MUSL_ARCH).join(', ')})`;
  const lacking = FOREIGN_PACKAGES.filter((p) => !debVersion(p, arch)).map((p) => `${p}:${arch}`);
  return lacking.length
    ? `Debian's ${arch} packages ${lacking.join(', ')} (dpkg --add-architecture ${arch} && apt-get update)`
    : '';
}

/**
 * Unpacks the files of `pkg:arch` into `dest`, downloading the .deb into the store first unless
 * the same version is there already.
 * @param {string} pkg @param {string} arch @param {string} dest
 */
export async function unpackDeb(pkg, arch, dest) {
  const version = debVersion(pkg, arch);
  if (!version) throw new Error(`apt knows no ${pkg}:${arch}: ${foreignMissing(arch)}`);
  const dir = path.join(DIRS.tmp, 'debs');
  await fsp.mkdir(dir, { recursive: true });
  // apt-get download writes <pkg>_<version with ':' as %3a>_<arch>.deb into the working folder.
  const name = `${pkg}_${version.replace(/:/g, '%3a')}_${arch}.deb`;
  const file = path.join(dir, name);
  const have = await fsp.stat(file).then(
    (s) => s.size > 0,
    () => false,
  );
  if (!have) {
    // Downloaded into a folder of its own, then renamed: a concurrent reader never sees half a file.
    const tmp = await fsp.mkdtemp(path.join(dir, 'dl-'));
    try {
      await exec('apt-get', ['download', `${pkg}:${arch}`], { cwd: tmp });
      await fsp.rename(path.join(tmp, name), file);
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  }
  await exec('dpkg-deb', ['-x', file, dest]);
}
