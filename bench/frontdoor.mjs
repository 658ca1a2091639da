// The front door, measured (issue 12): how long `--help` takes against `node -e 0`, and what a
// first `npm create go-minimal` / `npx -p generator-go-minimal` waits for: the cold install of
// each package with an empty npm cache, side by side, in the same run.
import fs from 'node:fs';
import path from 'node:path';
import { runCommand as sh } from '../engine/index.mjs';
import { summary } from './lib.mjs';

/**
 * Packs generator-go-minimal and create-go-minimal into `base`.
 * @param {string} root the repository
 * @param {string} base a work folder
 * @param {NodeJS.ProcessEnv} env npm's environment
 * @returns {Promise<{ generator: string, create: string }>} the tarballs
 */
export async function packBoth(root, base, env) {
  /** @param {string} dir */
  const pack = async (dir) => {
    const r = await sh(
      'npm',
      ['pack', '--ignore-scripts', '--pack-destination', base, '--json', '--loglevel=error', dir],
      {
        cwd: root,
        env,
      },
    );
    return path.join(base, JSON.parse(r.stdout)[0].filename);
  };
  return { generator: await pack(root), create: await pack(path.join(root, 'packages/create-go-minimal')) };
}

/**
 * Installs each tarball `rounds` times into a new prefix with a new, empty npm cache (what a
 * first `npx`/`npm create` does), alternating the two; registry downloads included.
 * @param {{ generator: string, create: string }} tarballs
 * @param {string} base
 * @param {NodeJS.ProcessEnv} env
 * @param {number} rounds
 */
export async function coldInstalls(tarballs, base, env, rounds) {
  /** @type {Record<string, number[]>} */
  const ms = { generator: [], create: [] };
  /** @type {Record<string, { packages: number, bytes: number }>} */
  const footprint = {};
  let n = 0;
  for (let i = 0; i < rounds; i++) {
    for (const which of /** @type {const} */ (['generator', 'create'])) {
      const dir = path.join(base, `install-${which}-${++n}`);
      fs.mkdirSync(dir, { recursive: true });
      const r = await sh(
        'npm',
        ['install', '--no-audit', '--no-fund', '--loglevel=error', '--cache', path.join(dir, 'cache'), tarballs[which]],
        { cwd: dir, env, timeoutMs: 600_000 },
      );
      ms[which].push(r.ms);
      const modules = path.join(dir, 'node_modules');
      footprint[which] = {
        // node_modules/<name>/package.json or node_modules/@scope/<name>/package.json, at any depth.
        packages: fs
          .readdirSync(modules, { recursive: true })
          .filter((p) => /(^|\/)node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(`node_modules/${String(p)}`))
          .length,
        bytes: duBytes(modules),
      };
    }
  }
  return {
    generator: { ...summary(ms.generator), ...footprint.generator },
    create: { ...summary(ms.create), ...footprint.create },
    ratio: summary(ms.create).median / summary(ms.generator).median,
  };
}

/** @param {string} dir @returns {number} bytes of the regular files under dir */
function duBytes(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath ?? e.path, e.name)).size;
  }
  return total;
}

/**
 * `node -e 0` against `--help` of the bins, interleaved, `rounds` times each.
 * @param {Record<string, string[]>} commands label → argv (node first)
 * @param {number} rounds
 */
export async function helpTimes(commands, rounds) {
  const all = { node: [process.execPath, '-e', '0'], ...commands };
  /** @type {Record<string, number[]>} */
  const ms = Object.fromEntries(Object.keys(all).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [label, [cmd, ...args]] of Object.entries(all)) {
      const r = await sh(cmd, args);
      ms[label].push(r.ms);
    }
  }
  const node = summary(ms.node).median;
  return Object.fromEntries(
    Object.entries(ms).map(([label, xs]) => [label, { ...summary(xs), ratio: summary(xs).median / node }]),
  );
}
