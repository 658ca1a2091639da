// No way in, round two (issue 21): what the files of a cloned repository could still make the CLI
// run, print or eat. Each case reproduces the attack as the issue states it; the invariant is the
// one of test/hostile.test.mjs: a sound run, or one line (no stack trace), a non-zero exit, and
// nothing written. Items 7-9 (signals, YAML, smaller holes): test/hostile-misc.test.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, ROOT } from './helpers/generate.mjs';

const tmp = () => mkdtempSync(join(tmpdir(), 'gm-repo-'));
const SECRET = 'tok_5ecret_d0_not_print_me';
const RSS = join(ROOT, 'test/helpers/maxrss.mjs');

/** The CLI, bounded in time; GOTOOLCHAIN=local so a `go 1.27` line makes go list fail here. */
function cli(args, { env = {}, timeout = 60_000, cwd } = {}) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    stdin: 'ignore',
    timeout,
    cwd,
    env: { ...process.env, GOTOOLCHAIN: 'local', SECRET_TOKEN: SECRET, ...env },
  });
}

/** One line on stderr, naming the problem; no stack trace; the exit code when given. */
function assertOneLine(r, pattern, code) {
  assert.equal(r.error, undefined, `the run did not end: ${r.error}`);
  assert.notEqual(r.status, 0, r.stdout + r.stderr);
  if (code !== undefined) assert.equal(r.status, code, r.stderr);
  assert.match(r.stderr, /^go-minimal: [^\n]*\n$/, `not one line: ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  if (pattern) assert.match(r.stderr, pattern);
  assert.ok(!(r.stdout + r.stderr).includes(SECRET), 'a secret was printed');
}

/** A module: go.mod with the go line, and files (path → content). */
function module(files, goLine = '1.26') {
  const dir = tmp();
  writeFileSync(join(dir, 'go.mod'), `module example.com/m\n\ngo ${goLine}\n`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const MAIN = 'package main\n\nfunc main() {}\n';
const EVIL_DIR = 'cmd/a$(touch${IFS}pwned)';

/** The names in a folder, recursively: what "nothing written" compares. */
const names = (dir) => readdirSync(dir, { recursive: true }).sort();

describe('1. no unchecked name reaches a shell line', () => {
  // go 1.27: go list fails under GOTOOLCHAIN=local and the file scanner reads the folders; go
  // 1.26: go list reads them. Both paths are checked the same way.
  for (const goLine of ['1.27', '1.26']) {
    it(`a main package in ${JSON.stringify(EVIL_DIR)} (go ${goLine}): refused as --main would be, nothing written`, () => {
      const dir = module({ [`${EVIL_DIR}/main.go`]: MAIN }, goLine);
      const before = names(dir);
      const r = cli(['docker', dir, '--yes']);
      // The scanner lists the folder and refuses its name; go list does not list it as a package.
      assertOneLine(
        r,
        /No main package (to build: "\.\/cmd\/a\$\(touch\$\{IFS\}pwned\)" has a folder name --main refuses|in )/,
      );
      assert.deepEqual(names(dir), before);
    });
  }
  it('beside a sound main: left out with a note, never on the RUN line', () => {
    const dir = module({ [`${EVIL_DIR}/main.go`]: MAIN, 'cmd/api/main.go': MAIN }, '1.27');
    const r = cli(['docker', dir, '--yes']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /note: left out "\.\/cmd\/a\$\(touch\$\{IFS\}pwned\)"/);
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /go build .* \.\/cmd\/api$/m);
    assert.doesNotMatch(dockerfile, /\$\(/);
  });
  it('given as --main: refused by the flag check', () => {
    const dir = module({ [`${EVIL_DIR}/main.go`]: MAIN, 'cmd/api/main.go': MAIN });
    const r = cli(['docker', dir, '--yes', '--main', `./${EVIL_DIR}`]);
    assertOneLine(
      r,
      /^go-minimal: Invalid --main "\.\/cmd\/a\$\(touch\$\{IFS\}pwned\)": use \. or \.\/cmd\/<name>\.\n$/,
    );
  });
  // A Go-quoted pattern: go list unquotes it to a real newline; the scanner keeps the backslash.
  for (const goLine of ['1.26', '1.27']) {
    it(`a //go:embed "x\\n!.env" pattern (go ${goLine}) cannot inject a .dockerignore line`, () => {
      const dir = module(
        {
          'main.go':
            'package main\n\nimport "embed"\n\n//go:embed "x\\n!.env"\nvar f embed.FS\n\nfunc main() { _ = f }\n',
        },
        goLine,
      );
      const before = names(dir);
      const r = cli(['docker', dir, '--yes']);
      assertOneLine(
        r,
        /Cannot use the \/\/go:embed pattern "x\\n!\.env" in "\."|Cannot use the \/\/go:embed pattern "x\\\\n!\.env"/,
        2,
      );
      assert.deepEqual(names(dir), before);
    });
  }
});

