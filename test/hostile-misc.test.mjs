// No way in, round two (issue 21), items 7-9: signals leave a whole project or none, YAML values
// stay strings, and the smaller holes (preset discovery, bounds, escapes, clearer messages); and
// the CLI's peak memory on the largest inputs it accepts. Items 1-5: test/hostile-repo.test.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { CLI, ROOT } from './helpers/generate.mjs';
import { kubernetesName } from '../dist/generators/derive.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'gm-misc-'));
const FLAGS = ['--yes', '--skip-install', '--go-version', '1.26'];
const PRELOAD = {
  signal: join(ROOT, 'test/helpers/signal-after-write.mjs'),
  rss: join(ROOT, 'test/helpers/maxrss.mjs'),
};

function cli(args, { env = {}, preload, timeout = 60_000, input } = {}) {
  const node = preload ? ['--import', preload] : [];
  return spawnSync(process.execPath, [...node, CLI, ...args], {
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout,
    env: { ...process.env, GOTOOLCHAIN: 'local', ...env },
  });
}

function assertOneLine(r, pattern, code) {
  assert.equal(r.error, undefined, `the run did not end: ${r.error}`);
  if (code !== undefined) assert.equal(r.status, code, r.stdout + r.stderr);
  else assert.notEqual(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /^go-minimal: [^\n]*\n$/, `not one line: ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  if (pattern) assert.match(r.stderr, pattern);
}

// What a default run writes, .yo-rc.json included: the golden default project's files.
const FILES = readdirSync(join(ROOT, 'test/golden/default'), { recursive: true, withFileTypes: true }).filter((e) =>
  e.isFile(),
).length;

describe('7. signals leave a whole project or none', () => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    it(`${signal} right after the first file: every file is written, one line says so`, () => {
      const dir = join(tmp(), 'svc');
      const r = cli([dir, ...FLAGS], { preload: PRELOAD.signal, env: { GM_SIGNAL: signal } });
      const code = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[signal];
      assert.equal(r.status, code, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `go-minimal: stopped by ${signal} after all ${FILES} files were written; go mod tidy and the summary did not run\\.\\n$`,
        ),
      );
      const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      assert.equal(files.length, FILES, 'not every file was written');
      assert.doesNotMatch(r.stderr, /interrupted/);
    });
  }
  it('SIGINT once every file is written never says "interrupted"', () => {
    const dir = join(tmp(), 'svc');
    const r = cli([dir, ...FLAGS], { preload: PRELOAD.signal, env: { GM_SIGNAL: 'SIGINT', GM_SIGNAL_AFTER: 'last' } });
    assert.ok([0, 130].includes(r.status), r.stderr);
    assert.doesNotMatch(r.stderr, /interrupted/);
    assert.equal(existsSync(join(dir, '.yo-rc.json')), true);
  });
  it('a folder another live run holds: one line naming it, nothing written', () => {
    const dir = join(tmp(), 'svc');
    mkdirSync(dir);
    // The lock lock.ts takes: a folder named by the hash of the real path, holding a live pid.
    const hash = createHash('sha256').update(realpathSync(dir)).digest('hex').slice(0, 32);
    const lock = join(tmpdir(), `go-minimal-locks-${process.getuid()}`, hash);
    mkdirSync(lock, { recursive: true });
    writeFileSync(join(lock, 'pid'), String(process.pid));
    try {
      const r = cli([dir, ...FLAGS]);
      assertOneLine(
        r,
        new RegExp(`another go-minimal run \\(pid ${process.pid}\\) is working in .*svc; wait for it`),
        1,
      );
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  });
  it('two runs at once in one folder: each succeeds or names the other, none is "interrupted"', async () => {
    const { spawn } = await import('node:child_process');
    const dir = join(tmp(), 'svc');
    const run = () =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, dir, ...FLAGS], { stdio: ['ignore', 'pipe', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, err });
        });
      });
    const results = await Promise.all([run(), run()]);
    for (const { code, err } of results) {
      assert.doesNotMatch(err, /interrupted/);
      assert.ok(code === 0 || /another go-minimal run/.test(err), `exit ${code}: ${err}`);
    }
    assert.ok(results.some((r) => r.code === 0));
  });
});

describe('8. YAML values are strings (YAML 1.1 and 1.2 parsers)', () => {
  const NAMES = ['true', 'null', '123', '1e3', '0x1f', '08', '1.5', 'yes', 'no', 'on', 'off', 'y', 'n'];
  const python = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;
  for (const name of NAMES) {
    it(`--name ${name}: every name, label and image is the string`, () => {
      const dir = join(tmp(), 'svc');
      const r = cli([dir, ...FLAGS, '--name', name, '--kubernetes', '--compose']);
      assert.equal(r.status, 0, r.stderr);
      const k8s = kubernetesName(name);
      for (const version of ['1.1', '1.2']) {
        const docs = (file) =>
          YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8'), { version }).map((d) => d.toJS());
        const [deployment] = docs('deploy/kubernetes/deployment.yaml');
        assert.equal(deployment.metadata.name, k8s, `YAML ${version}`);
        assert.equal(deployment.metadata.labels['app.kubernetes.io/name'], k8s, `YAML ${version}`);
        assert.equal(deployment.spec.template.spec.containers[0].image, name, `YAML ${version}`);
        assert.equal(docs('deploy/kubernetes/service.yaml')[0].spec.selector['app.kubernetes.io/name'], k8s);
        assert.equal(docs('deploy/kubernetes/kustomization.yaml')[0].images[0].name, name, `YAML ${version}`);
        const compose = docs('compose.yaml')[0];
        assert.deepEqual(Object.keys(compose.services), [name], `YAML ${version}`);
        assert.equal(compose.services[name].image, `${name}:dev`, `YAML ${version}`);
      }
      if (python) {
        // PyYAML: YAML 1.1, the parser yamllint and many tools use.
        const r2 = spawnSync(
          'python3',
          [
            '-c',
            'import sys, yaml, json; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1]))]))',
            join(dir, 'deploy/kubernetes/deployment.yaml'),
          ],
          { encoding: 'utf8' },
        );
        assert.equal(JSON.parse(r2.stdout)[0].spec.template.spec.containers[0].image, name, 'PyYAML');
      }
    });
  }
});

describe('9. the smaller holes', () => {
  it('a .go-minimal.json in a folder other users may write (like /tmp) is not found; in a private parent it is', () => {
    const shared = tmp();
    chmodSync(shared, 0o1777);
    writeFileSync(join(shared, '.go-minimal.json'), JSON.stringify({ port: 9999 }));
    const mine = join(shared, 'mine');
    mkdirSync(mine, { mode: 0o700 });
    const a = cli([join(mine, 'svc'), ...FLAGS]);
    assert.equal(a.status, 0, a.stderr);
    assert.doesNotMatch(a.stdout + a.stderr, /preset:|port 9999/);
    writeFileSync(join(mine, '.go-minimal.json'), JSON.stringify({ port: 9998 }));
    const b = cli([join(mine, 'svc2'), ...FLAGS]);
    assert.match(b.stdout + b.stderr, /port 9998/);
  });
  it('the Go patch number is bounded', () => {
    assertOneLine(
      cli([join(tmp(), 's'), ...FLAGS.slice(0, 2), '--go-version', '1.26.100']),
      /Invalid --go-version "1\.26\.100": .*P from 0 to 99/,
      1,
    );
  });
  it("a zero-width character in go.mod's module line is shown escaped", () => {
    const dir = tmp();
    writeFileSync(join(dir, 'go.mod'), 'module example.com/m\u200b\n\ngo 1.26\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
    const r = cli(['docker', dir, '--yes']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /of "example\.com\/m\\u200b"/);
    assert.ok(!(r.stdout + r.stderr).includes('\u200b'));
  });
  it("invalid UTF-8 in another tool's .yo-rc.json entry: refused, the file kept byte for byte", () => {
    const dir = tmp();
    const bytes = Buffer.concat([
      Buffer.from('{"generator-node": {"a": "'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}\n'),
    ]);
    writeFileSync(join(dir, '.yo-rc.json'), bytes);
    assertOneLine(cli([dir, ...FLAGS]), /Cannot use \.yo-rc\.json: it is not valid UTF-8 \(byte 27 of 32\)/, 2);
    assert.ok(readFileSync(join(dir, '.yo-rc.json')).equals(bytes));
  });
  it('--port -1 says how to write a value that starts with a dash', () => {
    assertOneLine(
      cli([join(tmp(), 's'), '--port', '-1']),
      /^go-minimal: --port "-1": a value that starts with "-" is written --port=-1 \(see go-minimal --help\)\n$/,
      2,
    );
  });
  it('a .dockerignore that is a folder is named', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.26\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
    mkdirSync(join(dir, '.dockerignore'));
    assertOneLine(cli(['docker', dir, '--yes']), /"\.dockerignore": it is a folder/, 2);
  });
  it('an [] entry: the entry, the file and what to do', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.yo-rc.json'), '{"generator-go-minimal": []}\n');
    assertOneLine(
      cli([dir, ...FLAGS]),
      /Invalid "generator-go-minimal" in \.yo-rc\.json: it must be a JSON object, not \[\]; delete that entry/,
    );
    assertOneLine(
      cli(['update', dir, '--check']),
      /Invalid "generator-go-minimal" in \.yo-rc\.json: it must be a JSON object, not \[\]/,
      2,
    );
  });
  it("another generator's entry: update names it, escaped", () => {
    const dir = tmp();
    writeFileSync(join(dir, '.yo-rc.json'), '{"generator-node\\u001b[2J": {"a": 1}}\n');
    const r = cli(['update', dir, '--check']);
    assertOneLine(r, /has no "generator-go-minimal" entry: the project was made by generator-node\\u001b\[2J;/, 2);
  });
  it('--from 99.0.0: newer than this version, said without asking npm', () => {
    const dir = join(tmp(), 'svc');
    assert.equal(cli([dir, ...FLAGS]).status, 0);
    const r = cli(['update', dir, '--from', '99.0.0', '--check'], {
      env: { npm_config_registry: 'http://127.0.0.1:9/' },
    });
    assertOneLine(r, /Invalid --from "99\.0\.0": newer than this version \(\d+\.\d+\.\d+\)/, 2);
  });
});

describe('peak memory on the largest accepted inputs (reported)', () => {
  const MiB = 1024 * 1024;
  const pad = (head, tail = '') => head + ' '.repeat(MiB - head.length - tail.length - 1) + tail + '\n';
  const cases = {
    'app: a 1 MiB .yo-rc.json': (dir) => {
      writeFileSync(join(dir, '.yo-rc.json'), pad('{"generator-go-minimal": {"port": 8080', '}}'));
      return [dir, ...FLAGS];
    },
    'app: a 1 MiB preset': (dir) => {
      writeFileSync(join(dir, 'p.json'), pad('{"port": 8081', '}'));
      return [join(dir, 'svc'), ...FLAGS, '--preset', join(dir, 'p.json')];
    },
    'docker: a 1 MiB go.mod, a 1 MiB main.go and a 1 MiB .dockerignore': (dir) => {
      writeFileSync(join(dir, 'go.mod'), pad('module example.com/m\n\ngo 1.26\n//'));
      writeFileSync(join(dir, 'main.go'), pad('package main\n\nfunc main() {}\n\n//'));
      writeFileSync(join(dir, '.dockerignore'), pad('.git\n#'));
      return ['docker', dir, '--yes', '--force'];
    },
  };
  for (const [label, make] of Object.entries(cases)) {
    it(label, (t) => {
      const rss = join(tmp(), 'rss');
      const r = cli(make(tmp()), { preload: PRELOAD.rss, env: { GM_RSS_FILE: rss } });
      assert.equal(r.status, 0, r.stderr);
      const peak = Number(readFileSync(rss, 'utf8'));
      t.diagnostic(`${label}: peak RSS ${(peak / 1e6).toFixed(0)} MB`);
      assert.ok(peak < 300e6, `peak RSS ${peak} bytes`);
    });
  }
});
