// The docker generator (`yo go-minimal:docker`) on fixture Go projects: what it detects from
// go.mod and the code, what it writes (and does not), and its one-line errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tree } from '../engine/index.mjs';
import { CLI, DOCKER, FIXTURES, helpers, ttyInSuite, withTty } from './helpers/generate.mjs';

/** A copy of a fixture in a temp folder. */
function fixture(name) {
  const dir = join(mkdtempSync(join(tmpdir(), `gm-fx-${name}-`)), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

const runDocker = (name, options = {}) =>
  helpers
    .run(DOCKER)
    .cd(fixture(name))
    .withOptions({ yes: true, skipInstall: true, ...options });

/** Files in dir, sorted. */
// Every file, recursively (verify/image_test.go is in a folder).
const files = (dir) => tree(dir);

describe('docker generator: root main package', () => {
  let result;
  before(async () => {
    result = await runDocker('root-main');
  });
  it('writes the Dockerfile, .dockerignore, docker.mk and verify/image_test.go', () =>
    result.assertFile(['Dockerfile', '.dockerignore', 'docker.mk', 'verify/image_test.go']));
  it('writes nothing else (no go.mod, main.go, README changes)', () => {
    assert.deepEqual(files(result.cwd), [
      '.dockerignore',
      '.github/workflows/ci.yml',
      '.github/workflows/release.yml',
      '.yo-rc.json',
      'Dockerfile',
      'docker.mk',
      'go.mod',
      'main.go',
      'renovate.json',
      'verify/image_test.go',
    ]);
  });
  it('takes the Go version from go.mod (toolchain directive)', () =>
    result.assertFileContent('Dockerfile', /^FROM --platform=\$BUILDPLATFORM golang:1\.23\.4-alpine AS build$/m));
  it('keeps the HEALTHCHECK: the code has a -healthcheck flag', () =>
    result.assertFileContent(
      'Dockerfile',
      /HEALTHCHECK .*\n {4}CMD \["\/usr\/local\/bin\/root-main", "-healthcheck"\]/,
    ));
  it('takes the port from the code', () => result.assertFileContent('Dockerfile', /^EXPOSE 9000$/m));
  it('builds the root package, statically, into the default base', () => {
    result.assertFileContent('Dockerfile', /CGO_ENABLED=0 GOOS/);
    result.assertFileContent('Dockerfile', /-o \/out\/usr\/local\/bin\/root-main \.$/m);
    result.assertFileContent('Dockerfile', /^FROM scratch$/m);
  });
});

describe('docker generator: cmd/a + cmd/b', () => {
  it('without --main, non-interactively: one line listing the choices, nothing written', async () => {
    const dir = fixture('cmd-multi');
    const before = files(dir);
    await assert.rejects(helpers.run(DOCKER).cd(dir).withOptions({ yes: true }), {
      message: /^Several main packages \(\.\/cmd\/a, \.\/cmd\/b\): choose one with --main, e\.g\. --main \.\/cmd\/a\.$/,
    });
    assert.deepEqual(files(dir), before);
  });
  it('--main ./cmd/b builds that package and names the image after it', async () => {
    const result = await runDocker('cmd-multi', { main: './cmd/b' });
    result.assertFileContent('Dockerfile', /-o \/out\/usr\/local\/bin\/b \.\/cmd\/b$/m);
    result.assertFileContent('docker.mk', /^IMAGE {2}\?= b$/m);
  });
  it('asks which main package interactively, among the detected ones', async () => {
    const restore = withTty();
    try {
      const result = await helpers
        .run(DOCKER)
        .cd(fixture('cmd-multi'))
        .withOptions({ skipInstall: true })
        .withAnswers(
          {
            main: './cmd/a',
            cgo: false,
            name: 'a',
            base: 'distroless',
            port: '8080',
            ci: 'none',
            bot: 'none',
            kubernetes: true,
            compose: false,
          },
          {
            callback(answer, { question }) {
              if (question.name === 'main')
                assert.deepEqual(
                  question.choices.map((c) => c.value ?? c),
                  ['./cmd/a', './cmd/b'],
                );
              return answer;
            },
          },
        );
      assert.deepEqual(
        result.askedQuestions.map((q) => q.name),
        ['main', 'cgo', 'name', 'base', 'port', 'ci', 'bot', 'kubernetes', 'compose'],
      );
      result.assertFileContent('Dockerfile', /-o \/out\/usr\/local\/bin\/a \.\/cmd\/a$/m);
      // go-minimal docker offers the manifests for an existing module too.
      result.assertFileContent('deploy/kubernetes/deployment.yaml', /^ {10}image: "a"$/m);
      result.assertNoFile('compose.yaml');
    } finally {
      restore();
    }
  });
  it('--main that is not a main package: one line, nothing written', async () => {
    const dir = fixture('cmd-multi');
    await assert.rejects(helpers.run(DOCKER).cd(dir).withOptions({ yes: true, main: './internal/lib' }), {
      message: 'Invalid --main "./internal/lib": not a main package; use one of: ./cmd/a, ./cmd/b.',
    });
    assert.deepEqual(files(dir), ['cmd/a/main.go', 'cmd/b/main.go', 'go.mod', 'internal/lib/lib.go']);
  });
  it('no HEALTHCHECK without a -healthcheck flag', async () => {
    const result = await runDocker('cmd-multi', { main: './cmd/a' });
    result.assertNoFileContent('Dockerfile', /HEALTHCHECK/);
  });
});

describe('docker generator: cgo', () => {
  it('refuses scratch, explaining why, and writes nothing', async () => {
    const dir = fixture('cgo');
    await assert.rejects(helpers.run(DOCKER).cd(dir).withOptions({ yes: true, base: 'scratch' }), {
      message: /^cgo is on \(main\.go imports "C"\), but the scratch image has no C library.*--base alpine.*--no-cgo/,
    });
    assert.deepEqual(files(dir), ['go.mod', 'main.go']);
  });
  it('defaults to alpine with cgo: gcc in the builder, CGO_ENABLED=1', async () => {
    const result = await runDocker('cgo');
    result.assertFileContent('Dockerfile', /^FROM --platform=\$TARGETPLATFORM alpine:3\.\d+$/m);
    result.assertFileContent('Dockerfile', /^RUN apk add --no-cache gcc musl-dev$/m);
    result.assertFileContent('Dockerfile', /CGO_ENABLED=1 GOOS/);
  });
  it('cgo: the builder runs on the target platform, and no comment claims a cross-compile or a static binary', async () => {
    const result = await runDocker('cgo');
    result.assertFileContent('Dockerfile', /^FROM --platform=\$TARGETPLATFORM golang:\S+ AS build$/m);
    result.assertFileContent('Dockerfile', /under emulation/);
    result.assertFileContent('Dockerfile', /^# cgo: a Go binary linked against musl \(cgo\) on alpine/m);
    result.assertNoFileContent(
      'Dockerfile',
      /BUILDPLATFORM|cross-compiles|need no emulation|static|shared by every target/,
    );
  });
  it('--no-cgo insists on a static build', async () => {
    const result = await runDocker('cgo', { cgo: false, base: 'distroless' });
    result.assertFileContent('Dockerfile', /CGO_ENABLED=0 GOOS/);
    result.assertNoFileContent('Dockerfile', /apk add/);
    result.assertFileContent('Dockerfile', /^FROM --platform=\$BUILDPLATFORM golang:\S+ AS build$/m);
    // The builder is not emulated: only the final stage names the target platform.
    result.assertNoFileContent('Dockerfile', /^FROM --platform=\$TARGETPLATFORM \S+ AS build$/m);
  });
  it('a cgo-only require counts as cgo', async () => {
    const dir = fixture('with-requires');
    await assert.rejects(helpers.run(DOCKER).cd(dir).withOptions({ yes: true, base: 'distroless' }), {
      message: /requires github\.com\/mattn\/go-sqlite3/,
    });
  });
});

describe('docker generator: requires and go.sum', () => {
  it('downloads modules in a cached layer, go.sum or not', async () => {
    const result = await runDocker('with-requires', { cgo: false });
    result.assertFileContent('Dockerfile', /^COPY go\.mod go\.sum\* \.\/$/m);
    result.assertFileContent(
      'Dockerfile',
      /--mount=type=cache,target=\/go\/pkg\/mod \\\n {4}--mount=type=secret,id=netrc,target=\/root\/\.netrc \\\n {4}go mod download/,
    );
  });
  it("passes the host's module settings and a netrc to the builder's download and build, not further", async () => {
    const result = await runDocker('with-requires', { cgo: false });
    const text = readFileSync(join(result.cwd, 'Dockerfile'), 'utf8');
    const [builder, final] = text.split(/^FROM .*(?<! AS build)$/m);
    // Declared before the download, so it is in scope there and in the build RUN after it.
    const arg = builder.indexOf('\nARG GOPROXY GONOSUMDB GOPRIVATE GOFLAGS\n');
    assert.ok(arg > 0 && arg < builder.indexOf('go mod download'), 'ARG line before go mod download');
    const secret = /--mount=type=secret,id=netrc,target=\/root\/\.netrc \\\n/g;
    assert.equal(builder.match(secret)?.length, 2, 'netrc secret on the download and the build RUN');
    assert.doesNotMatch(final, /GOPROXY|GONOSUMDB|GOPRIVATE|GOFLAGS|netrc/);
  });
  it('docker.mk passes them from go env, quotes every build arg, and takes DOCKER_BUILD_FLAGS', async () => {
    const result = await runDocker('with-requires', { cgo: false });
    for (const v of ['GOPROXY', 'GONOSUMDB', 'GOPRIVATE', 'GOFLAGS']) {
      result.assertFileContent('docker.mk', new RegExp(`^${v} +\\?= \\$\\(shell go env ${v} 2>/dev/null\\)$`, 'm'));
    }
    const mk = readFileSync(join(result.cwd, 'docker.mk'), 'utf8');
    const args = mk.match(/--build-arg \S+/g) ?? [];
    // The nine of every engine, and BUILDPLATFORM for podman, which leaves it empty.
    assert.equal(args.length, 10);
    for (const a of args) assert.match(a, /^--build-arg '[A-Z_]+=\$\([A-Z_]+\)'$/);
    assert.match(mk, /^DOCKER_BUILD_FLAGS \?=$/m);
    assert.match(mk, /\$\(DOCKER\) build \$\(DOCKER_BUILD_FLAGS\) /);
    assert.match(mk, /git rev-parse --verify -q HEAD 2>\/dev\/null \|\| echo unknown/);
  });
});

describe('docker generator: an existing Makefile', () => {
  it('is not replaced; non-interactively the include line is not added without --force', async () => {
    // yeoman-test passes force: true unless told otherwise.
    const result = await runDocker('with-makefile', { force: false });
    assert.equal(readFileSync(join(result.cwd, 'Makefile'), 'utf8'), '# my own Makefile\nall:\n\tgo build ./...\n');
    result.assertFile('docker.mk');
  });
  it('with --force, gets one include line and keeps its content', async () => {
    const result = await runDocker('with-makefile', { force: true });
    assert.equal(
      readFileSync(join(result.cwd, 'Makefile'), 'utf8'),
      '# my own Makefile\nall:\n\tgo build ./...\n\n# Container image targets (generator-go-minimal)\n-include docker.mk\n',
    );
  });
  it('interactively, the include line goes through the conflict prompt', async () => {
    const restore = withTty();
    try {
      const result = await helpers
        .run(DOCKER, undefined, { force: false })
        .cd(fixture('with-makefile'))
        .withOptions({ skipInstall: true })
        .withAnswers({ cgo: false, name: 'withmake', base: 'scratch', port: '8080', action: 'write' });
      assert.ok(
        result.askedQuestions.some((q) => q.name === 'action'),
        'the conflicter asked',
      );
      result.assertFileContent('Makefile', /^-include docker\.mk$/m);
    } finally {
      restore();
    }
  });
  it('a re-run with the same answers is a no-op', async () => {
    const dir = fixture('with-makefile');
    await helpers.run(DOCKER).cd(dir).withOptions({ yes: true, force: false });
    const first = Object.fromEntries(files(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    await helpers.run(DOCKER).cd(dir).withOptions({ yes: true, force: false });
    const second = Object.fromEntries(files(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    assert.deepEqual(second, first);
  });
});

describe('docker generator: bad input writes nothing', () => {
  const cases = [
    [
      'no go.mod',
      () => mkdtempSync(join(tmpdir(), 'gm-empty-')),
      /^no go\.mod in .*: run this in the root of a Go module$/,
    ],
    [
      'an unparsable go.mod',
      () => fixture('broken-gomod'),
      /^cannot parse go\.mod:6: "golang\.org\/x\/sync" is not "path version"$/,
    ],
    ['no main package', () => fixture('no-main'), /^No main package in .* or cmd\/\*: nothing to put in an image\.$/],
  ];
  for (const [title, make, message] of cases) {
    it(title, async () => {
      const dir = make();
      const before = files(dir);
      await assert.rejects(helpers.run(DOCKER).cd(dir).withOptions({ yes: true }), { message });
      assert.deepEqual(files(dir), before);
    });
  }
});

describe('docker generator: stored answers', () => {
  ttyInSuite();
  it('a re-run asks nothing already answered', async () => {
    const dir = fixture('cmd-multi');
    await helpers.run(DOCKER).cd(dir).withOptions({ yes: true, main: './cmd/b', base: 'alpine' });
    const result = await helpers.run(DOCKER).cd(dir).withAnswers({}, { throwOnMissingAnswer: true });
    assert.deepEqual(result.askedQuestions, []);
    result.assertFileContent('Dockerfile', /\.\/cmd\/b$/m);
  });
});

describe('docker generator: cmd/api with a FlagSet -healthcheck (the e2e fixture)', () => {
  it('detects the flag on a FlagSet and keeps the HEALTHCHECK', async () => {
    const result = await runDocker('cmd-api', { main: './cmd/api' });
    result.assertFileContent('Dockerfile', /CMD \["\/usr\/local\/bin\/api", "-healthcheck"\]/);
    result.assertFileContent('Dockerfile', /-o \/out\/usr\/local\/bin\/api \.\/cmd\/api$/m);
  });
});

describe('docker generator: a stored main package that no longer exists', () => {
  it('one line naming .yo-rc.json and the choices', async () => {
    const dir = fixture('cmd-multi');
    const yorc = JSON.stringify({ 'generator-go-minimal': { main: './cmd/gone' } });
    writeFileSync(join(dir, '.yo-rc.json'), yorc);
    await assert.rejects(helpers.run(DOCKER).cd(dir).withOptions({ yes: true }), {
      message: 'Invalid main "./cmd/gone" in .yo-rc.json: not a main package; use one of: ./cmd/a, ./cmd/b.',
    });
  });
});

describe('docker generator: the Go version from go.mod', () => {
  /** root-main with this go.mod, through the bin; returns its output and the builder line. */
  function withGoMod(goMod, env = {}) {
    const dir = fixture('root-main');
    writeFileSync(join(dir, 'go.mod'), goMod);
    const r = spawnSync(process.execPath, [CLI, 'docker', '--yes'], {
      cwd: dir,
      encoding: 'utf8',
      stdin: 'ignore',
      env: { ...process.env, ...env },
    });
    const dockerfile = existsSync(join(dir, 'Dockerfile')) ? readFileSync(join(dir, 'Dockerfile'), 'utf8') : '';
    return { r, dir, out: r.stdout + r.stderr, from: /^FROM --platform=\S+ (\S+) AS build$/m.exec(dockerfile)?.[1] };
  }
  it('the go line is a minimum: go 1.25.0 builds on the 1.25 image, not the 1.25.0 patch', () => {
    const { r, from } = withGoMod('module example.com/rootmain\n\ngo 1.25.0\n');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(from, 'golang:1.25-alpine');
  });
  it('a toolchain line names the exact version', () => {
    assert.equal(
      withGoMod('module example.com/rootmain\n\ngo 1.25.0\n\ntoolchain go1.26.3\n').from,
      'golang:1.26.3-alpine',
    );
  });
  it('a go.mod older than supported (go 1.16) builds with the default Go, and says so', () => {
    const { r, out, from } = withGoMod('module example.com/rootmain\n\ngo 1.16\n');
    assert.equal(r.status, 0, r.stderr);
    assert.match(from, /^golang:1\.(2[6-9]|[3-9][0-9])-alpine$/);
    assert.match(
      out,
      /note: go\.mod asks for Go 1\.16, older than the Go 1\.22 this Dockerfile supports: building with Go 1\.\d+/,
    );
  });
  it('a go line newer than any Go known here: one line, nothing written', () => {
    const { r, dir } = withGoMod('module example.com/rootmain\n\ngo 1.99\n');
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^go-minimal: Invalid goVersion "1\.99" in go\.mod: newer than the newest Go release known here \(1\.27\) and the local Go \([^)]+\); use 1\.N or 1\.N\.P with N from 22 to \d+ and P from 0 to 99, e\.g\. 1\.\d+\.\n$/,
    );
    assert.deepEqual(files(dir), ['go.mod', 'main.go']);
  });
  it('a local Go older than supported: the newest release, with a one-line note', () => {
    // A stand-in `go` that reports 1.24 (the generator asks `go env GOVERSION`).
    const bin = mkdtempSync(join(tmpdir(), 'gm-fakego-'));
    writeFileSync(join(bin, 'go'), '#!/bin/sh\necho go1.24.9\n', { mode: 0o755 });
    const { r, out, from } = withGoMod('module example.com/rootmain\n\ngo 1.16\n', {
      PATH: `${bin}:${process.env.PATH}`,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(from, 'golang:1.27-alpine');
    assert.match(out, /The local Go is 1\.24, older than the oldest supported release \(1\.26\): using Go 1\.27\./);
  });
});