describe('2. update --from 0.1.9 means the version 0.1.9', () => {
  it('a folder named 0.1.9 in the project is never loaded in its place', () => {
    const dir = join(tmp(), 'svc');
    assert.equal(cli([dir, '--yes', '--skip-install', '--go-version', '1.26']).status, 0);
    const marker = join(dir, 'PWNED');
    const planted = join(dir, '0.1.9');
    mkdirSync(join(planted, 'dist/generators/app'), { recursive: true });
    writeFileSync(
      join(planted, 'package.json'),
      JSON.stringify({ name: 'generator-go-minimal', version: '0.1.9', type: 'module' }),
    );
    writeFileSync(
      join(planted, 'dist/generators/app/index.js'),
      `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x'); export default class {}\n`,
    );
    // npm points at a port nothing listens on: the version cannot be fetched, and says so.
    const r = cli(['update', '--from', '0.1.9', '--check'], {
      cwd: dir,
      env: { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', GO_MINIMAL_CACHE: tmp() },
      timeout: 120_000,
    });
    assertOneLine(r, /--from "0\.1\.9": npm install generator-go-minimal@0\.1\.9 failed/, 2);
    assert.equal(existsSync(marker), false, "the planted folder's code ran");
  });
});

describe('3. never print file contents we did not write', () => {
  it('go.mod linked to /proc/self/environ: refused unread, no variable printed', () => {
    const dir = module({ 'main.go': MAIN });
    const gomod = join(dir, 'go.mod');
    spawnSync('rm', [gomod]);
    symlinkSync('/proc/self/environ', gomod);
    assertOneLine(
      cli(['docker', dir, '--yes']),
      /^go-minimal: Cannot use go\.mod: it is a symbolic link that leads out of the folder/,
      2,
    );
  });
  it('.yo-rc.json linked to a secret file: refused, none of it shown', () => {
    const dir = tmp();
    const secret = join(tmp(), 'secret');
    writeFileSync(secret, `${SECRET}\n`);
    symlinkSync(secret, join(dir, '.yo-rc.json'));
    assertOneLine(
      cli([dir, '--yes', '--skip-install']),
      /Cannot use "?\.yo-rc\.json"?: it is a symbolic link that leads out/,
      2,
    );
    assertOneLine(cli(['update', dir, '--check']), /Cannot use \.yo-rc\.json: it is a symbolic link that leads out/, 2);
  });
  it('a .yo-rc.json that is not JSON: the line and column, none of its text', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.yo-rc.json'), `{\n  "generator-go-minimal": {\n    "port": ${SECRET}\n  }\n}\n`);
    assertOneLine(
      cli([dir, '--yes', '--skip-install']),
      /^go-minimal: Cannot use \.yo-rc\.json: it is not valid JSON/,
      2,
    );
    assertOneLine(cli(['update', dir, '--check']), /^go-minimal: Cannot use \.yo-rc\.json: it is not valid JSON/, 2);
  });
  it('a go.mod line that does not parse is quoted short and escaped', () => {
    const dir = module({ 'main.go': MAIN });
    writeFileSync(join(dir, 'go.mod'), `module example.com/m\n\n\u001b[31mevil ${'x'.repeat(200)}\n`);
    const r = cli(['docker', dir, '--yes']);
    assertOneLine(r, /cannot parse go\.mod:3: "\\u001b\[31mevil x+"…/);
    assert.ok(!r.stderr.includes('\u001b'), 'a raw escape reached the terminal');
  });
});

