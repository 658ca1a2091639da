// Container checks: thin, throwing wrappers around the engine CLI that build, run, inspect,
// healthcheck, stop and look inside images and containers, plus the host-side helpers the checks
// need (a free port, polling a URL, unique names).

import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli, engine } from './cli.mjs';
import { exec } from './exec.mjs';
import { fetchInNetns, freePortInNetns } from './docker/access.mjs';
import { dockerImageEntries } from './layers.mjs';

/** @typedef {import('./exec.mjs').ExecResult} ExecResult */

/**
 * `podman build` (or `docker build`) of a context folder, run from inside it. No `--format` is
 * passed: the docker format comes from BUILDAH_FORMAT in {@link engineEnv}, exactly as for
 * `make docker-build DOCKER=podman`.
 * @param {{ context: string, tag: string, buildArgs?: Record<string, string | number>, file?: string, extraArgs?: string[] }} o
 * @returns {Promise<ExecResult>}
 */
export async function build({ context, tag, buildArgs = {}, file, extraArgs = [] }) {
  const args = ['build'];
  for (const [k, v] of Object.entries(buildArgs)) args.push('--build-arg', `${k}=${v}`);
  if (file) args.push('-f', file);
  args.push(...extraArgs, '-t', tag, '.');
  return engine(args, { cwd: context });
}

/**
 * Starts a detached container with `--pull=never`. Published ports bind to 127.0.0.1.
 * @param {{ image: string, name: string, env?: Record<string, string>, publish?: Record<number | string, number | string>, args?: string[], cmd?: string[] }} o
 *   publish maps host port → container port; args are extra flags placed before the image (e.g.
 *   ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges']); cmd follows it.
 * @returns {Promise<string>} the container id
 */
export async function run({ image, name, env = {}, publish = {}, args = [], cmd = [] }) {
  const a = ['run', '-d', '--pull=never', '--name', name];
  for (const [k, v] of Object.entries(env)) a.push('-e', `${k}=${v}`);
  for (const [h, c] of Object.entries(publish)) a.push('-p', `127.0.0.1:${h}:${c}`);
  a.push(...args, image, ...cmd);
  const r = await engine(a);
  return r.stdout.trim().split('\n').pop() ?? '';
}

/** @param {string[]} args @returns {Promise<any>} */
async function inspectJson(args) {
  const j = JSON.parse((await engine(args)).stdout);
  return Array.isArray(j) ? j[0] : j;
}

/**
 * `image inspect`, parsed and normalised to docker's shape: Config.User, Config.Healthcheck
 * (podman reports it only at the top level `.Healthcheck`; both are set), Config.Labels and
 * Labels, Config.Entrypoint, Config.ExposedPorts, Size (bytes), …
 * @param {string} ref
 * @returns {Promise<any>}
 */
export async function inspectImage(ref) {
  const img = await inspectJson(['image', 'inspect', ref]);
  img.Config ??= {};
  if (img.Config.Healthcheck == null && img.Healthcheck != null) img.Config.Healthcheck = img.Healthcheck;
  if (img.Healthcheck == null && img.Config.Healthcheck != null) img.Healthcheck = img.Config.Healthcheck;
  if (img.Config.Labels == null && img.Labels != null) img.Config.Labels = img.Labels;
  if (img.Labels == null && img.Config.Labels != null) img.Labels = img.Config.Labels;
  return img;
}

/**
 * `container inspect`, parsed: State.Status, State.ExitCode, State.Health, Config, HostConfig, …
 * @param {string} name
 * @returns {Promise<any>}
 */
export async function inspectContainer(name) {
  return inspectJson(['container', 'inspect', name]);
}

/**
 * Runs the container's healthcheck once, now. podman: `podman healthcheck run` (0 healthy,
 * 1 unhealthy, 125 no healthcheck / engine error). docker, which has no such command: runs the
 * HEALTHCHECK command with `docker exec`. Never throws for a failing check.
 * @param {string} name
 * @returns {Promise<number>} exit code
 */
export async function healthcheckRun(name) {
  if ((await cli()) === 'podman') return (await engine(['healthcheck', 'run', name], { allowFail: true })).code;
  const c = await inspectContainer(name);
  /** @type {string[]} */
  const test = c.Config?.Healthcheck?.Test ?? [];
  if (!test.length || test[0] === 'NONE') throw new Error(`container ${name} has no healthcheck`);
  const cmd = test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test[1] ?? ''] : test.slice(1);
  return (await engine(['exec', name, ...cmd], { allowFail: true })).code;
}

