// Issue 11, proven with the field's own tools: a service generated with --kubernetes --compose,
// its image built by `make docker-build` (podman, local stand-ins), then
// - yamllint passes every generated YAML file;
// - `kustomize edit set image` + `kustomize build deploy/kubernetes` (kustomize from the Go module
//   proxy), and every object validates against Kubernetes' schemas (kubernetes-models);
// - `podman kube play` runs the built Deployment: uid 65532, read-only root, probes answer,
//   /healthz through the published port, `podman kube down` drains it; and three broken manifests
//   (a probe on a wrong path, a root user, a grace period shorter than the drain) each fail;
// - podman-compose brings compose.yaml up to healthy, stops it with exit code 0, and down; a
//   compose.yaml without read_only and cap_drop fails.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import * as eng from '../../engine/index.mjs';
import { deploymentProblems, parseManifests } from '../helpers/deploy.mjs';
import { generate, run as runCmd } from './golevel.mjs';
import { makeImage, useImageEngine } from './imagecheck.mjs';
import { KUSTOMIZE, composeCheckBin, kustomizeBin } from './gotools.mjs';
import { composeUpAndCheck, forPodman, playAndCheck } from './kube.mjs';
import { NEWEST_GO } from './matrix.mjs';
import { findGo, have } from './tools.mjs';

const cell = { id: 'kubernetes' };
const NAME = 'kube-svc';
const VERSION = 'k8s-1';
const goBin = findGo(NEWEST_GO);

// kube play and podman-compose are podman's: Docker cannot stand in for them. docker compose
// runs the same compose.yaml in compose.test.mjs.
const skip = await useImageEngine('podman', [
  !have('catatonit') && 'catatonit (podman kube play builds its pause image with it)',
  !have('podman-compose') && 'podman-compose',
  !have('yamllint') && 'yamllint',
  !have('make') && 'make',
  !goBin && `Go ${NEWEST_GO} (builder stand-in; kustomize is built with the machine's go)`,
]);

/** Timings reported at the end. @type {Record<string, number>} */
const figures = {};

