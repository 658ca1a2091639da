// Issue 11, Kubernetes and Compose: the --kubernetes and --compose options (flag, bad value,
// preset, stored replay), the files written only when enabled, and what they hold: the restricted
// Pod Security Standard, probes, a grace period derived from main.go's drain, GOMEMLIMIT from the
// memory limit, valid Kubernetes objects (kubernetes-models' schemas), the Compose hardening.
// The real tools (kustomize, podman kube play, podman-compose) run in test/e2e/kubernetes.test.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { CLI, DOCKER, FIXTURES, helpers, runYes } from './helpers/generate.mjs';
import { deploymentProblems, parseManifests } from './helpers/deploy.mjs';
import { KUBERNETES_FILES, COMPOSE_FILES } from '../dist/image/files.js';
import {
  kubernetesName,
  GRACE_MARGIN_SECONDS,
  SHUTDOWN_DELAY_SECONDS,
  SHUTDOWN_TIMEOUT_SECONDS,
  TERMINATION_GRACE_SECONDS,
} from '../dist/generators/derive.js';

const K8S = KUBERNETES_FILES.map((f) => f.dest);
const COMPOSE = COMPOSE_FILES.map((f) => f.dest);
/** @param {string} dir @param {string} file */
const manifest = (dir, file) => parseManifests(readFileSync(join(dir, file), 'utf8'))[0];

describe('--kubernetes --compose (app generator)', () => {
  let result;
  before(async () => {
    result = await runYes({ name: 'svc', port: '9090', kubernetes: true, compose: true });
  });
  it('writes the manifests and compose.yaml, and stores both answers', () => {
    result.assertFile([...K8S, ...COMPOSE]);
    result.assertJsonFileContent('.yo-rc.json', { 'generator-go-minimal': { kubernetes: true, compose: true } });
  });
  it('the Deployment meets the restricted standard and the service facts (no problem listed)', () =>
    assert.deepEqual(
      deploymentProblems(manifest(result.cwd, 'deploy/kubernetes/deployment.yaml'), { port: 9090, name: 'svc' }),
      [],
    ));
  it('every object validates against the Kubernetes schemas (kubernetes-models)', () => {
    const kinds = { Deployment, Service, PodDisruptionBudget };
    for (const file of K8S.filter((f) => !f.endsWith('kustomization.yaml'))) {
      const obj = manifest(result.cwd, file);
      assert.ok(obj.kind in kinds, `${file}: kind ${obj.kind}`);
      new kinds[obj.kind](obj).validate();
    }
  });
  it('the kustomization lists every manifest and has an images entry for kustomize edit set image', () => {
    const k = manifest(result.cwd, 'deploy/kubernetes/kustomization.yaml');
    assert.deepEqual(k.resources, ['deployment.yaml', 'service.yaml', 'pdb.yaml']);
    assert.deepEqual(k.images, [{ name: 'svc', newTag: 'latest' }]);
  });
  it('Service and PodDisruptionBudget select the Deployment’s pods; the Service targets the named port', () => {
    const labels = manifest(result.cwd, 'deploy/kubernetes/deployment.yaml').spec.template.metadata.labels;
    const svc = manifest(result.cwd, 'deploy/kubernetes/service.yaml');
    assert.deepEqual(svc.spec.selector, labels);
    assert.equal(svc.spec.ports[0].targetPort, 'http');
    assert.deepEqual(manifest(result.cwd, 'deploy/kubernetes/pdb.yaml').spec.selector.matchLabels, labels);
  });
  it('the grace period is derived from main.go’s own drain defaults', () => {
    const main = readFileSync(join(result.cwd, 'main.go'), 'utf8');
    const seconds = (name) => Number(new RegExp(`${name} += (\\d+) \\* time\\.Second`).exec(main)?.[1]);
    assert.equal(seconds('defaultShutdownDelay'), SHUTDOWN_DELAY_SECONDS);
    assert.equal(seconds('defaultShutdownTimeout'), SHUTDOWN_TIMEOUT_SECONDS);
    const pod = manifest(result.cwd, 'deploy/kubernetes/deployment.yaml').spec.template.spec;
    assert.equal(
      pod.terminationGracePeriodSeconds,
      SHUTDOWN_DELAY_SECONDS + SHUTDOWN_TIMEOUT_SECONDS + GRACE_MARGIN_SECONDS,
    );
  });
  it('compose.yaml: built here, read-only, no capabilities, no-new-privileges, the port, a watch rebuild', () => {
    const svc = manifest(result.cwd, 'compose.yaml').services.svc;
    assert.deepEqual(svc.build, { context: '.' });
    assert.equal(svc.read_only, true);
    assert.deepEqual(svc.cap_drop, ['ALL']);
    assert.deepEqual(svc.security_opt, ['no-new-privileges:true']);
    assert.deepEqual(svc.ports, ['127.0.0.1:9090:9090']);
    assert.equal(svc.stop_grace_period, `${TERMINATION_GRACE_SECONDS}s`);
    assert.deepEqual(svc.develop.watch, [{ action: 'rebuild', path: '.' }]);
    // The image's own HEALTHCHECK (the binary's -healthcheck) applies: no override here.
    assert.equal(svc.healthcheck, undefined);
  });
});

