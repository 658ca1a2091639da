// Issue 18, the service options through the generator: what each writes and pins, what the
// default leaves out, the combinations refused in one line with nothing written, the
// ServiceMonitor question asked only where it means something, and `go-minimal docker` on an
// existing module writing none of it. The generated code's own behaviour is proved by its
// `go test` (test/e2e/service.test.mjs runs it) and on the running image.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { APP, CLI, FIXED, FIXTURES, helpers, runYes, withTty } from './helpers/generate.mjs';
import { SERVICE_FILES } from '../dist/generators/app/files.js';
import {
  MIN_GO_MINOR_FOR,
  OPENAPI_MODULES,
  OTEL_MODULES,
  PROMETHEUS_MODULES,
  moduleGoConflict,
  requiredModules,
} from '../dist/image/modules.js';
import { serviceMonitorConflict } from '../dist/options/validate.js';

const SERVICE_DESTS = Object.values(SERVICE_FILES)
  .flat()
  .map((f) => f.dest);
const ALL_ON = { goVersion: '1.26', metrics: 'prometheus', tracing: 'otel', pprof: true, openapi: true };
const requireLine = (m) =>
  new RegExp(`^\\t${m.path.replace(/[./]/g, '\\$&')} ${m.version.replace(/\./g, '\\.')}$`, 'm');

