// The `go-minimal` bin as a user runs it (as root here, where `yo` refuses), and the golden
// snapshot of the default output. UPDATE_GOLDEN=1 npm test rewrites the snapshot.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tree } from '../engine/index.mjs';
import { CLI, ROOT } from './helpers/generate.mjs';
import { APP_OPTION_NAMES, kebab } from '../dist/options/table.js';

const GOLDEN = join(ROOT, 'test/golden/default');

function cli(args, opts = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdin: 'ignore', ...opts });
}

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
describe('go-minimal (bin)', () => {
  it('--help lists every option of the table', () => {
    const r = cli(['--help']);
    assert.equal(r.status, 0);
    for (const name of APP_OPTION_NAMES) assert.match(r.stdout, new RegExp(`--(\\[no-\\])?${kebab(name)}\\b`));
    for (const flag of ['--yes', '-y', '--force', '--skip-install', '--help']) assert.ok(r.stdout.includes(flag), flag);
  });
  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(cli(['--version']).stdout.trim(), pkg.version);
  });
  it('generates into a new folder, as root, without prompts, and prints a replay command', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-cli-')), 'Hello Svc');
    const r = cli([dir, '--yes', '--go-version', '1.23', '--skip-install']);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.ok(existsSync(join(dir, 'main.go')));
    assert.match(readFileSync(join(dir, 'go.mod'), 'utf8'), /^module example\.com\/hello-svc$/m);
    // stdout: the one-line result and the replay command, nothing else (a script reads them);
    // stderr: the files and notes as yeoman prints them.
    const [summary, replay, ...rest] = r.stdout.split('\n');
    assert.deepEqual(rest, ['']);
    assert.equal(summary, 'Created hello-svc (example.com/hello-svc), Go 1.23, scratch image, port 8080.');
    assert.match(
      replay,
      /^go-minimal '.*Hello Svc' --name hello-svc --module-path example\.com\/hello-svc --go-version 1\.23 --base scratch --port 8080 --healthcheck --ci github --bot renovate --no-kubernetes --no-compose --metrics none --tracing none --no-pprof --no-openapi --no-service-monitor --no-backstage --yes$/,
    );
    assert.match(r.stderr, /^ +create go\.mod$/m);
    assert.match(r.stderr, /^Next steps:$/m);
    assert.doesNotMatch(r.stderr, /Replay this run|Created hello-svc/);
    // Nothing existed, so nothing was forced: yeoman's own .yo-rc.json is created like the rest.
    assert.doesNotMatch(r.stderr, /force/);
    assert.match(r.stderr, /^ +create \.yo-rc\.json$/m);
  });
  it('a re-run over an unchanged project forces only the .yo-rc.json that exists', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-cli-')), 'svc');
    assert.equal(cli([dir, '--yes', '--go-version', '1.23', '--skip-install']).status, 0);
    const r = cli([dir, '--yes', '--go-version', '1.23', '--skip-install']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^ +force \.yo-rc\.json$/m);
    assert.match(r.stderr, /^identical go\.mod$/m);
  });
  it('the replayed command writes the same tree', () => {
    const base = mkdtempSync(join(tmpdir(), 'gm-replay-'));
    const first = cli([
      join(base, 'a'),
      '--yes',
      '--go-version',
      '1.22',
      '--base',
      'alpine',
      '--no-healthcheck',
      '--port',
      '9000',
      '--skip-install',
    ]);
    assert.equal(first.status, 0, first.stderr);
    const replay = first.stdout.trim().split('\n').at(-1).split(' ').slice(2);
    const second = cli([join(base, 'b'), ...replay, '--skip-install']);
    assert.equal(second.status, 0, second.stderr);
    for (const f of tree(join(base, 'a'))) {
      assert.equal(readFileSync(join(base, 'b', f), 'utf8'), readFileSync(join(base, 'a', f), 'utf8'), f);
    }
  });
  it('a bad flag: one line on stderr, exit 1, no folder created', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-cli-')), 'svc');
    const r = cli([dir, '--yes', '--port', '80800']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'go-minimal: Invalid --port "80800": use a number from 1 to 65535.\n');
    assert.equal(existsSync(dir), false);
  });
  it('an unknown flag: one line, exit 2', () => {
    const r = cli(['--yes', '--colour', 'blue']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^go-minimal: unknown option "--colour" \(see go-minimal --help\)\n$/);
  });
  it('a conflicting file without --force: one line naming it, exit 1, nothing changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-cli-'));
    writeFileSync(join(dir, 'main.go'), 'package main\n');
    const r = cli([dir, '--yes', '--go-version', '1.23', '--skip-install']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^go-minimal: Refusing to overwrite main\.go \(they exist and differ\)/);
    assert.deepEqual(readdirSync(dir), ['main.go']);
  });
  it('no TTY and no --yes: still no prompt (defaults), never a hang', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-cli-')), 'notty');
    const r = cli([dir, '--go-version', '1.23', '--skip-install'], { timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'Dockerfile')));
  });
});

