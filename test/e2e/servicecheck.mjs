// The service proof's pieces (issue 18), shared by service.test.mjs and the bench: a service cell
// built into a real image with its modules fetched through a proxy in the Docker Engine's
// network namespace, and svc-probe (test/fixtures/svc-probe) run there, where the containers are.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as eng from '../../engine/index.mjs';
import { generate, moduleEnv, run } from './golevel.mjs';
import { goBins, makeImage } from './imagecheck.mjs';
import { cellAnswers, cellFlags } from './matrix.mjs';
import { startProxyInNetns } from './netns-servers.mjs';
import { svcProbeBin } from './gotools.mjs';

/** @typedef {import('./matrix.mjs').Cell} Cell */

/**
 * A module cache of the run's own, and the proxy that serves it in the daemon's network
 * namespace (a build's `go mod download` reaches it through docker.mk's GOPROXY build arg).
 * @param {string} tmp
 */
export async function moduleStore(tmp) {
  const modcache = join(tmp, 'modcache');
  mkdirSync(modcache, { recursive: true });
  const proxy = await startProxyInNetns([join(modcache, 'cache/download')]);
  return { modcache, proxy };
}

/**
 * Generates a service cell (go mod tidy through the machine's module proxy, into the run's module
 * cache) and builds its image with `make docker-build`, fetching through the store's proxy.
 * @param {Cell} cell @param {string} dir @param {{ modcache: string, proxy: { url: string } }} store
 * @param {string} version
 */
export async function buildServiceImage(cell, dir, store, version) {
  const answers = cellAnswers(cell);
  const goBin = /** @type {string} */ (goBins[answers.goVersion]);
  // -modcacherw: the test removes the cache afterwards.
  const cache = { GOMODCACHE: store.modcache, GOFLAGS: '-mod=mod -modcacherw' };
  await generate(cell, dir, cellFlags(cell), goBin, { ...moduleEnv(cell), ...cache });
  // tidy stores each module's .mod and .zip; `go mod download` adds the .info files that a
  // build's `go mod download` asks the proxy for first.
  const goEnvHere = {
    ...process.env,
    PATH: `${goBin}:${process.env.PATH}`,
    GOTOOLCHAIN: 'local',
    ...moduleEnv(cell),
    ...cache,
  };
  await run(cell, 'go', ['mod', 'download'], { cwd: dir, env: goEnvHere, timeoutMs: 5 * 60_000 });
  const image = await makeImage(cell, dir, answers.name, version, {
    env: { PATH: `${goBin}:${process.env.PATH}`, GOTOOLCHAIN: 'local', ...cache, GOPROXY: store.proxy.url },
  });
  return { answers, image };
}

/**
 * Runs svc-probe in the daemon's network namespace and parses its one line of JSON.
 * @param {import('./golevel.mjs').CellRef} cell @param {string[]} args @param {number} [timeoutMs]
 * @returns {Promise<any>}
 */
export async function probe(cell, args, timeoutMs = 150_000) {
  const bin = await svcProbeBin();
  try {
    const r = await eng.inNetns(bin, args, { timeoutMs });
    return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
  } catch (error) {
    throw new Error(`[cell ${cell.id}] svc-probe ${args.join(' ')}: ${/** @type {Error} */ (error).message}`, {
      cause: error,
    });
  }
}

/** The container's main process as the host sees it: its pid. @param {string} name */
export async function containerPid(name) {
  return Number((await eng.engine(['inspect', '--format', '{{.State.Pid}}', name])).stdout.trim());
}

/** Peak and current resident memory of a process, in KiB (VmHWM, VmRSS). @param {number} pid */
export function memoryKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (/** @type {string} */ k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { peak: field('VmHWM'), now: field('VmRSS') };
}

/** The container's JSON log lines, parsed (other lines dropped). @param {string} name */
export async function logLines(name) {
  return (await eng.logs(name))
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/** The container's address on the default bridge. @param {string} name */
export async function containerIp(name) {
  return (
    await eng.engine(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name])
  ).stdout.trim();
}

export { run };
