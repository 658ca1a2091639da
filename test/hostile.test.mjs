// Hostile input (issue 9): a cloned repository's files, planted links and special files, odd
// paths. Each case reproduces a hole of 0.1.0 and checks the invariant: either the run is sound,
// or it stops with one line (no stack trace), a non-zero exit, and nothing written anywhere.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI } from './helpers/generate.mjs';

const tmp = () => mkdtempSync(join(tmpdir(), 'gm-hostile-'));
const FLAGS = ['--yes', '--go-version', '1.23', '--skip-install'];

function cli(args, opts = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdin: 'ignore', timeout: 60_000, ...opts });
}

/** One line on stderr, naming the problem; no stack trace. */
function assertOneLine(r, pattern) {
  assert.notEqual(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /^go-minimal: [^\n]*\n$/, `not one line: ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  if (pattern) assert.match(r.stderr, pattern);
}

describe('no code runs that the user did not name', () => {
  it('a found preset whose templates run code is refused; the code never runs', () => {
    const repo = tmp();
    mkdirSync(join(repo, '.hooks'));
    const marker = join(repo, 'PWNED');
    writeFileSync(
      join(repo, '.hooks/a.ejs'),
      `<% process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x') %>\n`,
    );
    writeFileSync(join(repo, '.go-minimal.json'), JSON.stringify({ templatesDir: '.hooks' }));
    const r = cli([join(repo, 'svc'), ...FLAGS]);
    assertOneLine(r, /Refusing the preset .*\.go-minimal\.json: it was found, not named.*--preset /);
    assert.equal(existsSync(marker), false, 'the template ran');
    assert.equal(existsSync(join(repo, 'svc')), false);
  });
  it('every run says which preset file it used', () => {
    const parent = tmp();
    writeFileSync(join(parent, '.go-minimal.json'), JSON.stringify({ port: 9000 }));
    const r = cli([join(parent, 'svc'), ...FLAGS]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /^preset: .*\.go-minimal\.json \(found; data only\)$/m);
  });
});

describe('nothing is written outside the destination', () => {
  for (const force of [false, true]) {
    it(`a dangling symlink main.go -> ../outside/evil.go is refused${force ? ' with --force' : ''}`, () => {
      const base = tmp();
      mkdirSync(join(base, 'outside'));
      const dir = join(base, 'svc');
      mkdirSync(dir);
      symlinkSync('../outside/evil.go', join(dir, 'main.go'));
      const r = cli([dir, ...FLAGS, ...(force ? ['--force'] : [])]);
      assertOneLine(r, /Nothing was written: cannot write main\.go \("main\.go" is a symbolic link/);
      assert.deepEqual(readdirSync(join(base, 'outside')), []);
      assert.deepEqual(readdirSync(dir), ['main.go']);
    });
  }
  it('an existing outside file behind a link is not replaced (--force)', () => {
    const base = tmp();
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(base, 'outside/Makefile'), 'theirs\n');
    const dir = join(base, 'svc');
    mkdirSync(dir);
    symlinkSync('../outside/Makefile', join(dir, 'Makefile'));
    const r = cli([dir, ...FLAGS, '--force']);
    assertOneLine(r, /"Makefile" is a symbolic link/);
    assert.equal(readFileSync(join(base, 'outside/Makefile'), 'utf8'), 'theirs\n');
  });
  it('a symlinked folder inside the destination is not written through', () => {
    const base = tmp();
    mkdirSync(join(base, 'outside'));
    mkdirSync(join(base, 'tpl/deploy'), { recursive: true });
    writeFileSync(join(base, 'tpl/deploy/x.yaml.ejs'), 'x: 1\n');
    writeFileSync(join(base, 'team.json'), JSON.stringify({ templatesDir: 'tpl' }));
    const dir = join(base, 'svc');
    mkdirSync(dir);
    symlinkSync('../outside', join(dir, 'deploy'));
    const r = cli([dir, ...FLAGS, '--preset', join(base, 'team.json')]);
    assertOneLine(r, /"deploy" is a symbolic link/);
    assert.deepEqual(readdirSync(join(base, 'outside')), []);
  });
});

describe('special files and odd paths: one line, at once, nothing left behind', () => {
  it('--preset /dev/zero', () => {
    const dir = join(tmp(), 'svc');
    const r = cli([dir, ...FLAGS, '--preset', '/dev/zero']);
    assertOneLine(r, /Invalid --preset "\/dev\/zero": "\/dev\/zero" is not a regular file/);
    assert.equal(existsSync(dir), false);
  });
  it('a FIFO as the preset does not hang', () => {
    const base = tmp();
    const fifo = join(base, 'p.json');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const r = cli([join(base, 'svc'), ...FLAGS, '--preset', fifo], { timeout: 20_000 });
    assertOneLine(r, /is not a regular file \(a device, FIFO or socket\)/);
  });
  it('a folder as the preset', () => {
    const base = tmp();
    const r = cli([join(base, 'svc'), ...FLAGS, '--preset', base]);
    assertOneLine(r, /is a folder; use a regular file/);
  });
  it('a folder path under a regular file', () => {
    const base = tmp();
    writeFileSync(join(base, 'file'), '');
    const r = cli([join(base, 'file/svc'), ...FLAGS]);
    assertOneLine(r, /Cannot use ".*file\/svc": a part of the path is a file, not a folder\./);
  });
  it('a 300-character folder name', () => {
    const base = tmp();
    const r = cli([join(base, 'a'.repeat(300)), ...FLAGS]);
    assertOneLine(r, /the name is too long for the file system/);
    assert.deepEqual(readdirSync(base), []);
  });
  it('a folder where a file goes: checked before the first byte, nothing written', () => {
    const dir = join(tmp(), 'svc');
    mkdirSync(join(dir, 'main.go'), { recursive: true });
    const r = cli([dir, ...FLAGS, '--force']);
    assertOneLine(r, /^go-minimal: Nothing was written: cannot write main\.go \(it exists and is not a regular file\)/);
    assert.deepEqual(readdirSync(dir), ['main.go']);
  });
  it('a value with a newline stays one line, escaped', () => {
    const r = cli([join(tmp(), 'svc'), ...FLAGS, '--name', 'a\nb']);
    assertOneLine(r, /Invalid --name "a\\nb"/);
  });
});