describe('the default project', () => {
  let result;
  before(async () => {
    result = await runYes();
  });
  it('writes middleware.go, its test and echo.go, and none of the options’ files', () => {
    result.assertFile(['middleware.go', 'middleware_test.go', 'echo.go']);
    result.assertNoFile(SERVICE_DESTS);
  });
  it('requires no module: go.mod has no require, and no code imports one', () => {
    result.assertNoFileContent('go.mod', /require/);
    for (const f of readdirSync(result.cwd).filter((n) => n.endsWith('.go'))) {
      assert.doesNotMatch(readFileSync(join(result.cwd, f), 'utf8'), /"(github\.com|go\.opentelemetry\.io)\//, f);
    }
  });
  it('main.go wires the middleware and the header limit, and reads LOG_LEVEL', () => {
    result.assertFileContent('main.go', /Handler: +newService\(&ready, logger\)/);
    result.assertFileContent('main.go', /MaxHeaderBytes: +maxHeaderBytes,/);
    result.assertFileContent('main.go', /logLevelEnv\(getenv\("LOG_LEVEL"\)\)/);
    result.assertNoFileContent('main.go', /setupTracing|startPprof|PPROF_ADDR/);
  });
  it('middleware.go holds no metrics, tracing or OpenAPI line', () =>
    result.assertNoFileContent('middleware.go', /metrics|startSpan|traceAttrs|serveOpenAPI/));
  it('stores the options, off', () => {
    const stored = JSON.parse(readFileSync(join(result.cwd, '.yo-rc.json'), 'utf8'))['generator-go-minimal'];
    assert.deepEqual(
      [stored.metrics, stored.tracing, stored.pprof, stored.openapi, stored.serviceMonitor],
      ['none', 'none', false, false, false],
    );
  });
});

describe('every service option on (--skip-install: go.mod as the template writes it)', () => {
  let result;
  before(async () => {
    result = await runYes(ALL_ON);
  });
  it('writes each option’s code, its test and the OpenAPI document', () => result.assertFile(SERVICE_DESTS));
  it('go.mod pins every module of the table, sorted', () => {
    const mods = [...PROMETHEUS_MODULES, ...OTEL_MODULES, ...OPENAPI_MODULES];
    for (const m of mods) result.assertFileContent('go.mod', requireLine(m));
    const order = readFileSync(join(result.cwd, 'go.mod'), 'utf8').match(/^\t\S+/gm);
    assert.deepEqual(order, [...order].sort());
  });
  it('middleware.go records metrics and spans, and serves /metrics and /openapi.yaml', () => {
    result.assertFileContent('middleware.go', /metrics\.observe\(route, /);
    result.assertFileContent('middleware.go', /startSpan\(r, route\)/);
    result.assertFileContent('middleware.go', /mux\.Handle\("GET \/metrics", metrics\.handler\(\)\)/);
    result.assertFileContent('middleware.go', /mux\.HandleFunc\("GET \/openapi\.yaml", serveOpenAPI\)/);
  });
  it('main.go sets tracing up, flushes it in the drain and starts pprof', () => {
    result.assertFileContent('main.go', /setupTracing\(ctx, getenv\)/);
    result.assertFileContent('main.go', /shutdownTracing\(drainCtx\)/);
    result.assertFileContent('main.go', /startPprof\(ctx, cfg\.pprofAddr, logger\)/);
  });
  it('the OpenAPI document is 3.1 and lists /metrics', () => {
    result.assertFileContent('api/openapi.yaml', /^openapi: 3\.1\.0$/m);
    result.assertFileContent('api/openapi.yaml', /^ {2}\/metrics:$/m);
  });
  it('tracing.go names its tracer after the module', () =>
    result.assertFileContent('tracing.go', /const tracerName = "example\.com\/[^"]+"/));
});

describe('one option at a time', () => {
  for (const [name, options, files] of [
    ['metrics', { metrics: 'prometheus' }, SERVICE_FILES.metrics],
    ['tracing', { tracing: 'otel' }, SERVICE_FILES.tracing],
    ['pprof', { pprof: true }, SERVICE_FILES.pprof],
    ['openapi', { openapi: true }, SERVICE_FILES.openapi],
  ]) {
    it(`--${name} writes its files and no other option's`, async () => {
      const result = await runYes({ goVersion: '1.26', ...options });
      result.assertFile(files.map((f) => f.dest));
      result.assertNoFile(SERVICE_DESTS.filter((d) => !files.some((f) => f.dest === d)));
      if (name === 'pprof') result.assertNoFileContent('go.mod', /require/);
    });
  }
  it('the OpenAPI document without --metrics has no /metrics', async () => {
    const result = await runYes({ goVersion: '1.26', openapi: true });
    result.assertNoFileContent('api/openapi.yaml', /\/metrics/);
  });
});

describe('combinations refused in one line, nothing written', () => {
  const cases = [
    [
      ['--metrics', 'prometheus', '--go-version', '1.25'],
      /^go-minimal: Invalid --metrics "prometheus" with --go-version 1\.25: client_golang v[\d.]+ needs Go 1\.26 or newer; use --go-version 1\.26 or newer, or --metrics none\.$/,
    ],
    [
      ['--tracing', 'otel', '--go-version', '1.22'],
      /^go-minimal: Invalid --tracing "otel" with --go-version 1\.22: OpenTelemetry v[\d.]+ needs Go 1\.26/,
    ],
    [
      ['--openapi', '--go-version', '1.24'],
      /^go-minimal: Invalid --openapi with --go-version 1\.24: kin-openapi v[\d.]+ \(in openapi_test\.go\) needs Go 1\.25/,
    ],
    [
      ['--service-monitor', '--metrics', 'prometheus', '--go-version', '1.26'],
      /^go-minimal: Invalid --service-monitor without --kubernetes/,
    ],
    [
      ['--service-monitor', '--kubernetes', '--go-version', '1.26'],
      /^go-minimal: Invalid --service-monitor with --metrics none/,
    ],
    [['--metrics', 'statsd'], /^go-minimal: Invalid --metrics "statsd": use one of: prometheus, none\.$/],
    [['--tracing', 'jaeger'], /^go-minimal: Invalid --tracing "jaeger": use one of: otel, none\.$/],
  ];
  for (const [flags, message] of cases) {
    it(flags.join(' '), () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'gm-svc-bad-')), 'svc');
      const r = spawnSync(process.execPath, [CLI, dir, '--yes', '--skip-install', ...flags], { encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr.trim(), message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!existsSync(dir), 'something was written');
    });
  }
  it('the tables agree: each option’s oldest Go is refused below and accepted at it', () => {
    for (const [key, answers] of [
      ['metrics', { metrics: 'prometheus' }],
      ['tracing', { tracing: 'otel' }],
      ['openapi', { openapi: true }],
    ]) {
      const min = MIN_GO_MINOR_FOR[key];
      assert.ok(moduleGoConflict({ ...answers, goVersion: `1.${min - 1}` }), key);
      assert.equal(moduleGoConflict({ ...answers, goVersion: `1.${min}` }), undefined, key);
    }
    assert.deepEqual(requiredModules({ metrics: 'none', tracing: 'none', openapi: false }), []);
    assert.equal(serviceMonitorConflict({ serviceMonitor: true, kubernetes: true, metrics: 'prometheus' }), undefined);
  });
});

