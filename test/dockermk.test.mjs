// docker.mk as make runs it, with no container engine: DOCKER is a stand-in that records its
// arguments, so each check sees exactly what `docker build` would get. A fresh `git init` with no
// commit, credentialed remotes, no git at all, values with spaces, and a deleted docker.mk.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { CLI } from './helpers/generate.mjs';

const haveMake = spawnSync('make', ['--version']).status === 0;
const haveGit = spawnSync('git', ['--version']).status === 0;

/** Environment for make and git: nothing from the caller's repository or git config. */
function cleanEnv(dir, extra = {}) {
  const env = { ...process.env, GIT_CEILING_DIRECTORIES: dirname(dir), GIT_CONFIG_NOSYSTEM: '1', HOME: dir };
  const unset = ['GIT_DIR', 'GIT_WORK_TREE', 'VERSION', 'REVISION', 'SOURCE', 'MAKEFLAGS', 'MFLAGS'];
  for (const k of [...unset, 'GOPROXY', 'GONOSUMDB', 'GOPRIVATE', 'GOFLAGS', 'GOENV']) delete env[k];
  return { ...env, ...extra };
}

/** A generated project in a fresh folder, plus a fake DOCKER that writes its argv, one per line. */
function project() {
  const dir = join(mkdtempSync(join(tmpdir(), 'gm-dockermk-')), 'svc');
  const r = spawnSync(process.execPath, [CLI, dir, '--yes', '--go-version', '1.23', '--skip-install'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const fake = join(dir, '..', 'fake-docker');
  writeFileSync(fake, '#!/bin/sh\n: > "$ARGV_OUT"\nfor a; do printf \'%s\\n\' "$a" >> "$ARGV_OUT"; done\n');
  chmodSync(fake, 0o755);
  return { dir, fake };
}

function git(dir, ...args) {
  const r = spawnSync('git', args, { cwd: dir, env: cleanEnv(dir), encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}

/**
 * Runs `make docker-build` (or `target`) with the fake engine; returns the argv of its last call
 * and the build args by name.
 */
function dockerBuild({ dir, fake }, makeArgs = [], env = {}, target = 'docker-build') {
  const out = join(dir, '..', 'argv.txt');
  rmSync(out, { force: true });
  const r = spawnSync('make', [target, `DOCKER=${fake}`, ...makeArgs], {
    cwd: dir,
    env: cleanEnv(dir, { ARGV_OUT: out, ...env }),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `make ${target} failed:\n${r.stdout}\n${r.stderr}`);
  const argv = readFileSync(out, 'utf8').split('\n').slice(0, -1);
  const args = {};
  argv.forEach((a, i) => {
    if (argv[i - 1] !== '--build-arg') return;
    const eq = a.indexOf('=');
    args[a.slice(0, eq)] = a.slice(eq + 1);
  });
  return { argv, args, log: r.stdout + r.stderr };
}

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
describe('docker.mk under make (no container engine)', { skip: !haveMake && 'make is missing' }, () => {
  describe('in a git repository with no commit', { skip: !haveGit && 'git is missing' }, () => {
    let p;
    before(() => {
      p = project();
      git(p.dir, 'init', '-q');
    });
    it('REVISION is unknown and VERSION dev: one positional argument, the context', () => {
      const { argv, args } = dockerBuild(p);
      assert.equal(args.REVISION, 'unknown');
      assert.equal(args.VERSION, 'dev');
      assert.equal(argv.at(-1), '.');
      assert.deepEqual(argv.slice(-3), ['-t', 'svc:dev', '.']);
      assert.ok(!argv.includes('HEAD') && !argv.includes('unknown'), argv.join(' '));
    });
    it('after the first commit, REVISION is its hash', () => {
      git(p.dir, 'add', '-A');
      git(p.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'first');
      const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: p.dir, env: cleanEnv(p.dir), encoding: 'utf8' });
      assert.match(head.stdout, /^[0-9a-f]{40}\n$/);
      assert.equal(dockerBuild(p).args.REVISION, head.stdout.trim());
    });
  });

  describe('with credentials in the remote URL', { skip: !haveGit && 'git is missing' }, () => {
    let p;
    before(() => {
      p = project();
      git(p.dir, 'init', '-q');
    });
    const cases = [
      ['https://user:TOKEN@host.example/org/x.git', 'https://host.example/org/x.git'],
      ['https://user@host.example:8443/org/x.git', 'https://host.example:8443/org/x.git'],
      ['ssh://user@host.example/x.git', 'ssh://host.example/x.git'],
      ['https://a:p@ss@host.example/x.git', 'https://host.example/x.git'],
      // scp-like: a user name, no secret; kept as git shows it.
      ['git@host.example:org/x.git', 'git@host.example:org/x.git'],
    ];
    for (const [remote, source] of cases) {
      it(`SOURCE of ${remote} is ${source}`, () => {
        spawnSync('git', ['remote', 'remove', 'origin'], { cwd: p.dir, env: cleanEnv(p.dir) });
        git(p.dir, 'remote', 'add', 'origin', remote);
        const { argv, args, log } = dockerBuild(p);
        assert.equal(args.SOURCE, source);
        for (const secret of ['TOKEN', 'p@ss', 'user@', 'a:p']) {
          assert.ok(!argv.join('\n').includes(secret), `${secret} reached docker build`);
          assert.ok(!log.includes(secret), `${secret} in make's output`);
        }
      });
    }
  });

  describe('outside any git repository', () => {
    let p;
    before(() => {
      p = project();
    });
    it('REVISION unknown, VERSION dev, SOURCE empty', () => {
      const { args } = dockerBuild(p);
      assert.deepEqual([args.REVISION, args.VERSION, args.SOURCE], ['unknown', 'dev', '']);
    });
    it('a value with spaces stays one argument', () => {
      const { argv, args } = dockerBuild(p, ['VERSION=1.0 beta', 'SOURCE=a b']);
      assert.equal(args.VERSION, '1.0 beta');
      assert.equal(args.SOURCE, 'a b');
      assert.deepEqual(argv.slice(-3), ['-t', 'svc:1.0 beta', '.']);
    });
    it("passes the host's go env module settings, and DOCKER_BUILD_FLAGS before the build args", () => {
      const env = {
        GOPROXY: 'http://127.0.0.1:9/x',
        GOPRIVATE: 'corp.example/*',
        GONOSUMDB: 'n.example',
        GOFLAGS: '-mod=mod',
      };
      const { argv, args } = dockerBuild(p, ['DOCKER_BUILD_FLAGS=--secret id=netrc,src=/n --pull=never'], env);
      for (const [k, v] of Object.entries(env)) assert.equal(args[k], v, k);
      assert.deepEqual(argv.slice(0, 4), ['build', '--secret', 'id=netrc,src=/n', '--pull=never']);
    });
    it('GOPROXY comes from `go env` when the environment has none', { skip: !haveGo() && 'go is missing' }, () => {
      const env = { GOPROXY: 'http://127.0.0.1:9/from-go-env' };
      const goEnvValue = spawnSync('go', ['env', 'GOPROXY'], { env: { ...process.env, ...env }, encoding: 'utf8' });
      // make's environment has no GOPROXY: only `go env` knows it, from the GOENV file.
      const { args } = dockerBuild(p, [], { GOENV: writeGoEnv(p.dir, env.GOPROXY) });
      assert.equal(goEnvValue.stdout.trim(), env.GOPROXY);
      assert.equal(args.GOPROXY, env.GOPROXY);
    });
  });

  describe('platforms and reproducible builds', () => {
    let p;
    let podman;
    before(() => {
      p = project();
      // A fake podman: `info` answers the host platform, `build` records its argv.
      podman = join(p.dir, '..', 'bin', 'podman');
      mkdirSync(dirname(podman));
      writeFileSync(
        podman,
        '#!/bin/sh\nif [ "$1" = info ]; then echo linux/amd64; exit 0; fi\n' +
          ': > "$ARGV_OUT"\nfor a; do printf \'%s\\n\' "$a" >> "$ARGV_OUT"; done\n',
      );
      chmodSync(podman, 0o755);
      // A `date` whose `+%s` is one second later at every call: a value computed twice differs.
      const date = join(dirname(podman), 'date');
      const counter = join(dirname(podman), 'now');
      writeFileSync(counter, '1700000000\n');
      writeFileSync(
        date,
        `#!/bin/sh\nif [ "$1" = +%s ]; then n=$(($(cat ${counter}) + 1)); echo $n > ${counter}; echo $n; exit 0; fi\n` +
          'exec /bin/date "$@"\n',
      );
      chmodSync(date, 0o755);
    });
    const ticking = () => ({ PATH: `${dirname(podman)}:${process.env.PATH}` });
    const after = (argv, flag) => argv[argv.indexOf(flag) + 1];
    it('BuildKit: rewrite-timestamp output, no --platform unless PLATFORM is set', () => {
      const { argv } = dockerBuild(p);
      assert.equal(after(argv, '--output'), 'type=docker,rewrite-timestamp=true,unpack=false');
      assert.ok(!argv.includes('--platform') && !argv.includes('--timestamp'), argv.join(' '));
      assert.equal(after(dockerBuild(p, ['PLATFORM=linux/arm64']).argv, '--platform'), 'linux/arm64');
    });
    it('podman: --platform, the host as BUILDPLATFORM, --timestamp SOURCE_DATE_EPOCH read once, docker format', () => {
      // Outside git SOURCE_DATE_EPOCH is `date +%s`: both uses must see the same second.
      const { argv, args } = dockerBuild({ ...p, fake: podman }, ['PLATFORM=linux/arm64'], ticking());
      assert.equal(after(argv, '--platform'), 'linux/arm64');
      assert.equal(args.BUILDPLATFORM, 'linux/amd64');
      assert.match(args.SOURCE_DATE_EPOCH, /^\d+$/);
      assert.equal(after(argv, '--timestamp'), args.SOURCE_DATE_EPOCH);
      assert.equal(after(argv, '--format'), 'docker');
      assert.ok(!argv.includes('--omit-history') && !argv.includes('--output'), argv.join(' '));
    });
    it('docker-buildx: buildx for PLATFORMS, or with podman one build into the manifest list', () => {
      const bk = dockerBuild(p, [], {}, 'docker-buildx').argv;
      assert.deepEqual(bk.slice(0, 2), ['buildx', 'build']);
      assert.equal(after(bk, '--platform'), 'linux/amd64,linux/arm64');
      assert.equal(after(bk, '--output'), 'type=docker,rewrite-timestamp=true,unpack=false');
      const pm = dockerBuild({ ...p, fake: podman }, ['PLATFORMS=linux/arm64,linux/amd64'], {}, 'docker-buildx').argv;
      assert.equal(pm[0], 'build');
      assert.equal(after(pm, '--platform'), 'linux/arm64,linux/amd64');
      assert.equal(after(pm, '--manifest'), 'svc:dev');
      assert.ok(pm.includes('--timestamp') && !pm.includes('-t'), pm.join(' '));
    });
    it('podman, IMAGE_FORMAT=oci: --omit-history too', () => {
      const { argv } = dockerBuild({ ...p, fake: podman }, ['IMAGE_FORMAT=oci', 'SOURCE_DATE_EPOCH=1700000000']);
      assert.equal(after(argv, '--format'), 'oci');
      assert.equal(after(argv, '--timestamp'), '1700000000');
      assert.ok(argv.includes('--omit-history'), argv.join(' '));
    });
  });

  describe('the Makefile without docker.mk', () => {
    it('still builds, lists its targets and runs the others', () => {
      const p = project();
      rmSync(join(p.dir, 'docker.mk'));
      for (const args of [['-n', 'build'], [], ['-n', 'test']]) {
        const r = spawnSync('make', args, { cwd: p.dir, env: cleanEnv(p.dir), encoding: 'utf8' });
        assert.equal(r.status, 0, `make ${args.join(' ')}: ${r.stderr}`);
      }
    });
  });
});

function haveGo() {
  return spawnSync('go', ['version']).status === 0;
}

/** A GOENV file setting GOPROXY, so only `go env` (not make's environment) knows the value. */
function writeGoEnv(dir, goproxy) {
  const file = join(dir, '..', 'go.env');
  writeFileSync(file, `GOPROXY=${goproxy}\n`);
  return file;
}