describe('Kubernetes names from an image name', () => {
  it('kubernetesName: dots and underscores become dashes, a letter first, at most 63', () => {
    assert.equal(kubernetesName('svc'), 'svc');
    assert.equal(kubernetesName('my.svc__x-y'), 'my-svc-x-y');
    assert.equal(kubernetesName('9lives'), 'svc-9lives');
    assert.equal(kubernetesName(`a${'b'.repeat(60)}.c.d`), `a${'b'.repeat(60)}-c`);
    assert.equal(kubernetesName(`a${'b'.repeat(61)}.c`), `a${'b'.repeat(61)}`);
  });
  it('a dotted name: the objects take the label, the image keeps the name', async () => {
    const result = await runYes({ name: 'my.svc', kubernetes: true });
    const dep = manifest(result.cwd, 'deploy/kubernetes/deployment.yaml');
    assert.deepEqual(deploymentProblems(dep, { port: 8080, name: 'my.svc' }), []);
    assert.equal(dep.metadata.name, 'my-svc');
    assert.equal(manifest(result.cwd, 'deploy/kubernetes/service.yaml').metadata.name, 'my-svc');
    assert.deepEqual(manifest(result.cwd, 'deploy/kubernetes/kustomization.yaml').images, [
      { name: 'my.svc', newTag: 'latest' },
    ]);
  });
});

describe('--kubernetes and --compose are off by default', () => {
  it('writes neither', async () => {
    const result = await runYes({ name: 'plain' });
    result.assertNoFile([...K8S, ...COMPOSE]);
    result.assertJsonFileContent('.yo-rc.json', { 'generator-go-minimal': { kubernetes: false, compose: false } });
  });
  it('--no-kubernetes --compose writes compose.yaml only', async () => {
    const result = await runYes({ kubernetes: false, compose: true });
    result.assertNoFile(K8S);
    result.assertFile(COMPOSE);
  });
});