describe('4. git runs nothing from a planted .git', () => {
  /** A generated project in a git repository whose config and hooks would each run a command. */
  function plantedRepo() {
    const dir = join(tmp(), 'svc');
    assert.equal(cli([dir, '--yes', '--skip-install', '--go-version', '1.26']).status, 0);
    const markers = join(tmp(), 'markers');
    mkdirSync(markers);
    const git = (...args) => {
      const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    };
    git('init', '-q');
    git('-c', 'user.email=a@b', '-c', 'user.name=a', 'add', '-A');
    git('-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-qm', 'generated');
    const hook = (name) => `#!/bin/sh\ntouch ${join(markers, name)}\n`;
    for (const [dirName, name] of [
      ['.git/hooks', 'post-index-change'],
      ['hooks', 'post-index-change'],
    ]) {
      mkdirSync(join(dir, dirName), { recursive: true });
      writeFileSync(join(dir, dirName, name), hook(`${dirName.replace(/\W/g, '')}-${name}`));
      chmodSync(join(dir, dirName, name), 0o755);
    }
    git('config', 'core.hooksPath', 'hooks');
    git('config', 'filter.evil.clean', `touch ${join(markers, 'filter-clean')}; cat`);
    git('config', 'filter.evil2.process', `touch ${join(markers, 'filter-process')}`);
    git('config', 'core.fsmonitor', `touch ${join(markers, 'fsmonitor')}; false`);
    writeFileSync(join(dir, '.git/info/attributes'), '*.go filter=evil\nMakefile filter=evil2\n');
    // Same size, new mtime: git must hash them again, through the filters.
    for (const f of ['main.go', 'Makefile']) writeFileSync(join(dir, f), readFileSync(join(dir, f)));
    return { dir, markers };
  }
  it('update (which runs git status) starts none of: hooks, hooksPath, clean and process filters, fsmonitor', () => {
    const { dir, markers } = plantedRepo();
    const r = cli(['update', dir, '--no-verify'], { timeout: 120_000 });
    assert.ok([0, 2].includes(r.status), r.stderr);
    assert.deepEqual(readdirSync(markers), [], 'a planted command ran');
    // The control: the same repository makes a plain git status run them.
    const copy = join(tmp(), 'copy');
    cpSync(dir, copy, { recursive: true });
    spawnSync('git', ['status', '--porcelain'], { cwd: copy, encoding: 'utf8' });
    assert.ok(
      readdirSync(markers).length >= 2,
      `the planted commands did not run under plain git: ${readdirSync(markers)}`,
    );
  });
});

describe('5. bounded input everywhere: one line, exit 2, nothing written', () => {
  /** A folder holding `name` as a FIFO, a link to /dev/zero, or 2 MiB of a valid-looking file. */
  const planted = (name, kind, content) => {
    const dir = content === undefined ? tmp() : module({ 'main.go': MAIN });
    const file = join(dir, name);
    spawnSync('rm', ['-f', file]);
    if (kind === 'fifo') assert.equal(spawnSync('mkfifo', [file]).status, 0);
    else if (kind === 'zero') symlinkSync('/dev/zero', file);
    else writeFileSync(file, kind);
    return dir;
  };
  const big = (prefix) => `${prefix}${' '.repeat(2 * 1024 * 1024)}\n`;
  const cases = [
    ['.yo-rc.json', 'fifo', [], /not a regular file/],
    ['.yo-rc.json', 'zero', [], /symbolic link that leads out/],
    ['.yo-rc.json', big('{"generator-go-minimal": {}}'), [], /is \d+ bytes; at most 1048576 are read/],
    ['package.json', 'fifo', [], /not a regular file/],
    ['main.go', 'fifo', [], /not a regular file/],
    ['go.mod', 'fifo', ['docker'], /not a regular file/],
    ['go.mod', 'zero', ['docker'], /symbolic link that leads out/],
    ['go.mod', big('module example.com/m\n'), ['docker'], /is \d+ bytes; at most 1048576 are read/],
    ['Makefile', big('all:\n'), ['docker'], /is \d+ bytes; at most 1048576 are read/],
    ['.dockerignore', big('.git\n'), ['docker'], /is \d+ bytes; at most 1048576 are read/],
  ];
  for (const [name, kind, command, pattern] of cases) {
    const label = kind === 'fifo' || kind === 'zero' ? kind : '2 MiB';
    it(`${command[0] ?? 'app'}: ${name} as ${label}`, () => {
      const dir = planted(name, kind, command[0] === 'docker' ? '' : undefined);
      const before = names(dir);
      const start = Date.now();
      const r = cli(
        [...command, dir, '--yes', '--skip-install'].filter((a) => !(command[0] && a === '--skip-install')),
        {
          timeout: 30_000,
        },
      );
      assertOneLine(r, pattern, 2);
      assert.ok(Date.now() - start < 20_000, 'not at once');
      assert.deepEqual(names(dir), before);
    });
  }
  it('update of a docker-made project reads no large unrelated file (peak RSS bounded, reported)', (t) => {
    const dir = module({
      'main.go': `package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":8080", nil) }\n`,
    });
    assert.equal(cli(['docker', dir, '--yes']).status, 0);
    // 300 MB of data beside the code (sparse: no disk cost, but a read or a copy would be real).
    assert.equal(spawnSync('truncate', ['-s', '300M', join(dir, 'data.bin')]).status, 0);
    const rss = join(tmp(), 'rss');
    const r = spawnSync(process.execPath, ['--import', RSS, CLI, 'update', dir, '--check'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, GOTOOLCHAIN: 'local', GM_RSS_FILE: rss },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const peak = Number(readFileSync(rss, 'utf8'));
    t.diagnostic(`update --check beside a 300 MB file: peak RSS ${(peak / 1e6).toFixed(0)} MB`);
    assert.ok(peak < 250e6, `peak RSS ${peak} bytes: the large file was read`);
  });
});
