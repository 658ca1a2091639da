// Issue "prove every generated project", image level: for every matrix cell, the generated
// `make docker-build` builds a real image (podman/buildah here, Docker where a daemon answers);
// it runs read-only with no capabilities as 65532:65532, answers from the host, reports healthy,
// stops with exit code 0 on SIGTERM, and contains none of the secrets put next to the sources.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BINARY_DIR } from '../../dist/lib/derive.js';
import { IMAGES } from '../../dist/lib/images.js';
import * as eng from './engine.mjs';
import { generate, run as runCmd } from './golevel.mjs';
import { MATRIX, cellAnswers, cellFlags, E2E_GO_VERSIONS } from './matrix.mjs';
import { findGo, goEnv, have, missing } from './tools.mjs';

const detected = await eng.detectEngine();
const goBins = Object.fromEntries(E2E_GO_VERSIONS.map((v) => [v, findGo(v)]));
export const skip = missing([
  !detected.ok && `a container engine (${detected.reason})`,
  ...E2E_GO_VERSIONS.filter((v) => !goBins[v]).map((v) => `Go ${v} (for the builder stand-in)`),
  !have('make') && 'make',
]);
const DOCKER = detected.ok ? detected.kind : 'docker';
const SECURITY = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];
const VERSION = 'e2e-1.2.3';
const SLACK = 300 * 1024;

/** Size and build time of every image, reported at the end. */
const report = [];

/** Puts files that must never reach an image next to the sources. */
export function plantSecrets(dir) {
  writeFileSync(join(dir, '.env'), 'API_TOKEN=do-not-ship\n');
  writeFileSync(join(dir, 'secret.pem'), '-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n');
  mkdirSync(join(dir, '.git'), { recursive: true });
  writeFileSync(join(dir, '.git', 'config'), '[core]\n\trepositoryformatversion = 0\n');
}

/** `make docker-build` with the engine's environment; returns the image reference and build time. */
export async function makeImage(cell, dir, name, version = VERSION) {
  const t0 = Date.now();
  await runCmd(cell, 'make', ['docker-build', `DOCKER=${DOCKER}`, `VERSION=${version}`], {
    cwd: dir,
    env: { ...eng.engineEnv(), REVISION: 'e2e-revision' },
    timeoutMs: 5 * 60_000,
  });
  return { ref: `${DOCKER === 'podman' ? 'localhost/' : ''}${name}:${version}`, ms: Date.now() - t0 };
}

/** Size of one file inside an image. */
export async function fileSizeInImage(ref, path) {
  const mount = (await eng.engine(['image', 'mount', ref])).stdout.trim();
  try {
    return statSync(join(mount, path)).size;
  } finally {
    await eng.engine(['image', 'unmount', ref], { allowFail: true });
  }
}

/**
 * Runs the image as the issue demands and checks it: answers from the host, numeric user,
 * healthy where a HEALTHCHECK exists, `stop -t 10` → exit code 0.
 */
export async function checkContainer(cell, ref, answers) {
  const name = eng.uniqueName(`gm-${answers.name}`.slice(0, 40));
  const hostPort = await eng.freePort();
  await eng.run({ image: ref, name, publish: { [hostPort]: answers.port }, args: SECURITY });
  const why = async () => `[cell ${cell.id}] container logs:\n${await eng.logs(name).catch((e) => e.message)}`;
  try {
    const ok = await eng
      .waitForHttp(`http://127.0.0.1:${hostPort}/healthz`, { status: 200, timeoutMs: 15_000 })
      .catch(async (e) => assert.fail(`${e.message}\n${await why()}`));
    assert.equal(ok.body, 'ok');
    if (answers.healthcheck) {
      assert.equal(await eng.healthcheckRun(name), 0, `healthcheck run: ${await why()}`);
      assert.equal(await eng.healthStatus(name), 'healthy', await why());
    }
    const code = await eng.stop(name, 10);
    assert.equal(code, 0, `stop -t 10 exit code ${code}. ${await why()}`);
  } finally {
    await eng.remove(name);
  }
}

