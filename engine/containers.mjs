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
 * '/' itself. podman: `podman image mount` + a walk (≈ 0.2 s); docker: `create` + `export` + `tar -t`.
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
  const ctr = (await engine(['create', ref, 'x'])).stdout.trim();
  const tar = path.join(os.tmpdir(), `e2e-export-${process.pid}-${Date.now()}.tar`);
  try {
    await engine(['export', '-o', tar, ctr]);
    const names = (await exec('tar', ['-tf', tar])).stdout.split('\n').filter(Boolean);
    const set = new Set(names.map((n) => '/' + n.replace(/^\.?\/+/, '').replace(/\/+$/, '')));
    set.delete('/');
    return [...set].sort();
  } finally {
    await fsp.rm(tar, { force: true });
    await engine(['rm', '-f', ctr], { allowFail: true });
  }
}

/**
 * Image size in bytes as the engine reports it (uncompressed layers, `.Size`).
 * @param {string} ref
 * @returns {Promise<number>}
 */
export async function imageSize(ref) {
  return Number((await inspectImage(ref)).Size);
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
 * A container/image name unlikely to collide across concurrent test processes.
 * @param {string} [prefix='e2e']
 * @returns {string}
 */
export function uniqueName(prefix = 'e2e') {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
