// The app generator through yeoman-test: each option's effect, the non-interactive contract and
// stored answers (prompts, existing files and the install step: test/app-interactive.test.mjs).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { before, describe, it } from 'node:test';
import { APP, FIXED, helpers, runYes, ttyInSuite } from './helpers/generate.mjs';
import { APP_FILES } from '../dist/generators/app/files.js';
import { DOCKER_FILES } from '../dist/image/files.js';

const EXPECTED_FILES = [...APP_FILES, ...DOCKER_FILES].map((f) => f.dest);

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
describe('--yes with defaults', () => {
  let result;
  before(async () => {
    result = await runYes();
  });
  it('writes every file', () => result.assertFile([...EXPECTED_FILES, '.yo-rc.json']));
  it('asks no question', () => assert.deepEqual(result.askedQuestions, []));
  it('stores every answer', () => {
    const stored = JSON.parse(readFileSync(join(result.cwd, '.yo-rc.json'), 'utf8'))['generator-go-minimal'];
    assert.deepEqual(Object.keys(stored).sort(), [
      'backstage',
      'base',
      'bot',
      'cgo',
      'ci',
      'compose',
      'generator',
      'generatorPackage',
      'generatorVersion',
      'goVersion',
      'healthcheck',
      'kubernetes',
      'main',
      'metrics',
      'modulePath',
      'name',
      'openapi',
      'port',
      'pprof',
      'serviceMonitor',
      'tracing',
    ]);
    assert.equal(stored.main, '.');
    assert.equal(stored.cgo, false);
    assert.equal(stored.port, 8080);
    assert.equal(stored.base, 'scratch');
    assert.equal(stored.healthcheck, true);
  });
  it('stores dotfiles under their real names', () => {
    result.assertFile(['.gitignore', '.dockerignore', '.editorconfig']);
    result.assertNoFile(['gitignore', 'dockerignore']);
  });
  it('go.mod has the module and go directive and no requires', () => {
    const name = JSON.parse(readFileSync(join(result.cwd, '.yo-rc.json'), 'utf8'))['generator-go-minimal'].name;
    result.assertFileContent(
      'go.mod',
      new RegExp(`^module example\\.com/${name.replace(/\./g, '\\.')}\\n\\ngo 1\\.23\\n$`),
    );
    result.assertNoFileContent('go.mod', /require/);
  });
  it('the Dockerfile builds on the Go version and ends on scratch, with no RUN in the final stage', () => {
    result.assertFileContent('Dockerfile', /^FROM --platform=\$BUILDPLATFORM golang:1\.23-alpine AS build$/m);
    result.assertFileContent('Dockerfile', /^FROM scratch$/m);
    // Cross-compiles for the target platform: nothing hard-coded to amd64.
    result.assertFileContent('Dockerfile', /^ARG TARGETOS TARGETARCH VERSION=dev$/m);
    result.assertFileContent('Dockerfile', /GOOS=\$TARGETOS GOARCH=\$TARGETARCH/);
    result.assertNoFileContent('Dockerfile', /amd64|arm64/);
    const final = readFileSync(join(result.cwd, 'Dockerfile'), 'utf8')
      .split(/^FROM /m)
      .at(-1);
    assert.doesNotMatch(final, /^RUN /m);
    // One COPY, last: a code change re-runs one instruction of the final stage.
    assert.deepEqual(final.match(/^COPY .*/gm), ['COPY --from=build /out/ /']);
    assert.match(final, /COPY --from=build \/out\/ \/\n$/);
    assert.match(final, /^USER 65532:65532$/m);
    assert.match(final, /^EXPOSE 8080$/m);
  });
  it('.dockerignore keeps secrets and .git out, and go.sum and vendor in', () => {
    for (const p of [/^\.git$/m, /^\.env$/m, /^\.env\.\*$/m, /^\*\.pem$/m, /^\*\.key$/m, /^bin\/$/m]) {
      result.assertFileContent('.dockerignore', p);
    }
    result.assertNoFileContent('.dockerignore', /^[^#].*go\.sum/m);
    result.assertNoFileContent('.dockerignore', /^[^#]*vendor/m);
  });
  it('the Makefile builds with the same flags as the image and defaults to help', () => {
    result.assertFileContent('Makefile', /^\.DEFAULT_GOAL := help$/m);
    result.assertFileContent('Makefile', /^LDFLAGS {8}:= -s -w -X main\.version=\$\(VERSION\)$/m);
    result.assertFileContent('docker.mk', /^DOCKER \?= docker$/m);
    result.assertFileContent('Makefile', /^-include docker\.mk$/m);
    result.assertFileContent('Makefile', /git describe --tags --always --dirty 2>\/dev\/null \|\| echo dev/);
    result.assertFileContent('Dockerfile', /-trimpath -buildvcs=false -ldflags="-s -w -X main\.version=\$\{VERSION\}"/);
    for (const target of ['help', 'build', 'run', 'test', 'vet', 'fmt', 'tidy', 'clean']) {
      result.assertFileContent('Makefile', new RegExp(`^${target}:.*## `, 'm'));
    }
    for (const target of ['docker-build', 'docker-run']) {
      result.assertFileContent('docker.mk', new RegExp(`^${target}:.*## `, 'm'));
    }
  });
});

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
describe('each option', () => {
  const cases = [
    {
      title: 'name sets the binary, image and entrypoint',
      options: { name: 'my.svc' },
      yes: {
        Dockerfile: [/^ENTRYPOINT \["\/usr\/local\/bin\/my\.svc"\]$/m, /-o \/out\/usr\/local\/bin\/my\.svc \./],
        Makefile: [/^BINARY {2}:= my\.svc$/m],
      },
      no: { Dockerfile: [/ENTRYPOINT \["\/usr\/local\/bin\/(?!my\.svc)/] },
    },
    {
      title: 'modulePath sets go.mod',
      options: { modulePath: 'example.com/Team-A/my-svc/v2' },
      yes: { 'go.mod': [/^module example\.com\/Team-A\/my-svc\/v2$/m] },
      no: { 'go.mod': [/^module example\.com\/[^T]/m] },
    },
    {
      title: 'goVersion sets the go directive and the builder',
      options: { goVersion: '1.22.4' },
      yes: { 'go.mod': [/^go 1\.22\.4$/m], Dockerfile: [/golang:1\.22\.4-alpine AS build/] },
      no: { Dockerfile: [/golang:1\.23/] },
    },
    {
      title: 'base distroless: distroless static nonroot, no copied passwd',
      options: { base: 'distroless' },
      yes: {
        Dockerfile: [
          /^FROM --platform=\$TARGETPLATFORM gcr\.io\/distroless\/static-debian13:nonroot$/m,
          /^USER 65532:65532$/m,
        ],
      },
      no: { Dockerfile: [/^FROM scratch/m, /\/out\/etc\/passwd/, /ca-certificates/] },
    },
    {
      title: 'base alpine: alpine with the builder CA bundle',
      options: { base: 'alpine' },
      yes: {
        Dockerfile: [
          /^FROM --platform=\$TARGETPLATFORM alpine:3\.\d+$/m,
          /cp \/etc\/ssl\/certs\/ca-certificates\.crt \/out\/etc\/ssl\/certs\/$/m,
        ],
      },
      no: { Dockerfile: [/^FROM scratch/m, /\/out\/etc\/passwd/] },
    },
    {
      title: 'base scratch: CA bundle and passwd from the builder',
      options: { base: 'scratch' },
      yes: { Dockerfile: [/^FROM scratch$/m, /> \/out\/etc\/passwd && \\$/m, /> \/out\/etc\/group$/m] },
      no: { Dockerfile: [/distroless/, /^FROM --platform=\$TARGETPLATFORM alpine/m] },
    },
    {
      title: 'port sets EXPOSE, the Go default and the Makefile',
      options: { port: '9090' },
      yes: { Dockerfile: [/^EXPOSE 9090$/m], 'main.go': [/9090/], Makefile: [/^PORT {4}\?= 9090$/m] },
      no: { Dockerfile: [/8080/], 'main.go': [/8080/] },
    },
    {
      title: 'healthcheck on: HEALTHCHECK in exec form and a -healthcheck flag',
      options: { healthcheck: true },
      yes: { Dockerfile: [/^ {4}CMD \["\/usr\/local\/bin\/[^"]+", "-healthcheck"\]$/m], 'main.go': [/"healthcheck"/] },
      no: {},
    },
    {
      title: 'healthcheck off: no HEALTHCHECK and no -healthcheck flag',
      options: { healthcheck: false },
      yes: {},
      no: { Dockerfile: [/HEALTHCHECK/], 'main.go': [/"healthcheck"/], 'README.md': [/HEALTHCHECK/] },
    },
  ];
  for (const c of cases) {
    describe(c.title, () => {
      let result;
      before(async () => {
        result = await runYes(c.options);
      });
      for (const [file, patterns] of Object.entries(c.yes)) {
        it(`${file} has ${patterns.join(', ')}`, () => patterns.forEach((p) => result.assertFileContent(file, p)));
      }
      for (const [file, patterns] of Object.entries(c.no)) {
        it(`${file} lacks ${patterns.join(', ')}`, () => patterns.forEach((p) => result.assertNoFileContent(file, p)));
      }
    });
  }
});

describe('bad flags: one-line error, nothing written', () => {
  const bad = [
    ['name', 'Bad Name', /^Invalid --name "Bad Name": use lowercase/],
    ['modulePath', 'example.com/x/v1', /^Invalid --module-path "example\.com\/x\/v1": invalid major version/],
    [
      'goVersion',
      '1.21',
      /^Invalid --go-version "1\.21": use 1\.N or 1\.N\.P with N from 22 to 27 and P from 0 to 99, e\.g\. 1\.27\.$/,
    ],
    [
      'goVersion',
      '1.99',
      /^Invalid --go-version "1\.99": newer than the newest Go release known here \(1\.27\) and the local Go \((1\.2[0-9]|none)\); use/,
    ],
    ['name', 'svc-', /^Invalid --name "svc-": use lowercase letters and digits, joined by/],
    ['name', 'svc.', /^Invalid --name "svc\.": use lowercase/],
    ['name', 'a..b', /^Invalid --name "a\.\.b": use lowercase/],
    ['name', 'a___b', /^Invalid --name "a___b": use lowercase/],
    ['base', 'debian', /^Invalid --base "debian": use one of: scratch, distroless, alpine\.$/],
    ['port', '0', /^Invalid --port "0": use a number from 1 to 65535\.$/],
  ];
  for (const [option, value, message] of bad) {
    it(`--${option} ${value}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gm-bad-'));
      await assert.rejects(runYes({ [option]: value }).cd(dir), (error) => {
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      });
      assert.deepEqual(readdirSync(dir), []);
    });
  }
});

describe('stored answers (.yo-rc.json)', () => {
  ttyInSuite();

  it('a re-run asks nothing already answered', async () => {
    const stored = {
      name: 'kept',
      modulePath: 'example.com/kept',
      goVersion: '1.22',
      base: 'alpine',
      port: 7070,
      healthcheck: false,
      ci: 'gitlab',
      bot: 'none',
      kubernetes: true,
      compose: false,
      metrics: 'none',
      tracing: 'none',
      pprof: false,
      openapi: false,
      serviceMonitor: false,
      backstage: false,
    };
    const result = await helpers
      .run(APP)
      .withOptions({ skipInstall: true })
      .withYoRcConfig('generator-go-minimal', stored)
      .withAnswers({}, { throwOnMissingAnswer: true });
    assert.deepEqual(result.askedQuestions, []);
    result.assertFileContent('Dockerfile', /^FROM --platform=\$TARGETPLATFORM alpine:/m);
    result.assertFileContent('go.mod', /^go 1\.22$/m);
    result.assertNoFileContent('Dockerfile', /HEALTHCHECK/);
    result.assertFile('.gitlab-ci.yml');
    result.assertNoFile(['.github/workflows/ci.yml', 'renovate.json']);
    result.assertFileContent('deploy/kubernetes/deployment.yaml', /^ {14}containerPort: 7070$/m);
    result.assertNoFile('compose.yaml');
  });
  it('asks only what is not stored or flagged', async () => {
    const result = await helpers
      .run(APP)
      .withOptions({ skipInstall: true, port: '9000', ci: 'none' })
      .withYoRcConfig('generator-go-minimal', {
        name: 'half',
        base: 'distroless',
        bot: 'none',
        kubernetes: false,
        compose: true,
        backstage: false,
      })
      .withAnswers({ modulePath: 'example.com/half', goVersion: '1.23', healthcheck: true });
    // The service options are asked too (their defaults taken); the ServiceMonitor is not, without Kubernetes.
    assert.deepEqual(result.askedQuestions.map((q) => q.name).sort(), [
      'goVersion',
      'healthcheck',
      'metrics',
      'modulePath',
      'openapi',
      'pprof',
      'tracing',
    ]);
  });
  it('flags override stored answers, and the new value is stored', async () => {
    const result = await helpers
      .run(APP)
      .withOptions({ yes: true, skipInstall: true, base: 'scratch', ...FIXED })
      .withYoRcConfig('generator-go-minimal', { name: 'x', base: 'alpine' });
    result.assertFileContent('Dockerfile', /^FROM scratch$/m);
    result.assertJsonFileContent('.yo-rc.json', { 'generator-go-minimal': { base: 'scratch', name: 'x' } });
  });
  it('a bad stored answer is an error naming the file, and nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-stored-'));
    const yorc = JSON.stringify({ 'generator-go-minimal': { port: 'http' } });
    writeFileSync(join(dir, '.yo-rc.json'), yorc);
    await assert.rejects(runYes().cd(dir), { message: /^Invalid port "http" in \.yo-rc\.json: use a number/ });
    assert.deepEqual(readdirSync(dir), ['.yo-rc.json']);
    assert.equal(readFileSync(join(dir, '.yo-rc.json'), 'utf8'), yorc);
  });
});

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
