// Issue 17: `docker compose` (compose v5, a CLI plugin of the suite's Docker Engine) runs the
// generated compose.yaml as its comment says: `up` builds the image from the Dockerfile as
// generated and waits until the image's own health check reports healthy; the container is
// read-only with no capabilities and no-new-privileges, answers on the published port, `stop`
// ends it with exit code 0 (SIGTERM drained), and `down` leaves nothing. A compose.yaml without
// read_only and cap_drop fails that check. (podman-compose runs it in kubernetes.test.mjs.)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { generate } from './golevel.mjs';
import { goBins, prepareImages, useImageEngine } from './imagecheck.mjs';
import { NEWEST_GO } from './matrix.mjs';

const NAME = 'compose-svc';
const cell = { id: 'docker-compose' };
const skip = await useImageEngine('docker');

/**
 * `docker compose` in the project folder, a project name of its own (-p) so concurrent runs
 * never share containers or networks.
 * @param {string} dir @param {string} project @param {string[]} args
 */
const compose = (dir, project, args) =>
  eng.engine(['compose', '-p', project, ...args], { cwd: dir, timeoutMs: 5 * 60_000, allowFail: true });

/** @param {string} project */
async function containersOf(project) {
  const r = await eng.engine([
    'ps',
    '-a',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--format',
    '{{.Names}}',
  ]);
  return r.stdout.split('\n').filter(Boolean);
}

/**
 * up --wait, the checks, stop, down; cleans up whatever happens.
 * @param {string} dir @param {string} file @param {number} port
 */
async function upAndCheck(dir, file, port) {
  const project = eng.uniqueName('gmc');
  const t0 = Date.now();
  try {
    const up = await compose(dir, project, ['-f', file, 'up', '-d', '--wait', '--wait-timeout', '120']);
    assert.equal(up.code, 0, up.all);
    const upMs = Date.now() - t0;
    const [ctr] = await containersOf(project);
    assert.ok(ctr, 'a container');
    assert.equal(await eng.healthStatus(ctr), 'healthy', "the image's own health check");
    const ok = await eng.waitForContainerHttp(`http://127.0.0.1:${port}/healthz`, { status: 200 });
    assert.equal(ok.body, 'ok');
    const info = await eng.inspectContainer(ctr);
    assert.equal(info.HostConfig.ReadonlyRootfs, true, 'read_only');
    assert.deepEqual(info.HostConfig.CapDrop, ['ALL'], 'cap_drop ALL');
    assert.ok(
      (info.HostConfig.SecurityOpt ?? []).some((/** @type {string} */ o) => o.startsWith('no-new-privileges')),
      `no-new-privileges: ${info.HostConfig.SecurityOpt}`,
    );
    const stop = await compose(dir, project, ['-f', file, 'stop']);
    assert.equal(stop.code, 0, stop.all);
    assert.equal((await eng.inspectContainer(ctr)).State.ExitCode, 0, 'SIGTERM: a clean drain');
    const down = await compose(dir, project, ['-f', file, 'down']);
    assert.equal(down.code, 0, down.all);
    assert.deepEqual(await containersOf(project), []);
    return { upMs };
  } finally {
    await compose(dir, project, ['-f', file, 'down', '--remove-orphans']);
  }
}

describe('docker compose (v5) runs the generated compose.yaml', { skip }, () => {
  /** @type {string} */ let dir;
  /** @type {number} */ let port;
  before(async () => {
    await prepareImages();
    port = await eng.containerPort();
    dir = join(mkdtempSync(join(tmpdir(), 'gm-compose-')), NAME);
    const flags = ['--yes', '--skip-install', '--go-version', NEWEST_GO, '--port', String(port), '--compose'];
    await generate(cell, dir, flags, /** @type {string} skip is set without it */ (goBins[NEWEST_GO]));
  });
  after(async () => {
    await eng.removeImage(`${NAME}:dev`, { force: true });
  });

  it('compose is the pinned v5 plugin', async () => {
    const v = (await eng.engine(['compose', 'version', '--short'])).stdout.trim();
    const pin = eng.PIECES.find((p) => p.name === 'compose')?.version;
    assert.equal(`v${v.replace(/^v/, '')}`, pin);
  });

  it('up --wait (builds, healthy), read-only, no capabilities, answers, stop exits 0, down', async (t) => {
    const { upMs } = await upAndCheck(dir, 'compose.yaml', port);
    t.diagnostic(`docker compose up --wait (build included): ${upMs} ms`);
  });

  it('a compose.yaml without read_only and cap_drop fails that check', async () => {
    const text = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    const broken = text.replace(/^ {4}read_only: true\n {4}cap_drop: \[ALL\]\n/m, '');
    assert.notEqual(broken, text, 'the mutation applies');
    writeFileSync(join(dir, 'compose.broken.yaml'), broken);
    await assert.rejects(upAndCheck(dir, 'compose.broken.yaml', port), /read_only/);
  });
});