describe('--kubernetes --compose with the real tools', { skip }, () => {
  /** @type {string} */ let dir;
  /** @type {number} */ let port;
  /** @type {string} */ let image;
  /** @type {any} the Deployment kustomize built, image set to the local one */
  let built;

  before(async () => {
    const t0 = Date.now();
    const bin = /** @type {string} skip is set without it */ (goBin);
    await eng.ensureStandIns({ builders: [{ goVersion: NEWEST_GO, goroot: join(bin, '..') }] });
    await eng.warmBuilder(NEWEST_GO);
    port = await eng.freePort();
    dir = join(mkdtempSync(join(tmpdir(), 'gm-k8s-')), NAME);
    const flags = [
      '--yes',
      '--skip-install',
      '--go-version',
      NEWEST_GO,
      '--port',
      String(port),
      '--kubernetes',
      '--compose',
    ];
    await generate(cell, dir, flags, bin);
    image = (await makeImage(cell, dir, NAME, VERSION)).ref;
    // compose.yaml names the image NAME:dev. Given it, podman-compose 1.0.3 skips its own plain
    // `podman build`, which it runs otherwise and whose failure it ignores (`up -d` still exits 0,
    // with no container): a CI run lost this test to it. compose.test.mjs proves compose's build
    // on Docker Engine.
    await eng.engine(['tag', image, `localhost/${NAME}:dev`]);
    figures['stand-in + generate + make docker-build ms'] = Date.now() - t0;
  });
  after(async () => {
    if (image) await eng.removeImage(image, { force: true });
    await eng.removeImage(`localhost/${NAME}:dev`, { force: true }); // compose.yaml's name for it
    if (Object.keys(figures).length) console.log(`\nkubernetes/compose e2e: ${JSON.stringify(figures)}`);
  });

  it('yamllint (default rules, warnings count) passes every generated YAML file', async () => {
    const files = ['compose.yaml', 'deploy/kubernetes'];
    await runCmd(cell, 'yamllint', ['--strict', ...files], { cwd: dir });
  });

  it(`kustomize ${KUSTOMIZE.version}: edit set image, build; the objects validate against Kubernetes' schemas`, async () => {
    const t0 = Date.now();
    const kustomize = await kustomizeBin();
    figures['kustomize ready ms'] = Date.now() - t0;
    const kdir = join(dir, 'deploy/kubernetes');
    await runCmd(cell, kustomize, ['edit', 'set', 'image', `${NAME}=${image}`], { cwd: kdir });
    const out = (await runCmd(cell, kustomize, ['build', kdir])).stdout;
    const objects = parseManifests(out);
    const kinds = { Deployment, Service, PodDisruptionBudget };
    assert.deepEqual(objects.map((o) => o.kind).sort(), Object.keys(kinds).sort());
    for (const o of objects) new kinds[/** @type {keyof typeof kinds} */ (o.kind)](o).validate();
    built = objects.find((o) => o.kind === 'Deployment');
    assert.deepEqual(deploymentProblems(built, { port, name: image }), []);
  });

  it('podman kube play: uid 65532, read-only root, probes answer, /healthz from the host; kube down drains it', async () => {
    assert.ok(built, 'kustomize build ran');
    const { playMs, downMs } = await playAndCheck(forPodman(built), dir);
    Object.assign(figures, { 'kube play ms': playMs, 'kube down ms': downMs });
  });

  describe('each broken manifest fails a check of the running pod', () => {
    /** @type {[string, (d: any) => void, RegExp][]} */
    const mutations = [
      [
        'a liveness probe on a wrong path',
        (d) => (d.spec.template.spec.containers[0].livenessProbe.httpGet.path = '/health'),
        /livenessProbe GET \/health: HTTP 404/,
      ],
      ['a root user', (d) => (d.spec.template.spec.securityContext.runAsUser = 0), /runs as 65532:65532/],
      [
        'a grace period shorter than the drain',
        (d) => (d.spec.template.spec.terminationGracePeriodSeconds = 1),
        /the drain \(7 s\) ended within the grace period \(1 s\): exit 137/,
      ],
    ];
    for (const [title, mutate, expected] of mutations) {
      it(title, async () => {
        assert.ok(built, 'kustomize build ran');
        const broken = forPodman(built);
        mutate(broken);
        await assert.rejects(playAndCheck(broken, dir), (/** @type {Error} */ e) => {
          assert.match(e.message, expected);
          return true;
        });
      });
    }
  });

  it('podman-compose: up, healthy (the image’s own health check), read-only, stop with exit code 0, down', async () => {
    const { upMs } = await composeUpAndCheck(dir, 'compose.yaml', port);
    figures['podman-compose up ms'] = upMs;
  });

  it('a compose.yaml without read_only and cap_drop fails that check', async () => {
    const text = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    const broken = text.replace(/^ {4}read_only: true\n {4}cap_drop: \[ALL\]\n/m, '');
    assert.notEqual(broken, text, 'the mutation applies');
    writeFileSync(join(dir, 'compose.broken.yaml'), broken);
    await assert.rejects(composeUpAndCheck(dir, 'compose.broken.yaml', port), /read_only/);
  });

  it('compose.yaml is valid by the Compose Specification (compose-go), with a develop.watch rebuild loop', async () => {
    const bin = await composeCheckBin();
    const out = (await runCmd(cell, bin, [join(dir, 'compose.yaml')])).stdout;
    const watch = JSON.parse(out)[NAME];
    assert.deepEqual(
      watch.map((/** @type {any} */ w) => [w.action, w.path]),
      [['rebuild', dir]],
    );
    // podman-compose 1.0.3 ignores develop.watch; compose-go, Docker Compose's loader, refuses a bad one:
    writeFileSync(
      join(dir, 'compose.badwatch.yaml'),
      readFileSync(join(dir, 'compose.yaml'), 'utf8').replace('action: rebuild', 'action: rebuilt'),
    );
    const bad = await runCmd(cell, bin, [join(dir, 'compose.badwatch.yaml')], { allowFail: true });
    assert.match(bad.all, /develop\.watch\.0\.action value must be one of/);
  });
});