describe('--kubernetes with --metrics prometheus', () => {
  it('annotates the pod for annotation-based scrapes; the ServiceMonitor only with its flag', async () => {
    const plain = await runYes({ goVersion: '1.26', kubernetes: true, metrics: 'prometheus' });
    plain.assertFileContent('deploy/kubernetes/deployment.yaml', /^ {8}prometheus\.io\/scrape: "true"$/m);
    plain.assertFileContent('deploy/kubernetes/deployment.yaml', /^ {8}prometheus\.io\/port: "8080"$/m);
    plain.assertNoFile('deploy/kubernetes/servicemonitor.yaml');
    plain.assertNoFileContent('deploy/kubernetes/kustomization.yaml', /servicemonitor/);

    const sm = await runYes({ goVersion: '1.26', kubernetes: true, metrics: 'prometheus', serviceMonitor: true });
    sm.assertFileContent('deploy/kubernetes/servicemonitor.yaml', /^kind: ServiceMonitor$/m);
    sm.assertFileContent('deploy/kubernetes/servicemonitor.yaml', /^ {4}- port: http\n {6}path: \/metrics$/m);
    sm.assertFileContent('deploy/kubernetes/kustomization.yaml', /^ {2}- servicemonitor\.yaml$/m);
  });
  it('without metrics the pod has no scrape annotation', async () => {
    const r = await runYes({ goVersion: '1.26', kubernetes: true });
    r.assertNoFileContent('deploy/kubernetes/deployment.yaml', /prometheus\.io/);
  });
});

describe('prompts', () => {
  const ask = (answers) => {
    const restore = withTty();
    return helpers
      .run(APP)
      .withOptions({ skipInstall: true, ...FIXED, goVersion: '1.26' })
      .withAnswers(answers)
      .finally(restore);
  };
  it('asks metrics, tracing, pprof and openapi; the ServiceMonitor only with Kubernetes and Prometheus', async () => {
    const without = await ask({ kubernetes: false, metrics: 'prometheus' });
    const asked = without.askedQuestions.map((q) => q.name);
    for (const n of ['metrics', 'tracing', 'pprof', 'openapi']) assert.ok(asked.includes(n), `${n} not asked`);
    assert.ok(!asked.includes('serviceMonitor'), 'serviceMonitor asked without --kubernetes');
    assert.equal(
      JSON.parse(readFileSync(join(without.cwd, '.yo-rc.json'), 'utf8'))['generator-go-minimal'].serviceMonitor,
      false,
    );

    const withK8s = await ask({ kubernetes: true, metrics: 'prometheus', serviceMonitor: true });
    assert.ok(withK8s.askedQuestions.some((q) => q.name === 'serviceMonitor'));
    withK8s.assertFile('deploy/kubernetes/servicemonitor.yaml');
  });
});

describe('go-minimal docker on an existing module (item 6: it never edits the code)', () => {
  it('writes none of the service files, and the code is untouched', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-svc-docker-')), 'api');
    cpSync(join(FIXTURES, 'cmd-api'), dir, { recursive: true });
    const before = readFileSync(join(dir, 'cmd/api/main.go'), 'utf8');
    const r = spawnSync(process.execPath, [CLI, 'docker', dir, '--yes', '--main', './cmd/api'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const f of [...SERVICE_DESTS, 'middleware.go', 'echo.go']) assert.ok(!existsSync(join(dir, f)), f);
    assert.equal(readFileSync(join(dir, 'cmd/api/main.go'), 'utf8'), before);
    const stored = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-go-minimal'];
    assert.deepEqual([stored.metrics, stored.tracing, stored.pprof, stored.openapi], ['none', 'none', false, false]);
  });
});
