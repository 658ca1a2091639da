// The docker generator on the edges of real modules (issue 9, item 7): build constraints, indirect
// requires, the port.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { CLI, FIXTURES } from './helpers/generate.mjs';
import { readProject } from '../dist/lib/project.js';
import { detectPort } from '../dist/lib/ports.js';
import { evalBuildExpr, fileBuilds } from '../dist/lib/constraints.js';
import { goListPackages } from '../dist/lib/golist.js';
import { which } from '../dist/lib/go.js';

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
    assert.match(r.dockerfile, /-o \/out\/api \.\/cmd\/api$/m);
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
  it('a direct require still does', () => {
    assert.deepEqual(readProject(join(FIXTURES, 'with-requires')).cgoReasons, [
      'go.mod requires github.com/mattn/go-sqlite3, which needs cgo',
    ]);
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
});
