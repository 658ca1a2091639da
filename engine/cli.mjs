// Which container engine runs the images: Docker when a daemon answers, else podman + buildah
// (checked with a smoke test on the configured store). `engine(args)` runs its CLI.

import { exec } from './exec.mjs';

/** @typedef {import('./exec.mjs').ExecOptions} ExecOptions */
/** @typedef {import('./exec.mjs').ExecResult} ExecResult */

/**
 * @typedef {{ ok: true, kind: 'docker' | 'podman' } | { ok: false, reason: string }} EngineDetection
 */

/** @type {Promise<EngineDetection> | undefined} */
let detectPromise;

/**
 * Detects a usable container engine (cached per process). Docker only when `docker info`
 * reaches a daemon; otherwise podman + buildah + runc when present and a smoke test passes
 * (`podman info` on the configured overlay store, `buildah from scratch` + `buildah rm`).
 * GO_MINIMAL_E2E_ENGINE=podman skips the docker probe; =docker requires docker.
 * @returns {Promise<EngineDetection>}
 */
export function detectEngine() {
  detectPromise ??= (async () => {
    const forced = process.env.GO_MINIMAL_E2E_ENGINE;
    if (forced !== 'podman') {
      const d = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], {
        allowFail: true,
        timeoutMs: 15_000,
      });
      if (d.code === 0 && d.stdout.trim()) return { ok: true, kind: 'docker' };
      if (forced === 'docker')
        return {
          ok: false,
          reason: `GO_MINIMAL_E2E_ENGINE=docker but \`docker info\` failed: ${d.error ? 'no docker CLI' : d.all.trim()}`,
        };
    }
    const missing = [];
    for (const tool of ['podman', 'buildah', 'runc']) {
      const r = await exec(tool, ['--version'], { allowFail: true, timeoutMs: 15_000 });
      if (r.code !== 0) missing.push(tool);
    }
    if (missing.length)
      return {
        ok: false,
        reason:
          `no Docker daemon answered \`docker info\`, and ${missing.join(', ')} ` +
          `${missing.length > 1 ? 'are' : 'is'} missing (apt-get install podman buildah runc uidmap)`,
      };
    try {
      const info = await exec('podman', ['info', '--format', 'json'], { timeoutMs: 60_000 });
      const driver = JSON.parse(info.stdout).store?.graphDriverName;
      if (driver !== 'overlay') return { ok: false, reason: `podman storage driver is ${driver}, expected overlay` };
      const ctr = (await exec('buildah', ['from', '--pull-never', 'scratch'], { timeoutMs: 60_000 })).stdout.trim();
      await exec('buildah', ['rm', ctr], { timeoutMs: 60_000 });
    } catch (e) {
      return { ok: false, reason: `podman/buildah smoke test failed: ${/** @type {Error} */ (e).message}` };
    }
    return { ok: true, kind: 'podman' };
  })();
  return detectPromise;
}

/** @returns {Promise<'docker' | 'podman'>} */
export async function cli() {
  const d = await detectEngine();
  if (!d.ok) throw new Error(`no usable container engine: ${d.reason}`);
  return d.kind;
}

/**
 * Runs the detected engine CLI (`podman` or `docker`) with the engine environment.
 * @param {string[]} args
 * @param {ExecOptions} [opts]
 * @returns {Promise<ExecResult>}
 */
export async function engine(args, opts) {
  return exec(await cli(), args, opts);
}