describe('golden snapshot of the default output', () => {
  it('matches test/golden/default', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-golden-')), 'hello');
    const r = cli([dir, '--yes', '--go-version', '1.23', '--skip-install']);
    assert.equal(r.status, 0, r.stderr);
    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(GOLDEN, { recursive: true, force: true });
      for (const f of tree(dir)) {
        mkdirSync(join(GOLDEN, f, '..'), { recursive: true });
        writeFileSync(join(GOLDEN, f), readFileSync(join(dir, f)));
      }
    }
    assert.deepEqual(tree(dir), tree(GOLDEN));
    for (const f of tree(dir)) {
      assert.equal(
        readFileSync(join(dir, f), 'utf8'),
        readFileSync(join(GOLDEN, f), 'utf8'),
        `${f} differs from the golden copy`,
      );
    }
  });
});

describe('the manual (docs/images-and-engines.md)', () => {
  it('shows the golden default Dockerfile, as generated', () => {
    const page = readFileSync(join(ROOT, 'docs/images-and-engines.md'), 'utf8');
    const shown = /```dockerfile\n([\s\S]*?)```/.exec(page)?.[1];
    assert.equal(shown, readFileSync(join(GOLDEN, 'Dockerfile'), 'utf8'));
  });
});

describe('go-minimal docker (bin)', () => {
  const FIXTURES = join(ROOT, 'test/fixtures');
  const copy = (name) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-clidocker-')), name);
    cpSync(join(FIXTURES, name), dir, { recursive: true });
    return dir;
  };
  it('--help lists the docker options', () => {
    const r = cli(['docker', '--help']);
    assert.equal(r.status, 0);
    for (const flag of ['--main', '--[no-]cgo', '--base', '--port', '--preset <file>'])
      assert.ok(r.stdout.includes(flag), flag);
    assert.ok(!r.stdout.includes('--go-version'), 'the Go version comes from go.mod, not a flag');
  });
  it('adds the image files to an existing module, and says which Makefile line to add', () => {
    const dir = copy('cmd-api');
    const r = cli(['docker', dir, '--yes', '--main', './cmd/api']);
    assert.equal(r.status, 0, r.stderr);
    for (const f of ['Dockerfile', '.dockerignore', 'docker.mk']) assert.ok(existsSync(join(dir, f)), f);
    assert.match(r.stderr + r.stdout, /add the line `-include docker\.mk`/);
    assert.match(
      r.stderr + r.stdout,
      /go-minimal docker .* --main \.\/cmd\/api --no-cgo --name api --base scratch --port 8080 --ci github --bot renovate --no-kubernetes --no-compose --yes/,
    );
  });
  it('no go.mod: one line, exit 1, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-clidocker-'));
    const r = cli(['docker', dir, '--yes']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^go-minimal: no go\.mod in .*: run this in the root of a Go module\n$/);
    assert.deepEqual(readdirSync(dir), []);
  });
  it('rejects app-only flags', () => {
    const r = cli(['docker', '--go-version', '1.23']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option "--go-version" \(see go-minimal docker --help\)/);
  });
});

describe('go-minimal --preset (bin)', () => {
  it('applies the preset and replays with it', () => {
    const team = join(ROOT, 'test/fixtures/preset-team/team.json');
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-clipreset-')), 'svc');
    const r = cli([dir, '--yes', '--preset', team, '--skip-install']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      readFileSync(join(dir, 'Dockerfile'), 'utf8'),
      /^FROM --platform=\$TARGETPLATFORM gcr\.io\/distroless/m,
    );
    assert.ok(existsSync(join(dir, 'SECURITY.md')));
    assert.match(r.stderr + r.stdout, /go-minimal .* --preset \S*team\.json --name svc/);
  });
  it('a locked option given another value: one line, exit 1', () => {
    const team = join(ROOT, 'test/fixtures/preset-team/team.json');
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-clipreset-')), 'svc');
    const r = cli([dir, '--yes', '--preset', team, '--base', 'alpine']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^go-minimal: --base is locked to "distroless" by .*team\.json/);
    assert.equal(existsSync(dir), false);
  });
});
