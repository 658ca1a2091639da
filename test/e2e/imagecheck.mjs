// Image-level checks shared by the image tests and their mutation tests. Each throws with the
// cell's id and the output that explains the failure.
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY_DIR } from '../../dist/generators/derive.js';
import * as eng from '../../engine/index.mjs';
import { run as runCmd } from './golevel.mjs';
import { IMAGES } from '../../dist/image/images.js';
import { MATRIX_GO_VERSIONS } from './matrix.mjs';
import { findGo, have, missing } from './tools.mjs';

/**
 * @typedef {{ id: string }} CellRef what a failure names
 * @typedef {{ name: string, base: string, port: number, healthcheck: boolean }} ImageAnswers
 */

export const goBins = Object.fromEntries(MATRIX_GO_VERSIONS.map((v) => [v, findGo(v)]));

/**
 * The engine this test process proves its images with: 'docker' (the suite's own Docker Engine,
 * engine/docker/) or 'podman'. A live binding: set by {@link useImageEngine}.
 * @type {import('../../engine/index.mjs').EngineKind}
 */
export let DOCKER = 'docker';

/**
 * Chooses the engine of this test file (call it once, at the top) and returns why its image
 * tests cannot run here, or undefined when they can; under CI/E2E=required a missing piece
 * throws instead, with the reason in one line.
 * @param {import('../../engine/index.mjs').EngineKind} kind
 * @param {(string | false | undefined)[]} [more] more reasons, as for missing()
 */
export async function useImageEngine(kind, more = []) {
  DOCKER = kind;
  const d = await eng.useEngine(kind);
  return missing([
    !d.ok && `${kind} (${d.reason})`,
    ...MATRIX_GO_VERSIONS.filter((v) => !goBins[v]).map((v) => `Go ${v} (for the builder stand-in)`),
    !have('make') && 'make',
    ...more,
  ]);
}

/** The name an engine lists a locally built image under. @param {string} nameTag */
export const localRef = (nameTag) => `${DOCKER === 'podman' ? 'localhost/' : ''}${nameTag}`;

/**
 * A make target for a cell, run where the engine's containers are reached: for the suite's
 * Docker Engine, inside its network namespace (`make verify` and `make docker-run` talk to
 * 127.0.0.1 there).
 * @param {CellRef} cell @param {string[]} args @param {import('../../engine/index.mjs').ExecOptions} opts
 */
export async function makeThere(cell, args, opts) {
  if (DOCKER !== 'docker') return runCmd(cell, 'make', args, opts);
  return runCmd(cell, 'nsenter', [`--net=${await eng.netns()}`, '--', 'make', ...args], opts);
}

/** Stand-ins for the base images (nothing can be pulled) and a warm build cache, once per store. */
export async function prepareImages() {
  await eng.ensureStandIns({
    builders: MATRIX_GO_VERSIONS.map((goVersion) => ({
      goVersion,
      goroot: join(/** @type {string} imageSkip is set without it */ (goBins[goVersion]), '..'),
    })),
    finals: [IMAGES.alpine, IMAGES.distroless],
  });
  for (const v of MATRIX_GO_VERSIONS) await eng.warmBuilder(v);
}
const SECURITY = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];

/** Puts files that must never reach an image next to the sources. @param {string} dir */
export function plantSecrets(dir) {
  writeFileSync(join(dir, '.env'), 'API_TOKEN=do-not-ship\n');
  writeFileSync(join(dir, 'secret.pem'), '-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n');
  mkdirSync(join(dir, '.git'), { recursive: true });
  writeFileSync(join(dir, '.git', 'config'), '[core]\n\trepositoryformatversion = 0\n');
}

/**
 * `make docker-build` with the engine's environment; returns the image reference and build time.
 * `env` is added to the environment (a key set to undefined is left out, e.g. REVISION: undefined
 * lets docker.mk compute it); `makeArgs` are more `VAR=value` arguments for make; `target` another
 * target that makes IMAGE:VERSION (docker-buildx).
 * @param {CellRef} cell @param {string} dir @param {string} name @param {string} version
 * @param {{ env?: Record<string, string | undefined>, makeArgs?: string[], target?: string }} [o]
 */
export async function makeImage(cell, dir, name, version, { env = {}, makeArgs = [], target = 'docker-build' } = {}) {
  const t0 = Date.now();
  const args = [target, `DOCKER=${DOCKER}`, `IMAGE=${name}`, `VERSION=${version}`, ...makeArgs];
  await runCmd(cell, 'make', args, {
    cwd: dir,
    env: { ...eng.engineEnv(), REVISION: 'e2e-revision', ...env },
    timeoutMs: 5 * 60_000,
  });
  return { ref: localRef(`${name}:${version}`), ms: Date.now() - t0 };
}

/** Size of one file inside an image. @param {string} ref @param {string} path */
export const fileSizeInImage = (ref, path) => eng.withImageRoot(ref, (root) => statSync(join(root, path)).size);

/**
 * Runs the image as the issue demands and checks it: answers from the host, numeric user,
 * healthy where a HEALTHCHECK exists, `stop -t 10` → exit code 0. `probe`, when given, runs
 * after /healthz answered, with the service's base URL.
 * @param {CellRef} cell @param {string} ref @param {ImageAnswers} answers
 * @param {{ probe?: (base: string) => Promise<void> }} [o]
 */