describe('the options through every channel', () => {
  const tmp = () => mkdtempSync(join(tmpdir(), 'gm-deploy-'));
  it('a flag with a value: one line naming the flag, non-zero exit, nothing written', () => {
    const dir = join(tmp(), 'svc');
    const r = spawnSync(process.execPath, [CLI, dir, '--yes', '--kubernetes=maybe'], {
      encoding: 'utf8',
      stdin: 'ignore',
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^go-minimal: --kubernetes takes no value \(see go-minimal --help\)\n$/);
    assert.throws(() => readdirSync(dir), { code: 'ENOENT' });
  });
  it('a bad stored value: one line naming the key, the value and what is accepted', async () => {
    await assert.rejects(runYes().withYoRcConfig('generator-go-minimal', { compose: 'yes' }), {
      message: /^Invalid compose "yes" in \.yo-rc\.json: .*true or false.*$/,
    });
  });
  it('a preset turns them on', async () => {
    const preset = join(tmp(), 'team.json');
    writeFileSync(preset, JSON.stringify({ kubernetes: true, compose: true }));
    const result = await runYes({ preset });
    result.assertFile([...K8S, ...COMPOSE]);
  });
  it('the replay command carries them', () => {
    const dir = join(tmp(), 'svc');
    const r = spawnSync(process.execPath, [CLI, dir, '--yes', '--kubernetes', '--skip-install'], {
      encoding: 'utf8',
      stdin: 'ignore',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout + r.stderr,
      / --kubernetes --no-compose --metrics none --tracing none --no-pprof --no-openapi --no-service-monitor --no-backstage --yes\n/,
    );
  });
  it('go-minimal docker offers them for an existing module, with the detected port and name', async () => {
    const dir = join(tmp(), 'cmd-api');
    cpSync(join(FIXTURES, 'cmd-api'), dir, { recursive: true });
    const result = await helpers
      .run(DOCKER)
      .cd(dir)
      .withOptions({ yes: true, main: './cmd/api', kubernetes: true, compose: true });
    const dep = manifest(result.cwd, 'deploy/kubernetes/deployment.yaml');
    assert.deepEqual(deploymentProblems(dep, { port: 8080, name: 'api' }), []);
    assert.deepEqual(manifest(result.cwd, 'compose.yaml').services.api.ports, ['127.0.0.1:8080:8080']);
    result.assertJsonFileContent('.yo-rc.json', { 'generator-go-minimal': { kubernetes: true, compose: true } });
  });
});

describe('go-minimal docker --kubernetes on a module that lacks a probe path', () => {
  it('says which path the probes need that the code does not mention (cmd-api has /healthz only)', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-deploy-')), 'cmd-api');
    cpSync(join(FIXTURES, 'cmd-api'), dir, { recursive: true });
    const r = spawnSync(process.execPath, [CLI, 'docker', dir, '--main', './cmd/api', '--kubernetes', '--yes'], {
      encoding: 'utf8',
      stdin: 'ignore',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout + r.stderr,
      /\nnote: deploy\/kubernetes\/deployment\.yaml probes .* \.\/cmd\/api does not mention \/readyz: serve it/,
    );
  });
  it('says nothing of the kind without --kubernetes', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-deploy-')), 'cmd-api');
    cpSync(join(FIXTURES, 'cmd-api'), dir, { recursive: true });
    const r = spawnSync(process.execPath, [CLI, 'docker', dir, '--main', './cmd/api', '--yes'], {
      encoding: 'utf8',
      stdin: 'ignore',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /probes GET/);
  });
});

describe('the static Deployment check fails on each broken manifest', () => {
  /** @type {any} */
  let good;
  before(async () => {
    const result = await runYes({ name: 'svc', port: '9090', kubernetes: true });
    good = manifest(result.cwd, 'deploy/kubernetes/deployment.yaml');
  });
  const c = (/** @type {any} */ d) => d.spec.template.spec.containers[0];
  const mutations = [
    ['root user', (d) => (d.spec.template.spec.securityContext.runAsUser = 0), /^runAsUser: 65532 \(found 0\)$/],
    ['runAsNonRoot dropped', (d) => delete d.spec.template.spec.securityContext.runAsNonRoot, /^runAsNonRoot/],
    ['no seccomp profile', (d) => delete d.spec.template.spec.securityContext.seccompProfile, /^seccompProfile/],
    ['writable root', (d) => (c(d).securityContext.readOnlyRootFilesystem = false), /^readOnlyRootFilesystem/],
    [
      'privilege escalation',
      (d) => (c(d).securityContext.allowPrivilegeEscalation = true),
      /^allowPrivilegeEscalation/,
    ],
    ['capabilities kept', (d) => (c(d).securityContext.capabilities.drop = []), /^capabilities\.drop/],
    [
      'liveness on a wrong path',
      (d) => (c(d).livenessProbe.httpGet.path = '/health'),
      /^livenessProbe GET \/healthz \(found \/health\)$/,
    ],
    ['readiness on /healthz', (d) => (c(d).readinessProbe.httpGet.path = '/healthz'), /^readinessProbe GET \/readyz/],
    ['no startup probe', (d) => delete c(d).startupProbe, /^startupProbe/],
    ['probe on another port', (d) => (c(d).livenessProbe.httpGet.port = 9), /^livenessProbe on port 9090$/],
    [
      'grace shorter than the drain',
      (d) => (d.spec.template.spec.terminationGracePeriodSeconds = 5),
      /^terminationGracePeriodSeconds 5 ≥/,
    ],
    [
      'a longer drain, same grace',
      (d) => (c(d).env.find((e) => e.name === 'SHUTDOWN_TIMEOUT').value = '30s'),
      /^terminationGracePeriodSeconds 10 ≥ .*\(32\)/,
    ],
    ['slow readiness', (d) => (c(d).readinessProbe.periodSeconds = 10), /^readiness fails within SHUTDOWN_DELAY/],
    [
      'GOMEMLIMIT typed',
      (d) => (c(d).env.find((e) => e.name === 'GOMEMLIMIT').valueFrom = undefined),
      /^GOMEMLIMIT from limits\.memory/,
    ],
    ['no memory limit', (d) => delete c(d).resources.limits, /^a memory limit$/],
    ['another port', (d) => (c(d).ports[0].containerPort = 8080), /^containerPort 9090$/],
    ['a dotted object name', (d) => (d.metadata.name = 'my.svc'), /^RFC 1035 names/],
  ];
  for (const [title, mutate, expected] of mutations) {
    it(title, () => {
      const broken = JSON.parse(JSON.stringify(good));
      mutate(broken);
      const problems = deploymentProblems(broken, { port: 9090, name: 'svc' });
      assert.ok(
        problems.some((p) => expected.test(p)),
        `expected ${expected} among: ${JSON.stringify(problems)}`,
      );
    });
  }
});
