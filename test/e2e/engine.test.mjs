// Self-test of the image engine (engine/) on podman: node scripts/test.mjs engine.test
// Builds a tiny hand-written stdlib Go service with a Dockerfile shaped like the generated ones,
// runs it read-only with all capabilities dropped, probes it from the host, runs its healthcheck
// and stops it gracefully. Skips (with the reason) when no engine or Go toolchain is usable; under
// CI or E2E=required that is a failure (tools.mjs). The builder is the newest matrix Go, whose
// stand-in the image tests build too.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  build,
  engine,
  engineEnv,
  ensureStandIns,
  exec,
  freePort,
  healthcheckRun,
  healthStatus,
  imageFiles,
  imageSize,
  inspectContainer,
  inspectImage,
  logs,
  remove,
  removeImage,
  run,
  stop,
  uniqueName,
  useEngine,
  waitForHttp,
  warmBuilder,
} from '../../engine/index.mjs';
import { writeSelfTest } from './selftest-service.mjs';
import { NEWEST_GO } from './matrix.mjs';
import { findGoroot } from './toolchains.mjs';
import { missing } from './tools.mjs';

const GO = NEWEST_GO;
const GOROOT = findGoroot(GO);

// podman's self-test; the suite's Docker Engine has its own: engine-docker.test.mjs.
const detection = await useEngine('podman');
const skip =
  missing([
    !detection.ok && `a container engine (${detection.reason})`,
    !GOROOT && `Go ${GO} (for the builder stand-in)`,
  ]) ?? false;

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
describe('e2e container engine', { skip, concurrency: false }, () => {
  /** @type {string} */ let ctx;
  const tag = `localhost/e2e-selftest:${uniqueName('v')}`;
  const name = uniqueName('e2e-selftest');
  const ms = (/** @type {number} */ t0) => `${Date.now() - t0} ms`;

  before(async () => {
    const t0 = Date.now();
    const made = await ensureStandIns({
      builders: [{ goVersion: GO, goroot: /** @type {string} */ (GOROOT) }],
      finals: ['alpine:3.24', 'gcr.io/distroless/static-debian13:nonroot'],
    });
    const warm = await warmBuilder(GO);
    console.log(`# stand-ins ${JSON.stringify(made)}; warm-up ${JSON.stringify(warm)}; total ${ms(t0)}`);
    ctx = await fsp.mkdtemp(path.join(os.tmpdir(), 'e2e-selftest-'));
    await writeSelfTest(ctx, GO);
  });

  after(async () => {
    await remove(name).catch(() => {});
    await removeImage(tag).catch(() => {});
    if (ctx) await fsp.rm(ctx, { recursive: true, force: true });
  });

  test('engineEnv points at generated config files with the required settings', async () => {
    const env = engineEnv();
    assert.equal(env.BUILDAH_ISOLATION, 'chroot');
    assert.equal(env.BUILDAH_FORMAT, 'docker');
    const conf = await fsp.readFile(env.CONTAINERS_CONF, 'utf8');
    assert.match(conf, /runtime = "runc"/);
    assert.match(conf, /nofile=20000:20000/);
    assert.match(await fsp.readFile(env.CONTAINERS_STORAGE_CONF, 'utf8'), /driver = "overlay"/);
    assert.deepEqual(engineEnv(), env, 'idempotent');
  });

  test('stand-ins have the expected shape', async () => {
    const distroless = await inspectImage('gcr.io/distroless/static-debian13:nonroot');
    assert.equal(distroless.Config.User, '65532:65532');
    const files = await imageFiles('gcr.io/distroless/static-debian13:nonroot');
    assert.ok(files.includes('/etc/ssl/certs/ca-certificates.crt'));
    assert.ok(files.includes('/home/nonroot'));
    assert.ok(!files.some((f) => /\/(sh|busybox)$/.test(f)), `no shell in distroless: ${files.join(' ')}`);
    const alpine = await engine([
      'run',
      '--rm',
      '--pull=never',
      'alpine:3.24',
      'sh',
      '-c',
      'grep nonroot /etc/passwd; stat -c %a /tmp',
    ]);
    assert.match(alpine.stdout, /^nonroot:x:65532:65532:/m);
    assert.match(alpine.stdout, /^1777$/m);
    const go = await engine([
      'run',
      '--rm',
      '--pull=never',
      `golang:${GO}-alpine`,
      'go',
      'env',
      'GOVERSION',
      'GOTOOLCHAIN',
      'GOPATH',
    ]);
    assert.match(go.stdout, new RegExp(`^go${GO.replace('.', '\\.')}\\.\\d+\\nlocal\\n/go\\n$`));
    // As upstream, no GOPROXY in the image: an ENV would beat the Dockerfile's GOPROXY build arg.
    const env = (await inspectImage(`golang:${GO}-alpine`)).Config.Env ?? [];
    assert.deepEqual(
      env.filter((/** @type {string} */ e) => e.startsWith('GOPROXY=')),
      [],
    );
  });

  test('builds, runs read-only without capabilities, probes, healthchecks and stops gracefully', async (t) => {
    let t0 = Date.now();
    // Plain podman build: HEALTHCHECK survives only through BUILDAH_FORMAT=docker from engineEnv().
    await build({
      context: ctx,
      tag,
      buildArgs: { VERSION: '1.2.3', REVISION: 'abc123', SOURCE_DATE_EPOCH: '1700000000' },
    });
    t.diagnostic(`build ${ms(t0)}`);

    const img = await inspectImage(tag);
    assert.equal(img.Config.User, '65532:65532');
    assert.deepEqual(img.Config.Entrypoint, ['/app']);
    assert.ok('8080/tcp' in img.Config.ExposedPorts);
    assert.deepEqual(img.Config.Healthcheck?.Test, ['CMD', '/app', '-healthcheck']);
    assert.equal(img.Config.Healthcheck.Interval, 5e9);

    const files = await imageFiles(tag);
    assert.deepEqual(files, [
      '/app',
      '/etc',
      '/etc/group',
      '/etc/passwd',
      '/etc/ssl',
      '/etc/ssl/certs',
      '/etc/ssl/certs/ca-certificates.crt',
    ]);
    const size = await imageSize(tag);
    assert.ok(size > 4e6 && size < 10e6, `image size ${size}`);
    t.diagnostic(`image ${size} bytes, files: ${files.join(' ')}`);

    t0 = Date.now();
    const port = await freePort();
    await run({
      image: tag,
      name,
      publish: { [port]: 8080 },
      args: ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--memory', '64m'],
    });
    const res = await waitForHttp(`http://127.0.0.1:${port}/healthz`, { status: 200 });
    assert.deepEqual(JSON.parse(res.body), { status: 'ok', version: '1.2.3' });
    t.diagnostic(`run → first 200 in ${ms(t0)}`);

    assert.equal(await healthcheckRun(name), 0);
    assert.equal(await healthStatus(name), 'healthy');
    const c = await inspectContainer(name);
    assert.equal(c.Config.User, '65532:65532');
    assert.equal(c.HostConfig.ReadonlyRootfs, true);

    const t1 = Date.now();
    assert.equal(await stop(name, 10), 0);
    assert.ok(Date.now() - t1 < 5000, `graceful stop took ${Date.now() - t1} ms (SIGTERM not handled?)`);
    const out = await logs(name);
    assert.match(out, /"msg":"listening"/);
    assert.match(out, /"msg":"stopped"/);
    assert.doesNotMatch(out, /systemd/);
    t.diagnostic(`run+probe+healthcheck+stop ${ms(t0)}`);
  });

  test('helpers throw with the command line and its output', async () => {
    await assert.rejects(inspectImage('localhost/e2e-does-not-exist:nope'), (/** @type {Error} */ e) => {
      assert.match(e.message, /(podman|docker) image inspect localhost\/e2e-does-not-exist:nope/);
      assert.match(e.message, /no such|not known/i);
      return true;
    });
    await assert.rejects(ensureStandIns({ finals: ['nginx:1.27'] }), /no stand-in recipe for final image "nginx:1.27"/);
    const r = await exec('sh', ['-c', 'echo out; echo err >&2; exit 3'], { allowFail: true });
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.match(r.all, /out/);
    assert.match(r.all, /err/);
  });
});
