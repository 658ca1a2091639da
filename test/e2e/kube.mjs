// The Kubernetes and Compose proof's checks: a Deployment run by `podman kube play` and checked from the host and
// /proc, and a compose project brought up and down by podman-compose. Each check throws with
// what it saw.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import * as eng from '../../engine/index.mjs';
import { PROBE_PATHS, drainSeconds, probePort } from '../helpers/deploy.mjs';

/** Memory quantity (`128Mi`, `1Gi`, `500M`) → bytes, as the downward API resolves it. @param {string} q */
export function quantityBytes(q) {
  const m = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(q);
  if (!m) throw new Error(`unsupported quantity ${q}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

/**
 * The Deployment as this machine can run it: one replica (podman starts one pod per replica, and
 * they would share the host port) and the container port published on 127.0.0.1 (hostPort: podman
 * 4.3 has no --publish for kube play). Nothing else changes.
 * @param {any} dep
 */
export function forPodman(dep) {
  const d = JSON.parse(JSON.stringify(dep));
  d.spec.replicas = 1;
  for (const p of d.spec.template.spec.containers[0].ports)
    Object.assign(p, { hostPort: p.containerPort, hostIP: '127.0.0.1' });
  return d;
}

/** One process's `/proc/<pid>/status` fields and whether its root mount is read-only. @param {number} pid */
function processFacts(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (/** @type {string} */ k) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(status)?.[1]?.split(/\s+/) ?? [];
  const root = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .find((f) => f[4] === '/');
  return {
    uid: field('Uid'),
    gid: field('Gid'),
    noNewPrivs: field('NoNewPrivs')[0],
    seccomp: field('Seccomp')[0],
    capEff: field('CapEff')[0],
    rootOptions: root?.[5]?.split(',') ?? [],
  };
}

/**
 * Polls a URL until the server stops answering; resolves with every status seen.
 * @param {string} url
 */
async function statusesUntilGone(url) {
  /** @type {number[]} */
  const seen = [];
  for (;;) {
    try {
      seen.push((await fetch(url, { signal: AbortSignal.timeout(1000) })).status);
    } catch {
      return seen;
    }
    await sleep(100);
  }
}

/**
 * `podman kube play` of one Deployment (already {@link forPodman}), then the checks; `podman
 * kube down` always runs. What is checked where:
 * - from /proc (the process itself): uid/gid 65532, read-only root mount, no capabilities,
 *   no_new_privs, a seccomp filter;
 * - from podman's inspect: GOMEMLIMIT resolved from the memory limit (downward API);
 * - every probe as the kubelet sends it, from the node to the pod's port: podman 4.3 turns only
 *   the liveness probe into a health check, as `curl` in a shell, which a shell-less image lacks,
 *   so the probes are sent from here;
 * - the stop, as the kubelet does it: SIGTERM, SIGKILL after terminationGracePeriodSeconds
 *   (`podman stop -t <grace>`: podman 4.3's kube play ignores the grace period, its stop timeout
 *   stays 10 s, and kube down tears the published port down at once). /readyz turns 503 while
 *   the drain runs, and the service logs "stopped" and exits 0 (a grace period shorter than the
 *   drain kills it first); then `podman kube down` removes the pod.
 * Over 60 lines: one pod's life, in order.
 * @param {any} dep @param {string} dir where the manifest is written
 * @returns {Promise<{ playMs: number, downMs: number }>}
 */
export async function playAndCheck(dep, dir) {
  const name = dep.metadata.name;
  const c = dep.spec.template.spec.containers[0];
  const port = c.ports[0].hostPort;
  const base = `http://127.0.0.1:${port}`;
  const file = join(dir, `kube-${eng.uniqueName('play')}.yaml`);
  writeFileSync(file, stringify(dep));
  const ctr = `${name}-pod-0-${c.name}`;
  const t0 = Date.now();
  await eng.engine(['kube', 'play', file]);
  const playMs = Date.now() - t0;
  /** @type {number | undefined} */
  let downMs;
  try {
    await eng.waitForHttp(`${base}/healthz`, { status: 200, timeoutMs: 15_000 });
    const info = await eng.inspectContainer(ctr);
    const p = processFacts(info.State.Pid);
    assert.deepEqual(
      { uid: p.uid, gid: p.gid },
      { uid: Array(4).fill('65532'), gid: Array(4).fill('65532') },
      'runs as 65532:65532',
    );
    assert.ok(p.rootOptions.includes('ro'), `root mounted read-only (options: ${p.rootOptions})`);
    assert.deepEqual(
      [p.capEff, p.noNewPrivs, p.seccomp],
      ['0000000000000000', '1', '2'],
      'CapEff 0, NoNewPrivs 1, Seccomp 2 (filter)',
    );
    const limit = quantityBytes(c.resources.limits.memory);
    assert.ok(info.Config.Env.includes(`GOMEMLIMIT=${limit}`), `GOMEMLIMIT=${limit} in ${info.Config.Env}`);
    for (const kind of Object.keys(PROBE_PATHS)) {
      const get = c[kind]?.httpGet;
      assert.ok(get, `${kind} is an httpGet probe`);
      assert.equal(probePort(c, get.port), port, `${kind} port ${get.port} is the published port`);
      const res = await fetch(`${base}${get.path}`);
      assert.equal(res.status, 200, `${kind} GET ${get.path}: HTTP ${res.status}`);
    }
    const grace = dep.spec.template.spec.terminationGracePeriodSeconds;
    const seen = statusesUntilGone(`${base}/readyz`);
    const code = await eng.stop(ctr, grace);
    assert.ok((await seen).includes(503), 'readiness turned 503 during the drain');
    const out = await eng.logs(ctr);
    const drained = code === 0 && /"msg":"stopped"/.test(out);
    assert.ok(
      drained,
      `the drain (${drainSeconds(c)} s) ended within the grace period (${grace} s): exit ${code}; logs:\n${out}`,
    );
    const t1 = Date.now();
    await eng.engine(['kube', 'down', file]);
    downMs = Date.now() - t1;
    const pods = await eng.engine(['pod', 'exists', `${name}-pod-0`], { allowFail: true });
    assert.equal(pods.code, 1, 'kube down removed the pod');
  } finally {
    await eng.engine(['kube', 'down', file], { allowFail: true });
    rmSync(file, { force: true });
  }
  return { playMs, downMs: Number(downMs) };
}

/**
 * podman-compose in a project folder, with the engine's settings; a unique project name (-p) so
 * concurrent runs never share containers or networks.
 * @param {string} dir @param {string} project @param {string[]} args
 */
const compose = (dir, project, args) =>
  eng.exec('podman-compose', ['-p', project, ...args], { cwd: dir, timeoutMs: 5 * 60_000, allowFail: true });

/** Containers of a compose project (podman-compose labels them). @param {string} project */
async function composeContainers(project) {
  const filter = `label=io.podman.compose.project=${project}`;
  const r = await eng.engine(['ps', '-a', '--filter', filter, '--format', '{{.Names}}']);
  return r.stdout.split('\n').filter(Boolean);
}

/**
 * `podman-compose -f file up -d` in a generated project, then: /healthz answers on the published
 * port, the image's own health check passes, the container is read-only with no capabilities and
 * no-new-privileges, `stop` ends it with exit code 0, `down` exits 0 and leaves no container.
 * Cleans up whatever happens (podman-compose 1.0.3's down leaves the project network behind).
 * @param {string} dir @param {string} file @param {number} port
 * @returns {Promise<{ upMs: number }>}
 */
export async function composeUpAndCheck(dir, file, port) {
  const project = eng.uniqueName('gmk');
  const t0 = Date.now();
  try {
    const up = await compose(dir, project, ['-f', file, 'up', '-d']);
    assert.equal(up.code, 0, up.all);
    const upMs = Date.now() - t0;
    const [ctr] = await composeContainers(project);
    // podman-compose 1.0.3 exits 0 when a podman command it runs fails: its output says which.
    assert.ok(ctr, `a container; podman-compose up -d said:\n${up.all}`);
    await eng.waitForHttp(`http://127.0.0.1:${port}/healthz`, { status: 200 });
    assert.equal(await eng.healthcheckRun(ctr), 0, 'healthcheck run');
    assert.equal(await eng.healthStatus(ctr), 'healthy');
    const info = await eng.inspectContainer(ctr);
    assert.equal(info.HostConfig.ReadonlyRootfs, true, 'read_only');
    assert.deepEqual(info.EffectiveCaps ?? [], [], 'cap_drop ALL');
    const opts = info.HostConfig.SecurityOpt ?? [];
    assert.ok(
      opts.some((/** @type {string} */ o) => o.startsWith('no-new-privileges')),
      `no-new-privileges: ${opts}`,
    );
    const stop = await compose(dir, project, ['-f', file, 'stop']);
    assert.equal(stop.code, 0, stop.all);
    assert.equal((await eng.inspectContainer(ctr)).State.ExitCode, 0, 'SIGTERM: a clean drain');
    const down = await compose(dir, project, ['-f', file, 'down']);
    assert.equal(down.code, 0, down.all);
    assert.deepEqual(await composeContainers(project), []);
    return { upMs };
  } finally {
    for (const c of await composeContainers(project)) await eng.remove(c);
    await eng.engine(['network', 'rm', '-f', `${project}_default`], { allowFail: true });
  }
}
