// Self-test of the suite's own Docker Engine (engine/docker/): node scripts/test.mjs engine-docker
// - the pieces are cached by version: asked again, nothing is built;
// - dockerd (Engine 29, containerd store) runs in a network namespace of its own, so its
//   published ports answer on 127.0.0.1 there and not on the host's;
// - the self-test service, its Dockerfile starting with `# syntax=docker/dockerfile:1`, builds,
//   runs read-only without capabilities, answers, turns healthy by Docker's own health check and
//   stops gracefully;
// - a killed run (SIGKILL to dockerd and containerd) is found through its pidfiles and cleared,
//   in a store of its own so the shared daemon is never touched (dockerd-lifecycle.mjs).
// Outside CI a daemon that cannot be built or started skips with the reason; under CI it fails.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readlinkSync, symlinkSync } from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as eng from '../../engine/index.mjs';
import { DAEMON_PIECES } from '../../engine/docker/daemon.mjs';
import { NEWEST_GO } from './matrix.mjs';
import { writeSelfTest } from './selftest-service.mjs';
import { findGoroot } from './toolchains.mjs';
import { missing } from './tools.mjs';

const GO = NEWEST_GO;
const GOROOT = findGoroot(GO);
const detection = await eng.useEngine('docker');
const skip =
  missing([!detection.ok && `Docker Engine (${detection.reason})`, !GOROOT && `Go ${GO} (for the builder stand-in)`]) ??
  false;

describe('the suite’s Docker Engine', { skip, concurrency: false }, () => {
  /** @type {string} */ let ctx;
  const tag = `e2e-selftest:${eng.uniqueName('v')}`;
  const name = eng.uniqueName('e2e-dselftest');
  before(async () => {
    await eng.ensureStandIns({ builders: [{ goVersion: GO, goroot: /** @type {string} */ (GOROOT) }] });
    await eng.warmBuilder(GO);
    ctx = await fsp.mkdtemp(path.join(os.tmpdir(), 'e2e-dselftest-'));
    await writeSelfTest(ctx, GO);
  });
  after(async () => {
    await eng.remove(name).catch(() => {});
    await eng.removeImage(tag).catch(() => {});
    if (ctx) await fsp.rm(ctx, { recursive: true, force: true });
  });

  it('its pieces are cached by version: asked again, nothing is built', async (t) => {
    const t0 = Date.now();
    const again = await eng.ensurePieces(DAEMON_PIECES);
    assert.deepEqual(
      again.filter((p) => p.built),
      [],
    );
    t.diagnostic(`pieces: ${again.map((p) => p.name).join(', ')}, checked in ${Date.now() - t0} ms`);
  });

  it('is Engine 29 with the containerd image store, in a network namespace of its own', async (t) => {
    const v = JSON.parse((await eng.engine(['version', '--format', '{{json .Server}}'])).stdout);
    const components = Object.fromEntries(v.Components.map((/** @type {any} */ c) => [c.Name, c.Version]));
    const pin = Object.fromEntries(eng.PIECES.map((p) => [p.name, p.version]));
    assert.equal(components.containerd, pin.containerd);
    const info = JSON.parse((await eng.engine(['info', '--format', '{{json .}}'])).stdout);
    assert.equal(info.Driver, 'overlayfs', 'the containerd snapshotter (image store)');
    assert.match(info.DockerRootDir, new RegExp(`^${eng.DOCKER_ROOT}/`));
    const ns = await eng.netns();
    assert.notEqual(readlinkSync(ns), readlinkSync('/proc/self/ns/net'));
    t.diagnostic(`API ${v.ApiVersion}, ${JSON.stringify(components)}, netns ${readlinkSync(ns)}`);
  });

  it('builds the # syntax=docker/dockerfile:1 Dockerfile, runs it locked down, healthy by its own check, stops on SIGTERM', async (t) => {
    let t0 = Date.now();
    const r = await eng.build({ context: ctx, tag, buildArgs: { VERSION: '1.2.3' }, extraArgs: ['--progress=plain'] });
    assert.match(r.all, /resolve image config for docker-image:\/\/docker\.io\/docker\/dockerfile:1/);
    t.diagnostic(`build ${Date.now() - t0} ms`);
    const img = await eng.inspectImage(tag);
    assert.equal(img.Config.User, '65532:65532');
    assert.deepEqual(img.Config.Healthcheck?.Test, ['CMD', '/app', '-healthcheck']);

    t0 = Date.now();
    const port = await eng.containerPort();
    await eng.run({
      image: tag,
      name,
      publish: { [port]: 8080 },
      args: ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'],
    });
    const res = await eng.waitForContainerHttp(`http://127.0.0.1:${port}/healthz`, { status: 200 });
    assert.deepEqual(JSON.parse(res.body), { status: 'ok', version: '1.2.3' });
    // The host's own 127.0.0.1 has nothing on that port: the daemon's namespace is not the host's.
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }));
    assert.equal(await eng.waitHealthy(name), 'healthy');
    t.diagnostic(`run → healthy by Docker's schedule in ${Date.now() - t0} ms`);
    const c = await eng.inspectContainer(name);
    assert.equal(c.HostConfig.ReadonlyRootfs, true);
    assert.deepEqual(c.HostConfig.CapDrop, ['ALL']);
    const t1 = Date.now();
    assert.equal(await eng.stop(name, 10), 0);
    assert.ok(Date.now() - t1 < 5000, `graceful stop took ${Date.now() - t1} ms`);
    assert.match(await eng.logs(name), /"msg":"stopped"/);
  });

  it('a killed run is found through its pidfiles, cleared and started again (a store of its own)', async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'e2e-lifecycle-'));
    mkdirSync(root, { recursive: true });
    symlinkSync(path.join(eng.E2E_ROOT, 'bin'), path.join(root, 'bin')); // the pieces, not rebuilt
    const script = fileURLToPath(new URL('./dockerd-lifecycle.mjs', import.meta.url));
    try {
      const r = await eng.runCommand(process.execPath, [script], {
        env: { ...process.env, GO_MINIMAL_E2E_ROOT: root },
        timeoutMs: 5 * 60_000,
      });
      const seen = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
      t.diagnostic(r.stdout.trim());
      assert.equal(seen.first.started, true);
      assert.equal(seen.again.started, false, 'a second ensureDaemon reuses the running daemon');
      assert.equal(seen.again.pid, seen.first.pid);
      assert.equal(seen.restarted.started, true, 'the killed daemon is replaced');
      assert.notEqual(seen.restarted.pid, seen.killed.dockerd);
      assert.equal(seen.sleeper, 'exited', 'the container of the killed run is stopped by the new dockerd');
      assert.equal(seen.echo, 'after-restart', 'images survive; containers run');
      assert.equal(seen.stopped, true);
      assert.deepEqual(seen.leftover, [], 'stopDaemon leaves no daemon running');
      assert.equal(seen.pingAfterStop, null);
    } finally {
      await fsp.rm(root, { recursive: true, force: true });
    }
  });
});
