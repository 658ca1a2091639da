// Which container engine runs the images, and its CLI. Docker is the suite's own Docker Engine
// (engine/docker/: dockerd in a network namespace of its own); podman + buildah are Debian's.
// A test file names the engine it proves with useEngine(); without that, Docker when the
// suite's dockerd answers, else podman. `engine(args)` runs the chosen CLI.

import { exec } from './exec.mjs';
import { ensureDaemon, runningDaemon } from './docker/daemon.mjs';

/** @typedef {import('./exec.mjs').ExecOptions} ExecOptions */
/** @typedef {import('./exec.mjs').ExecResult} ExecResult */

/** @typedef {'docker' | 'podman'} EngineKind */
/**
 * @typedef {{ ok: true, kind: EngineKind } | { ok: false, kind?: EngineKind, reason: string }} EngineDetection
 */

/** @type {Promise<EngineDetection> | undefined} */
let detectPromise;

/** The first line of an error, for a one-line reason. @param {unknown} e */
const firstLine = (e) => String(e instanceof Error ? e.message : e).split('\n')[0] ?? '';

/**
 * The suite's Docker Engine, started (and its pieces built) when needed.
 * @returns {Promise<EngineDetection>}
 */
async function detectDocker() {
  try {
    await ensureDaemon();
    const d = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], { allowFail: true, timeoutMs: 30_000 });
    if (d.code !== 0)
      return { ok: false, kind: 'docker', reason: `docker info failed: ${firstLine(new Error(d.all.trim()))}` };
    return { ok: true, kind: 'docker' };
  } catch (e) {
    return { ok: false, kind: 'docker', reason: `Docker Engine: ${firstLine(e)}` };
  }
}

/**
 * podman + buildah + runc, when present and a smoke test passes (`podman info` on the
 * configured overlay store, `buildah from scratch` + `buildah rm`).
 * @returns {Promise<EngineDetection>}
 */
async function detectPodman() {
  const missing = [];
  for (const tool of ['podman', 'buildah', 'runc']) {
    const r = await exec(tool, ['--version'], { allowFail: true, timeoutMs: 15_000 });
    if (r.code !== 0) missing.push(tool);
  }
  if (missing.length)
    return {
      ok: false,
      kind: 'podman',
      reason: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (apt-get install podman buildah runc uidmap)`,
    };
  try {
    const info = await exec('podman', ['info', '--format', 'json'], { timeoutMs: 60_000 });
    const driver = JSON.parse(info.stdout).store?.graphDriverName;
    if (driver !== 'overlay')
      return { ok: false, kind: 'podman', reason: `podman storage driver is ${driver}, expected overlay` };
    const ctr = (await exec('buildah', ['from', '--pull-never', 'scratch'], { timeoutMs: 60_000 })).stdout.trim();
    await exec('buildah', ['rm', ctr], { timeoutMs: 60_000 });
  } catch (e) {
    return { ok: false, kind: 'podman', reason: `podman/buildah smoke test failed: ${firstLine(e)}` };
  }
  return { ok: true, kind: 'podman' };
}

/**
 * The engine this process proves its images with (cached per process): the one useEngine()
 * named, else GO_MINIMAL_E2E_ENGINE (docker or podman), else Docker when the suite's dockerd
 * already answers, else podman.
 * @returns {Promise<EngineDetection>}
 */
export function detectEngine() {
  detectPromise ??= (async () => {
    const forced = process.env.GO_MINIMAL_E2E_ENGINE;
    if (forced === 'docker') return detectDocker();
    if (forced === 'podman') return detectPodman();
    if (await runningDaemon()) return detectDocker();
    return detectPodman();
  })();
  return detectPromise;
}

/**
 * Chooses the engine for the rest of this process (a test file calls it at its top): 'docker'
 * starts the suite's Docker Engine (building its pieces once), 'podman' checks podman. Resolves
 * to the detection; it never throws, so a test can skip (or, under CI, fail) with the reason.
 * @param {EngineKind} kind
 * @returns {Promise<EngineDetection>}
 */
export function useEngine(kind) {
  detectPromise = kind === 'docker' ? detectDocker() : detectPodman();
  return detectPromise;
}

/** @returns {Promise<EngineKind>} */
export async function cli() {
  const d = await detectEngine();
  if (!d.ok) throw new Error(`no usable container engine: ${d.reason}`);
  return d.kind;
}

/**
 * Runs the chosen engine's CLI (`podman` or `docker`) with the engine environment.
 * @param {string[]} args
 * @param {ExecOptions} [opts]
 * @returns {Promise<ExecResult>}
 */
export async function engine(args, opts) {
  return exec(await cli(), args, opts);
}