export async function checkContainer(cell, ref, answers, { probe } = {}) {
  const name = eng.uniqueName(`gm-${answers.name}`.slice(0, 40));
  const hostPort = await eng.containerPort();
  await eng.run({ image: ref, name, publish: { [hostPort]: answers.port }, args: SECURITY });
  const why = async () => `[cell ${cell.id}] container logs:\n${await eng.logs(name).catch((e) => e.message)}`;
  try {
    const ok = await eng
      .waitForContainerHttp(`http://127.0.0.1:${hostPort}/healthz`, { status: 200, timeoutMs: 15_000 })
      .catch(async (e) => assert.fail(`${e.message}\n${await why()}`));
    assert.equal(ok.body, 'ok');
    if (probe)
      await probe(`http://127.0.0.1:${hostPort}`).catch(async (e) => assert.fail(`${e.message}\n${await why()}`));
    if (answers.healthcheck) {
      assert.equal(await eng.healthcheckRun(name), 0, `healthcheck run: ${await why()}`);
      // The engine's own schedule (Docker) or one run now (podman): see waitHealthy.
      assert.equal(await eng.waitHealthy(name), 'healthy', await why());
    }
    const code = await eng.stop(name, 10);
    assert.equal(code, 0, `stop -t 10 exit code ${code}. ${await why()}`);
  } finally {
    await eng.remove(name);
  }
}

/**
 * Inspect: numeric user, exec-form entrypoint, exposed port, HEALTHCHECK iff enabled, OCI labels.
 * @param {CellRef} cell @param {string} ref @param {ImageAnswers} answers @param {string} version
 * @param {{ revision?: string }} [o]
 */
export async function checkConfig(cell, ref, answers, version, { revision = 'e2e-revision' } = {}) {
  const binaryPath = `${BINARY_DIR}/${answers.name}`;
  const info = await eng.inspectImage(ref);
  assert.equal(info.Config.User, '65532:65532', `[cell ${cell.id}] image user`);
  assert.deepEqual(info.Config.Entrypoint, [binaryPath], `[cell ${cell.id}] entrypoint`);
  assert.ok(Object.keys(info.Config.ExposedPorts ?? {}).includes(`${answers.port}/tcp`), `[cell ${cell.id}] port`);
  if (answers.healthcheck) assert.deepEqual(info.Config.Healthcheck?.Test, ['CMD', binaryPath, '-healthcheck']);
  else assert.equal(info.Config.Healthcheck, undefined, `[cell ${cell.id}] unexpected HEALTHCHECK`);
  const labels = info.Config.Labels ?? info.Labels;
  assert.equal(labels['org.opencontainers.image.title'], answers.name);
  assert.equal(labels['org.opencontainers.image.version'], version);
  assert.equal(labels['org.opencontainers.image.revision'], revision);
  assert.match(labels['org.opencontainers.image.created'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
}

/**
 * The image's files: no planted secret, the binary present, and on scratch nothing else.
 * @param {CellRef} cell @param {string} ref @param {ImageAnswers} answers
 */
export async function checkFiles(cell, ref, answers) {
  const binaryPath = `${BINARY_DIR}/${answers.name}`;
  const files = await eng.imageFiles(ref);
  const leaked = files.filter((f) => /(^|\/)(\.env|secret\.pem|\.git)(\/|$)/.test(f));
  assert.deepEqual(leaked, [], `[cell ${cell.id}] leaked into the image`);
  assert.ok(files.includes(binaryPath), `[cell ${cell.id}] no ${binaryPath}`);
  if (answers.base === 'scratch') {
    const dirs = ['/etc', '/etc/ssl', '/etc/ssl/certs', '/usr', '/usr/local', '/usr/local/bin'];
    assert.deepEqual(
      files.filter((f) => !dirs.includes(f)).sort(),
      ['/etc/group', '/etc/passwd', '/etc/ssl/certs/ca-certificates.crt', binaryPath].sort(),
      `[cell ${cell.id}] scratch image holds more than the binary, CA bundle and passwd/group`,
    );
  }
}

/**
 * The multi-stage build already keeps the sources out of the final image, so .dockerignore is
 * proved on the builder stage: built alone (`--target build`), it must hold none of the secrets.
 * @param {CellRef} cell @param {string} dir @param {string} name
 */
export async function checkContext(cell, dir, name) {
  const tag = `${name}-buildstage:e2e`;
  try {
    await eng.build({ context: dir, tag, extraArgs: ['--target', 'build'] });
  } catch (error) {
    throw new Error(`[cell ${cell.id}] ${/** @type {Error} */ (error).message}`, { cause: error });
  }
  try {
    const files = await eng.imageFiles(localRef(tag));
    const leaked = files.filter((f) => f.startsWith('/src/') && /(^|\/)(\.env|secret\.pem|\.git)(\/|$)/.test(f));
    assert.deepEqual(leaked, [], `[cell ${cell.id}] leaked into the build context (.dockerignore)`);
    assert.ok(files.includes('/src/main.go'), `[cell ${cell.id}] the builder stage has no /src/main.go`);
  } finally {
    await eng.removeImage(localRef(tag), { force: true });
  }
}