/**
 * Health status recorded by the engine: 'starting' | 'healthy' | 'unhealthy' | '' (none).
 * Without systemd podman does not schedule the periodic check (it logs "unable to get systemd
 * connection"): the status changes only through {@link healthcheckRun}.
 * @param {string} name
 * @returns {Promise<string>}
 */
export async function healthStatus(name) {
  const s = (await inspectContainer(name)).State ?? {};
  return (s.Health ?? s.Healthcheck)?.Status ?? '';
}

/**
 * Waits for the container's health check to report healthy, the way the engine runs it. Docker
 * runs it on its own schedule (every 5 s during the start period, the default start interval):
 * the status is polled until it leaves "starting". podman without systemd schedules nothing: the
 * check is run once ({@link healthcheckRun}) and the status read.
 * @param {string} name
 * @param {{ timeoutMs?: number }} [o]
 * @returns {Promise<string>} the last status: 'healthy', 'unhealthy', 'starting' (timed out), ''
 */
export async function waitHealthy(name, { timeoutMs = 45_000 } = {}) {
  if ((await cli()) === 'podman') {
    await healthcheckRun(name);
    return healthStatus(name);
  }
  let status = '';
  for (const t0 = Date.now(); Date.now() - t0 < timeoutMs; await sleep(250)) {
    status = await healthStatus(name);
    if (status !== 'starting') return status;
  }
  return status;
}

/**
 * Stops a container with a grace period (`stop -t seconds`: SIGTERM, SIGKILL after it).
 * @param {string} name
 * @param {number} [seconds=10]
 * @returns {Promise<number>} the container's exit code (State.ExitCode; 137 = killed)
 */
export async function stop(name, seconds = 10) {
  await engine(['stop', '-t', String(seconds), name], { timeoutMs: (seconds + 60) * 1000 });
  return (await inspectContainer(name)).State.ExitCode;
}

const ENGINE_NOISE = /^.*(unable to get systemd connection|Removing timer for container).*\n?/gm;

/**
 * The container's stdout and stderr (interleaved), minus podman's harmless systemd warnings.
 * @param {string} name
 * @returns {Promise<string>}
 */
export async function logs(name) {
  return (await engine(['logs', name])).all.replace(ENGINE_NOISE, '');
}

/**
 * Removes a container, running or not (no grace period); a missing one is ignored.
 * @param {string} name
 * @returns {Promise<void>}
 */
export async function remove(name) {
  const r = await engine(['rm', '-f', '-v', name], { allowFail: true });
  if (r.code !== 0 && !/no such container|no container with name or id/i.test(r.all))
    throw new Error(`command failed (exit ${r.code}): ${r.cmdline}\n${r.all}`);
}

/**
 * Removes an image tag (and the image with its last tag); a missing one is ignored.
 * @param {string} ref
 * @param {{ force?: boolean }} [o] force: also remove containers using it
 * @returns {Promise<void>}
 */
export async function removeImage(ref, { force = false } = {}) {
  const r = await engine(['rmi', ...(force ? ['-f'] : []), ref], { allowFail: true });
  if (r.code !== 0 && !/image not known|no such image/i.test(r.all))
    throw new Error(`command failed (exit ${r.code}): ${r.cmdline}\n${r.all}`);
}

/**
 * Every path in the image's file system (files, directories, links), absolute, sorted, without
 * '/' itself. podman: `podman image mount` + a walk (≈ 0.2 s); Docker: the layers of `docker save` (layers.mjs).
 * @param {string} ref
 * @returns {Promise<string[]>}
 */
export async function imageFiles(ref) {
  if ((await cli()) === 'podman') {
    const mnt = (await engine(['image', 'mount', ref])).stdout.trim();
    try {
      return (await fsp.readdir(mnt, { recursive: true })).map((p) => `/${p}`).sort();
    } finally {
      await engine(['image', 'unmount', ref], { allowFail: true });
    }
  }
  return [...(await dockerImageEntries(ref)).keys()].sort();
}

/**
 * Image size in bytes, the same measure on every engine: the bytes of the regular files in the
 * image's file system (each hard-linked file once). The engines' own figures differ in kind:
 * podman's `Size` is the uncompressed layers, Docker's (containerd image store) the compressed
 * content, 3.0 MB against 6.85 MB for the same scratch image.
 * @param {string} ref
 * @returns {Promise<number>}
 */