describe('generated images', { skip }, () => {
  before(async () => {
    await eng.ensureStandIns({
      builders: E2E_GO_VERSIONS.map((goVersion) => ({ goVersion, goroot: join(goBins[goVersion], '..') })),
      finals: [IMAGES.alpine, IMAGES.distroless],
    });
    for (const v of E2E_GO_VERSIONS) await eng.warmBuilder(v);
  });

  after(() => {
    if (report.length === 0) return;
    const lines = ['', 'cell                          image bytes   binary bytes  image-binary  build ms'];
    for (const r of report) {
      lines.push(
        `${r.id.padEnd(29)} ${String(r.image).padStart(11)} ${String(r.binary).padStart(14)} ${String(r.image - r.binary).padStart(13)} ${String(r.ms).padStart(9)}`,
      );
    }
    console.log(lines.join('\n'));
  });

  for (const cell of MATRIX) {
    describe(`cell ${cell.id}`, () => {
      const answers = cellAnswers(cell);
      const binaryPath = `${BINARY_DIR}/${answers.name}`;
      let dir;
      let image;

      before(async () => {
        dir = join(mkdtempSync(join(tmpdir(), 'gm-img-')), answers.name);
        await generate(cell, dir, [...cellFlags(cell), '--skip-install'], goBins[answers.goVersion] ?? '/usr/bin');
        plantSecrets(dir);
        image = await makeImage(cell, dir, answers.name);
      });
      after(async () => {
        if (image) await eng.removeImage(image.ref, { force: true });
      });

      it('is configured as generated: numeric user, entrypoint, port, healthcheck, OCI labels', async () => {
        const info = await eng.inspectImage(image.ref);
        assert.equal(info.Config.User, '65532:65532', `[cell ${cell.id}]`);
        assert.deepEqual(info.Config.Entrypoint, [binaryPath]);
        assert.ok(Object.keys(info.Config.ExposedPorts ?? {}).includes(`${answers.port}/tcp`), `[cell ${cell.id}]`);
        if (answers.healthcheck) assert.deepEqual(info.Config.Healthcheck?.Test, ['CMD', binaryPath, '-healthcheck']);
        else assert.equal(info.Config.Healthcheck, undefined, `[cell ${cell.id}] unexpected HEALTHCHECK`);
        const labels = info.Config.Labels ?? info.Labels;
        assert.equal(labels['org.opencontainers.image.title'], answers.name);
        assert.equal(labels['org.opencontainers.image.version'], VERSION);
        assert.equal(labels['org.opencontainers.image.revision'], 'e2e-revision');
        assert.match(labels['org.opencontainers.image.created'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      });

      it('runs read-only with no capabilities: /healthz from the host, healthy, stop -t 10 exits 0', () =>
        checkContainer(cell, image.ref, answers));

      it('holds none of .env, secret.pem, .git', async () => {
        const files = await eng.imageFiles(image.ref);
        const leaked = files.filter((f) => /(^|\/)(\.env|secret\.pem|\.git)(\/|$)/.test(f));
        assert.deepEqual(leaked, [], `[cell ${cell.id}] leaked into the image`);
        assert.ok(files.includes(binaryPath), `[cell ${cell.id}] no ${binaryPath}`);
        if (answers.base === 'scratch') {
          const regular = files.filter(
            (f) => !['/etc', '/etc/ssl', '/etc/ssl/certs', '/usr', '/usr/local', '/usr/local/bin'].includes(f),
          );
          assert.deepEqual(
            regular.sort(),
            ['/etc/group', '/etc/passwd', '/etc/ssl/certs/ca-certificates.crt', binaryPath].sort(),
            `[cell ${cell.id}] scratch image holds more than the binary, CA bundle and passwd/group`,
          );
        }
      });

      it('size: scratch ≤ binary + 300 KB (every size reported)', async () => {
        const imageBytes = await eng.imageSize(image.ref);
        const binaryBytes = await fileSizeInImage(image.ref, binaryPath);
        report.push({ id: cell.id, image: imageBytes, binary: binaryBytes, ms: image.ms });
        if (answers.base === 'scratch') {
          assert.ok(
            imageBytes <= binaryBytes + SLACK,
            `[cell ${cell.id}] image ${imageBytes} B > binary ${binaryBytes} B + ${SLACK} B`,
          );
        }
      });
    });
  }
});

export { goEnv };
