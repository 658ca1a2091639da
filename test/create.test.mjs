// create-go-minimal (packages/create-go-minimal): `npm create go-minimal` installs one package with
// no dependencies, and its bundled bin is the same front door as `go-minimal`: same help, same
// version, the same tree byte for byte, the same .yo-rc.json key.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { CLI, ROOT } from './helpers/generate.mjs';
import { tree } from '../engine/index.mjs';

const PKG = join(ROOT, 'packages/create-go-minimal');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdin: 'ignore', ...opts });
  return { ...r, text: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Every file under dir with its text, relative paths sorted. */
const files = (dir) => tree(dir).map((rel) => [rel, readFileSync(join(dir, rel), 'utf8')]);

describe('create-go-minimal', () => {
  let work;
  let bin;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'gm-create-'));
    const pack = run('npm', ['pack', '--json', '--pack-destination', work, PKG]);
    assert.equal(pack.status, 0, pack.text);
    const [{ filename }] = JSON.parse(pack.stdout);
    const prefix = join(work, 'prefix');
    mkdirSync(prefix);
    // An empty cache and --offline: it installs from the tarball alone, so it needs nothing else.
    const install = run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--cache', join(work, 'cache'), join(work, filename)],
      { cwd: prefix },
    );
    assert.equal(install.status, 0, install.text);
    bin = join(prefix, 'node_modules/.bin/create-go-minimal');
  });

  it('has no runtime dependencies and the version of generator-go-minimal', () => {
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.version, root.version);
    assert.equal(run(bin, ['--version']).stdout.trim(), root.version);
  });
  it('prints the same help as go-minimal', () => {
    for (const args of [['--help'], ['docker', '--help']]) {
      assert.equal(run(bin, args).stdout, run(process.execPath, [CLI, ...args]).stdout);
    }
  });
  it('writes the same tree as go-minimal, byte for byte, under the same .yo-rc.json key', () => {
    const flags = ['--yes', '--go-version', '1.23', '--base', 'distroless', '--skip-install'];
    const a = run(bin, ['svc', ...flags], { cwd: work });
    assert.equal(a.status, 0, a.text);
    const b = run(process.execPath, [CLI, 'svc2', ...flags, '--name', 'svc'], { cwd: work });
    assert.equal(b.status, 0, b.text);
    assert.deepEqual(files(join(work, 'svc')), files(join(work, 'svc2')));
    assert.ok(JSON.parse(readFileSync(join(work, 'svc/.yo-rc.json'), 'utf8'))['generator-go-minimal']);
  });
  it('a bad value: one line, exit 1, nothing written', () => {
    const r = run(bin, ['bad', '--port', '0', '--yes'], { cwd: work });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^go-minimal: Invalid --port "0": use a number from 1 to 65535\.\n$/);
    assert.equal(existsSync(join(work, 'bad')), false);
  });
});