export async function imageSize(ref) {
  if ((await cli()) === 'podman') {
    const mnt = (await engine(['image', 'mount', ref])).stdout.trim();
    try {
      const seen = new Set();
      let bytes = 0;
      for (const rel of await fsp.readdir(mnt, { recursive: true })) {
        const st = await fsp.lstat(path.join(mnt, rel));
        if (!st.isFile() || seen.has(st.ino)) continue;
        seen.add(st.ino);
        bytes += st.size;
      }
      return bytes;
    } finally {
      await engine(['image', 'unmount', ref], { allowFail: true });
    }
  }
  let bytes = 0;
  for (const e of (await dockerImageEntries(ref)).values()) if (e.type === 'file') bytes += e.size;
  return bytes;
}

/**
 * `docker export` of a container created (never started) from the image, as a tar file.
 * @template T @param {string} ref @param {(tar: string) => Promise<T>} fn @returns {Promise<T>}
 */
async function withExport(ref, fn) {
  const ctr = (await engine(['create', ref, 'x'])).stdout.trim();
  const tar = path.join(os.tmpdir(), `e2e-export-${process.pid}-${Date.now()}.tar`);
  try {
    await engine(['export', '-o', tar, ctr]);
    return await fn(tar);
  } finally {
    await fsp.rm(tar, { force: true });
    await engine(['rm', '-f', ctr], { allowFail: true });
  }
}

/**
 * Calls fn with a folder holding the image's file system, and cleans up after: podman mounts the
 * image; Docker exports a created container into a temporary folder.
 * @template T @param {string} ref @param {(root: string) => T | Promise<T>} fn @returns {Promise<T>}
 */
export async function withImageRoot(ref, fn) {
  if ((await cli()) === 'podman') {
    const mnt = (await engine(['image', 'mount', ref])).stdout.trim();
    try {
      return await fn(mnt);
    } finally {
      await engine(['image', 'unmount', ref], { allowFail: true });
    }
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'e2e-root-'));
  try {
    await withExport(ref, (tar) => exec('tar', ['-xf', tar, '-C', dir, '--no-same-owner']));
    return await fn(dir);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/**
 * A TCP port that is free on 127.0.0.1 right now.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls a URL until it answers with a status < 500 (or exactly `status` when given).
 * @param {string} url
 * @param {{ timeoutMs?: number, status?: number }} [o]
 * @returns {Promise<{ status: number, body: string, ms: number }>}
 */
export async function waitForHttp(url, { timeoutMs = 15_000, status } = {}) {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (status === undefined ? res.status < 500 : res.status === status)
        return { status: res.status, body, ms: Date.now() - t0 };
      last = `HTTP ${res.status}: ${body}`;
    } catch (e) {
      last = String(/** @type {Error} */ (e).cause ?? e);
    }
    await sleep(100);
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms (last: ${last})`);
}

/**
 * Where a container's published ports are reached: podman publishes on the host's 127.0.0.1;
 * the suite's Docker Engine on 127.0.0.1 inside its own network namespace. These three helpers
 * go there: a free port, one request, and a poll.
 * @returns {Promise<number>} a port free on that 127.0.0.1 now
 */
export async function containerPort() {
  return (await cli()) === 'docker' ? freePortInNetns() : freePort();
}

/**
 * One HTTP request to a published port (see {@link containerPort}); a connection that fails
 * gives status 0 and the error as the body.
 * @param {string} url @param {{ timeoutMs?: number }} [o]
 * @returns {Promise<{ status: number, body: string }>}
 */
export async function fetchContainer(url, { timeoutMs = 2000 } = {}) {
  if ((await cli()) === 'docker') return fetchInNetns(url, { timeoutMs });
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    return { status: 0, body: String(/** @type {Error} */ (e).cause ?? e) };
  }
}

/**
 * {@link waitForHttp} for a published port (see {@link containerPort}).
 * @param {string} url
 * @param {{ timeoutMs?: number, status?: number }} [o]
 * @returns {Promise<{ status: number, body: string, ms: number }>}
 */
export async function waitForContainerHttp(url, { timeoutMs = 15_000, status } = {}) {
  if ((await cli()) !== 'docker') return waitForHttp(url, { timeoutMs, status });
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < timeoutMs) {
    const r = await fetchInNetns(url);
    if (r.status && (status === undefined ? r.status < 500 : r.status === status)) return { ...r, ms: Date.now() - t0 };
    last = r.status ? `HTTP ${r.status}: ${r.body}` : r.body.trim();
    await sleep(100);
  }
  throw new Error(`no answer from ${url} (in the daemon's network namespace) within ${timeoutMs} ms (last: ${last})`);
}

/**
 * A container/image name unlikely to collide across concurrent test processes.
 * @param {string} [prefix='e2e']
 * @returns {string}
 */
export function uniqueName(prefix = 'e2e') {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
