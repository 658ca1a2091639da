// The docker generator on the edges of real modules (issue 9, item 7): build constraints, indirect
// requires, //go:embed and .dockerignore, an existing .dockerignore, the port, time zones, help.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { CLI, FIXTURES } from './helpers/generate.mjs';
import { readProject } from '../dist/module/project.js';
import { detectPort } from '../dist/module/ports.js';
import { evalBuildExpr, fileBuilds } from '../dist/module/constraints.js';
import { goListPackages } from '../dist/module/golist.js';
import { which } from '../dist/image/go.js';
import { dockerfileProblems } from './e2e/dockerfile-checks.mjs';

/** A copy of a fixture in a temp folder. */
function fixture(name) {
  const dir = join(mkdtempSync(join(tmpdir(), `gm-edge-${name}-`)), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** `go-minimal docker <dir> --yes …args` through the bin: exit status, all output, the files. */
function docker(dir, args = [], env = {}) {
  const r = spawnSync(process.execPath, [CLI, 'docker', dir, '--yes', ...args], {
    encoding: 'utf8',
    stdin: 'ignore',
    env: { ...process.env, ...env },
  });
  const read = (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  return {
    status: r.status,
    out: r.stdout + r.stderr,
    stderr: r.stderr,
    dockerfile: read('Dockerfile'),
    ignore: read('.dockerignore'),
  };
}

const hasGo = Boolean(which('go'));

/** Runs a binary in a mount namespace where /usr/share/zoneinfo is empty, as on scratch. */
const withoutZoneinfo = (binary) =>
  spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs none /usr/share/zoneinfo && exec "$0"', binary], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
const canHideZoneinfo = () => existsSync('/usr/share/zoneinfo') && withoutZoneinfo('/bin/true').status === 0;

describe('build constraints: a //go:build ignore root gen.go with package main and import "C"', () => {
  it('is not a main package and does not turn cgo on, with go list', { skip: !hasGo && 'no go on PATH' }, () => {
    const p = readProject(join(FIXTURES, 'build-ignore'));
    assert.deepEqual(p.mains, ['./cmd/api']);
    assert.deepEqual(p.cgoReasons, []);
  });
  it('nor with the fallback reader (no Go on PATH)', () => {
    const p = readProject(join(FIXTURES, 'build-ignore'), { useGo: false });
    assert.deepEqual(p.mains, ['./cmd/api']);
    assert.deepEqual(p.cgoReasons, [], 'gen.go is ignored, main_windows.go is not linux');
  });
  it('--main . is refused, offering only ./cmd/api; nothing written', () => {
    const dir = fixture('build-ignore');
    const r = docker(dir, ['--main', '.']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'go-minimal: Invalid --main ".": not a main package; use one of: ./cmd/api.\n');
    assert.equal(existsSync(join(dir, 'Dockerfile')), false);
  });
  it('the default run builds ./cmd/api statically on scratch', () => {
    const r = docker(fixture('build-ignore'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.dockerfile, /CGO_ENABLED=0 GOOS/);
    assert.match(r.dockerfile, /-o \/out\/usr\/local\/bin\/api \.\/cmd\/api$/m);
    assert.match(r.dockerfile, /^FROM scratch$/m);
  });
  it('the fallback evaluates //go:build expressions and file name suffixes for linux', () => {
    assert.equal(evalBuildExpr('ignore'), false);
    assert.equal(evalBuildExpr('linux && (amd64 || arm64 || riscv64 || 386 || arm) && !windows', 'amd64'), true);
    assert.equal(evalBuildExpr('!cgo'), false);
    assert.equal(evalBuildExpr('go1.21 && unix'), true);
    assert.equal(evalBuildExpr('linux &&'), false, 'malformed: go build rejects it');
    assert.equal(fileBuilds('x_windows.go', 'package main\n'), false);
    assert.equal(fileBuilds('x_linux_arm64.go', 'package main\n', 'amd64'), false);
    assert.equal(fileBuilds('x_linux.go', '// Copyright\n\n//go:build !windows\n\npackage main\n'), true);
    assert.equal(fileBuilds('x.go', 'package main\n\n//go:build ignore\n'), true, 'only before the package clause');
  });
  it(
    'go list parses only: no cc, no pkg-config from #cgo lines, no toolchain or module download',
    { skip: !hasGo && 'no go on PATH' },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'gm-golist-'));
      const bin = join(dir, 'bin');
      mkdirSync(join(dir, 'm'));
      mkdirSync(bin);
      for (const tool of ['pkg-config', 'cc', 'gcc', 'clang']) {
        writeFileSync(join(bin, tool), `#!/bin/sh\ntouch "${dir}/ran-${tool}"\n`);
        chmodSync(join(bin, tool), 0o755);
      }
      const m = join(dir, 'm');
      // A toolchain line newer than the local Go and an unknown module: both would need a download.
      writeFileSync(join(m, 'go.mod'), 'module example.com/m\n\ngo 1.22\n\nrequire example.com/nowhere v1.0.0\n');
      const src =
        'package main\n\n/*\n#cgo pkg-config: evil\n#cgo CFLAGS: -DX\n*/\nimport "C"\n\nimport _ "example.com/nowhere"\n\nfunc main() {}\n';
      writeFileSync(join(m, 'main.go'), src);
      const path = process.env.PATH;
      process.env.PATH = `${bin}:${path}`;
      process.env.GOFLAGS = '-toolexec=/bin/false';
      try {
        const pkgs = goListPackages(m);
        assert.deepEqual(
          pkgs?.map((p) => [p.dir, p.name, p.cgoFiles]),
          [['.', 'main', ['main.go']]],
        );
      } finally {
        process.env.PATH = path;
        delete process.env.GOFLAGS;
      }
      for (const tool of ['pkg-config', 'cc', 'gcc', 'clang'])
        assert.equal(existsSync(join(dir, `ran-${tool}`)), false, tool);
    },
  );
});

describe('cgo: an // indirect require of go-sqlite3', () => {
  it('does not turn cgo on', () => {
    const p = readProject(join(FIXTURES, 'indirect-cgo'));
    assert.deepEqual(p.cgoReasons, []);
    assert.deepEqual(p.indirectCgo, ['github.com/mattn/go-sqlite3']);
  });
  it('builds statically on scratch, with a one-line note on when cgo is needed', () => {
    const r = docker(fixture('indirect-cgo'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.dockerfile, /CGO_ENABLED=0 GOOS/);
    assert.match(r.dockerfile, /^FROM scratch$/m);
    assert.match(
      r.out,
      /^note: go\.mod requires github\.com\/mattn\/go-sqlite3 only indirectly, so cgo stays off; .*--cgo/m,
    );
  });
  it('a direct require still does', () => {
    assert.deepEqual(readProject(join(FIXTURES, 'with-requires')).cgoReasons, [
      'go.mod requires github.com/mattn/go-sqlite3, which needs cgo',
    ]);
  });
});

describe('.dockerignore and //go:embed dist, //go:embed certs/ca.crt', () => {
  let r;
  before(() => {
    const dir = fixture('embed-assets');
    // dist/ is in this repository's .gitignore: made here.
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist/index.html'), '<p>ui</p>\n');
    r = docker(dir);
  });
  it('re-includes what the code embeds, after every exclusion', () => {
    assert.equal(r.status, 0, r.stderr);
    const lines = r.ignore.split('\n');
    for (const keep of ['!certs/ca.crt', '!certs/ca.crt/**', '!dist', '!dist/**']) {
      assert.ok(lines.indexOf(keep) > lines.lastIndexOf('**/*.crt'), `${keep} after **/*.crt`);
      assert.ok(lines.indexOf(keep) > lines.indexOf('dist/'), `${keep} after dist/`);
    }
  });
  it('says so in the end message', () =>
    assert.match(
      r.out,
      /^\.dockerignore keeps certs\/ca\.crt, dist in the build context: \/\/go:embed names them\.$/m,
    ));
  it('a module without //go:embed gets no re-inclusions', () => {
    const other = docker(fixture('root-main'));
    assert.doesNotMatch(other.ignore, /^!/m);
    assert.doesNotMatch(other.out, /go:embed/);
  });
});

describe('an existing .dockerignore', () => {
  const theirs = ['*.md', '!README.md', 'web/node_modules', 'fixtures/large/'];
  it('without --force, non-interactively: refused, and left as it was', () => {
    const dir = fixture('own-dockerignore');
    const before = readFileSync(join(dir, '.dockerignore'), 'utf8');
    const r = docker(dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Refusing to overwrite \.dockerignore/);
    assert.equal(r.ignore, before);
  });
  it('with --force, is merged: its entries kept after ours, and a re-run changes nothing', () => {
    const dir = fixture('own-dockerignore');
    const r = docker(dir, ['--force']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.ignore.split('\n');
    for (const entry of theirs) assert.ok(lines.indexOf(entry) > lines.indexOf('.dockerignore'), entry);
    for (const entry of ['.git', '**/*.key', '.env']) assert.ok(lines.includes(entry), entry);
    assert.match(r.out, /the project's own entries are kept, after ours/);
    const again = docker(dir, ['--force']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.ignore, r.ignore);
  });
});

describe('the port', () => {
  it('finds flag and environment defaults in the shapes real services use', () => {
    const cases = [
      ['flag.StringVar(&port, "port", getEnv("X_PORT", "80"), "port")', 80, 'the X_PORT default of the -port flag'],
      ['p := flag.Int("port", 8081, "port")', 8081, "the -port flag's default"],
      ['fs.IntVar(&cfg.Port, "http-port", 9091, "port")', 9091, "the -http-port flag's default"],
      ['port := envOr("PORT", "3000")', 3000, "the PORT environment variable's default"],
      ['port := cmp.Or(os.Getenv("PORT"), "8082")', 8082, "the PORT environment variable's default"],
      [
        'port := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "5000"\n\t}',
        5000,
        "the PORT environment variable's default",
      ],
      ['http.ListenAndServe(":9000", nil)', 9000, 'a ":9000" literal'],
    ];
    for (const [source, port, from] of cases) assert.deepEqual(detectPort(source), { port, from }, source);
    assert.equal(detectPort('flag.Int("workers", 8, "n")'), undefined);
    assert.equal(detectPort('flag.Int("port", 99999, "port")'), undefined, 'out of range');
  });
  it('a flag default below 1024: EXPOSE it, say where it came from and what binding it needs', () => {
    const r = docker(fixture('port-flag-env'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.dockerfile, /^EXPOSE 80$/m);
    assert.match(r.out, /^Port 80: from the X_PORT default of the -port flag in the root package\.$/m);
    assert.match(r.out, /^There is no Makefile: .*add one with `-include docker\.mk`\.$/m, 'the line, not its name');
    assert.match(
      r.out,
      /^note: port 80 is below 1024 and the image runs as uid 65532: binding it needs net\.ipv4\.ip_unprivileged_port_start=0, which Docker sets and Kubernetes does not/m,
    );
  });
  it('none found: 8080 is assumed, and the end message says so and how to set it', () => {
    const r = docker(fixture('cmd-multi'), ['--main', './cmd/a']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.dockerfile, /^EXPOSE 8080$/m);
    assert.match(r.out, /^note: no port found in \.\/cmd\/a .*port 8080 is assumed; set the real one with --port\.$/m);
  });
  it('--port given: no note', () => {
    const r = docker(fixture('cmd-multi'), ['--main', './cmd/a', '--port', '9000']);
    assert.doesNotMatch(r.out, /assumed|below 1024/);
  });
});

describe('time.LoadLocation', () => {
  it('on scratch: -tags timetzdata, with the why, and the end message says so', () => {
    const r = docker(fixture('tz'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.dockerfile, /go build -trimpath -buildvcs=false -tags timetzdata -ldflags=/);
    assert.deepEqual(dockerfileProblems(r.dockerfile, { base: 'scratch', healthcheck: false }), []);
    assert.match(r.dockerfile, /^# -tags timetzdata: the code calls time\.LoadLocation and scratch has no/m);
    assert.match(
      r.out,
      /^Time zones: the code calls time\.LoadLocation and scratch has no zoneinfo, .*-tags timetzdata/m,
    );
  });
  it(
    "the Dockerfile's go build runs where there is no zoneinfo (as on scratch); without the tag it panics",
    { skip: (!hasGo || !canHideZoneinfo()) && 'needs go and unshare -rm' },
    () => {
      const dir = fixture('tz');
      const { dockerfile } = docker(dir);
      // The flags of the Dockerfile's go build, up to -ldflags (its value names a build arg).
      const flags = /go build (.*?) -ldflags=/.exec(dockerfile)[1].split(' ');
      assert.ok(flags.includes('-trimpath'), 'no GOROOT in the binary, so no zoneinfo.zip fallback');
      const build = (out, args) =>
        spawnSync('go', ['build', ...args, '-o', out, '.'], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' },
        });
      for (const [out, args] of [
        ['with', flags],
        ['without', flags.filter((f) => f !== '-tags' && f !== 'timetzdata')],
      ]) {
        const b = build(join(dir, out), args);
        assert.equal(b.status, 0, b.stderr);
      }
      assert.equal(withoutZoneinfo(join(dir, 'with')).stdout, '2026-01-01T13:00:00+01:00\n');
      assert.match(withoutZoneinfo(join(dir, 'without')).stderr, /unknown time zone Europe\/Paris/);
    },
  );
  it('on alpine too (no tzdata package in the base)', () =>
    assert.match(docker(fixture('tz'), ['--base', 'alpine']).dockerfile, /-tags timetzdata/));
  it('on distroless, which ships zoneinfo: no tag, no message', () => {
    const r = docker(fixture('tz'), ['--base', 'distroless']);
    assert.doesNotMatch(r.dockerfile, /timetzdata/);
    assert.doesNotMatch(r.out, /Time zones/);
  });
  it('a module that imports time/tzdata already: no tag', () => {
    const dir = fixture('tz');
    const main = readFileSync(join(dir, 'main.go'), 'utf8').replace('"time"\n', '"time"\n\t_ "time/tzdata"\n');
    writeFileSync(join(dir, 'main.go'), main);
    assert.doesNotMatch(docker(dir).dockerfile, /timetzdata/);
  });
  it('a module without it: no tag', () => assert.doesNotMatch(docker(fixture('root-main')).dockerfile, /timetzdata/));
});

describe('go-minimal docker --help', () => {
  const help = spawnSync(process.execPath, [CLI, 'docker', '--help'], { encoding: 'utf8' }).stdout;
  it('says it stores the answers in .yo-rc.json', () => assert.match(help, /stores the answers\s+in\s+\.yo-rc\.json/));
  it('does not list --skip-install, which it never uses', () => assert.doesNotMatch(help, /--skip-install/));
  it('go-minimal --help still does', () =>
    assert.match(spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).stdout, /--skip-install/));
});
