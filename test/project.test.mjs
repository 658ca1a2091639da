// Reading an existing Go module (src/module/): go.mod's directives and what the code declares.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES } from './helpers/generate.mjs';
import { parseGoMod, buildGoVersion, importsC, readProject } from '../dist/module/project.js';
import { runtimePaths } from '../dist/module/runtime-files.js';

describe('go.mod parsing', () => {
  it('reads module, go, toolchain and requires (blocks, comments, quotes)', () => {
    const mod = parseGoMod(readFileSync(join(FIXTURES, 'with-requires/go.mod'), 'utf8'));
    assert.equal(mod.module, 'example.com/withreq');
    assert.equal(mod.go, '1.23');
    assert.deepEqual(
      mod.requires.map((r) => r.path),
      ['github.com/mattn/go-sqlite3', 'golang.org/x/sync', 'golang.org/x/text'],
    );
    assert.equal(parseGoMod('module "example.com/q" // c\ngo 1.22\n').module, 'example.com/q');
  });
  it('takes the toolchain directive over the go directive for the image', () => {
    assert.equal(buildGoVersion(parseGoMod('module m\ngo 1.22.5\ntoolchain go1.23.4\n')), '1.23.4');
    assert.equal(buildGoVersion(parseGoMod('module m\ngo 1.22\n')), '1.22');
    assert.equal(buildGoVersion(parseGoMod('module m\ngo 1.22.5\n')), '1.22');
    assert.equal(buildGoVersion(parseGoMod('module m\ngo 1.23rc1\n')), '1.23');
  });
  it('names the line of what it cannot parse', () => {
    assert.throws(() => parseGoMod('module m\ngo one\n'), {
      message: /^cannot parse go\.mod:2: invalid go version "one"$/,
    });
    assert.throws(() => parseGoMod('module m\nrequire (\n  x\n'), { message: /go\.mod:3: "x" is not "path version"/ });
    assert.throws(() => parseGoMod('go 1.22\n'), { message: /no module directive/ });
    assert.throws(() => parseGoMod('module m\nfrobnicate x\n'), { message: /unknown directive "frobnicate"/ });
  });
  it('detects import "C" alone or in a block, not in a string or another package', () => {
    assert.equal(importsC('package main\nimport "C"\n'), true);
    assert.equal(importsC('package main\nimport (\n\t"fmt"\n\t"C"\n)\n'), true);
    assert.equal(importsC('package main\nimport "fmt"\nvar s = `import "C"`\n'), false);
    assert.equal(importsC('package main\nimport (\n\t"Cx"\n)\n'), false);
  });
});

describe('project detection', () => {
  it('root main with a -healthcheck flag and a port literal', () => {
    const p = readProject(join(FIXTURES, 'root-main'));
    assert.deepEqual(p.mains, ['.']);
    assert.deepEqual(p.healthcheckMains, ['.']);
    assert.equal(p.ports['.'], 9000);
    assert.deepEqual(p.cgoReasons, []);
  });
  it('cmd/a and cmd/b, not internal packages', () => {
    assert.deepEqual(readProject(join(FIXTURES, 'cmd-multi')).mains, ['./cmd/a', './cmd/b']);
  });
  it('cgo from import "C" and from a cgo-only require', () => {
    assert.deepEqual(readProject(join(FIXTURES, 'cgo')).cgoReasons, ['main.go imports "C"']);
    assert.deepEqual(readProject(join(FIXTURES, 'with-requires')).cgoReasons, [
      'go.mod requires github.com/mattn/go-sqlite3, which needs cgo',
    ]);
  });
});

describe('files read at run time (module/runtime-files.ts)', () => {
  it('finds the read calls, a flag default and a ./ constant that name something in the module', () => {
    const p = readProject(join(FIXTURES, 'runtime-files'));
    assert.deepEqual(
      p.runtimePaths.map((r) => r.path),
      ['motd.txt', 'static', 'templates', 'web/ui'],
    );
    assert.deepEqual(p.runtimeRefused, []);
  });
  it('leaves alone what names nothing, absolute paths, URLs and what //go:embed holds', () => {
    const literals = [
      { literal: 'missing/dir', from: 'a' },
      { literal: '/etc/hosts', from: 'b' },
      { literal: 'https://x/y', from: 'c' },
      { literal: './static/a.txt', from: 'd' },
      { literal: 'templates/*.html', from: 'e' },
    ];
    const r = runtimePaths(join(FIXTURES, 'runtime-files'), literals, ['static']);
    assert.deepEqual(r.paths, [{ path: 'templates', from: 'e' }]);
  });
  it('refuses, with the reason, a path outside the module and a name a RUN line cannot carry', () => {
    const root = join(FIXTURES, 'runtime-files');
    const r = runtimePaths(root, [{ literal: '../runtime-files/motd.txt', from: 'x' }], []);
    assert.deepEqual(r.paths, []);
    assert.match(r.refused[0].why, /outside the module/);
  });
  it('a path inside another is copied with it', () => {
    const r = runtimePaths(
      join(FIXTURES, 'runtime-files'),
      [
        { literal: 'web/ui', from: 'a' },
        { literal: './web', from: 'b' },
      ],
      [],
    );
    assert.deepEqual(
      r.paths.map((p) => p.path),
      ['web'],
    );
  });
});
