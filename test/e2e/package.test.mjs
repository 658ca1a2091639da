// The published package, as a user gets it: `npm pack` → `npm install -g` of the tarball together
// with yo@7.0.1 under a temporary prefix → `yo go-minimal` as an unprivileged user (yo refuses to
// run as root) and the `go-minimal` bin as root → both must write the same tree, byte for byte.
//
// Needs the npm registry (the install resolves the package's dependencies and yo); the npm cache
// makes repeats fast. The yo part needs root (to drop to uid 65534 with setpriv); without root or
// setpriv it is skipped, unless CI=true or E2E=required, where a missing tool is a failure.
//
// dist/ must be built first (`npm test` does it in pretest): the pack uses --ignore-scripts so the
// prepack build does not run a second time, nor rewrite dist/ under the test files running in
// parallel. GO_MINIMAL_E2E_KEEP=1 keeps the temporary folder for inspection.
//
// No dependencies beyond node built-ins.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { NOBODY, asNobody } from './tools.mjs';

/** Files every generated tree must hold, the dotfiles (stored without their dot) among them. */
const KEY_FILES = ['.gitignore', '.dockerignore', '.editorconfig', '.yo-rc.json', 'go.mod', 'main.go', 'Dockerfile'];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const YO = 'yo@7.0.1';
const REQUIRED = /^(true|1)$/i.test(process.env.CI ?? '') || process.env.E2E === 'required';
const KEEP = process.env.GO_MINIMAL_E2E_KEEP === '1';
/** The generator's flags for both runs (yo and go-minimal take the same ones). */
const GEN_ARGS = ['--yes', '--name', 'pkgtest', '--go-version', '1.23', '--skip-install'];

// ---------------------------------------------------------------------------------------------
// Helpers

const quote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${String(s).replaceAll("'", `'\\''`)}'`);

/** A command line a human can paste: cwd, environment and arguments. */
function commandLine(cmd, args, { cwd, env } = {}) {
  const envPart = env
    ? `env -i ${Object.entries(env)
        .map(([k, v]) => `${k}=${quote(v)}`)
        .join(' ')} `
    : '';
  return `(cd ${quote(cwd ?? process.cwd())} && ${envPart}${[cmd, ...args].map(quote).join(' ')})`;
}

/**
 * Runs a command without a shell, stdin closed (never a TTY), output captured.
 * Resolves with { status, signal, stdout, stderr, ms, line }; never rejects on a non-zero exit.
 */
function run(cmd, args, { cwd = process.cwd(), env = process.env, timeout = 120_000 } = {}) {
  const line = commandLine(cmd, args, { cwd, env: env === process.env ? undefined : env });
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    const done = (status, signal, error) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (error) stderr += `\n[spawn error] ${error.message}`;
      if (signal === 'SIGKILL') stderr += `\n[killed after ${timeout} ms]`;
      resolve({ status, signal, stdout, stderr, ms, line });
    };
    child.on('error', (error) => done(null, null, error));
    child.on('close', (status, signal) => done(status, signal));
  });
}

/** What a failure message shows: the command line and everything it printed. */
function report(r, what = '') {
  return `${what}${what ? '\n' : ''}command: ${r.line}\nexit: ${r.status ?? r.signal}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

async function mustRun(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  assert.equal(r.status, 0, report(r, `${path.basename(cmd)} failed`));
  return r;
}

/** Every entry under dir, relative, sorted; anything but a regular file fails the comparison. */
function tree(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p) + (e.isFile() ? '' : ' (not a regular file)'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Member paths of a .tgz (ustar, with pax `path` records as npm writes them for long names). */
function tarList(file) {
  const buf = gunzipSync(fs.readFileSync(file));
  const names = [];
  const members = new Map();
  let paxPath = null;
  for (let off = 0; off + 512 <= buf.length;) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const str = (a, b) => header.subarray(a, b).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(str(124, 136).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = str(257, 263).startsWith('ustar') ? str(345, 500) : '';
    const body = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? null;
      continue;
    }
    if (type === 'g') continue;
    const name = paxPath ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    paxPath = null;
    if (type === '0' || type === '\0') members.set(name, body);
    names.push(name);
  }
  return { names, members };
}

/** Newest mtime under dir (files only). */
function newest(dir) {
  let max = 0;
  for (const rel of tree(dir)) max = Math.max(max, fs.statSync(path.join(dir, rel)).mtimeMs);
  return max;
}

function onPath(bin) {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((d) => d && fs.existsSync(path.join(d, bin)) && fs.statSync(path.join(d, bin)).isFile());
}

/** Why the yo-as-unprivileged part cannot run here, or null. */
function unprivilegedBlocker() {
  if (process.getuid?.() !== 0) return 'not running as root: cannot drop to uid 65534 with setpriv';
  if (!onPath('setpriv')) return 'setpriv is not on PATH (util-linux)';
  return null;
}

/** The environment npm runs with: npm_config_* that `npm test` may export must not redirect it. */
function npmEnv() {
  const env = { ...process.env, NO_UPDATE_NOTIFIER: '1' };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(prefix|global|location|dry_run|json|pack_destination|ignore_scripts)$/i.test(key))
      delete env[key];
  }
  return env;
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------

describe('published package: npm pack → npm install -g with yo@7.0.1 → yo / go-minimal', () => {
  /** Filled by before(). */
  const ctx = {
    base: '',
    tarball: '',
    tar: /** @type {{ names: string[], members: Map<string, Buffer> }} */ (null),
    prefix: '',
    bin: '',
    /** PATH for the runs: the prefix's bins, then node's own folder (the bins are `#!/usr/bin/env node`). */
    path: '',
  };
  /** go-minimal's tree, made once and shared by the tests that need it. */
  let rootRun = null;

  before(
    async () => {
      assert.ok(
        fs.existsSync(path.join(ROOT, 'dist/cli.js')),
        `dist/ is not built: run \`npm run build\` first (cd ${ROOT} && npm run build)`,
      );
      if (newest(path.join(ROOT, 'src')) > fs.statSync(path.join(ROOT, 'dist/cli.js')).mtimeMs) {
        console.log('warning: src/ has changes newer than dist/: the tarball packs the dist/ built earlier');
      }
      // Every folder here must be traversable by uid 65534, up to the root.
      ctx.base = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-package-'));
      fs.chmodSync(ctx.base, 0o755);
      for (let d = path.dirname(ctx.base); ; d = path.dirname(d)) {
        if (!(fs.statSync(d).mode & 0o001)) {
          console.log(`warning: ${d} is not searchable by others: uid ${NOBODY} cannot reach ${ctx.base}`);
        }
        if (d === path.dirname(d)) break;
      }
      const packDir = path.join(ctx.base, 'pack');
      ctx.prefix = path.join(ctx.base, 'prefix');
      fs.mkdirSync(packDir, { mode: 0o755 });
      fs.mkdirSync(ctx.prefix, { mode: 0o755 });

      // 1. npm pack. The build already ran (npm test's pretest, or by hand): skip prepack's second build.
      const pack = await mustRun(
        'npm',
        ['pack', '--ignore-scripts', '--pack-destination', packDir, '--json', '--loglevel=error'],
        { cwd: ROOT, env: npmEnv(), timeout: 120_000 },
      );
      const packed = JSON.parse(pack.stdout);
      ctx.tarball = path.join(packDir, packed[0].filename);
      assert.ok(fs.existsSync(ctx.tarball), report(pack, `no tarball at ${ctx.tarball}`));
      ctx.tar = tarList(ctx.tarball);

      // 2. The tarball and yo, installed globally under the temporary prefix, as a user would.
      const install = await mustRun(
        'npm',
        ['install', '-g', '--prefix', ctx.prefix, ctx.tarball, YO, '--no-audit', '--no-fund', '--loglevel=error'],
        { cwd: ctx.base, env: npmEnv(), timeout: 280_000 },
      );
      // Readable by uid 65534 whatever the umask was.
      await mustRun('chmod', ['-R', 'a+rX', ctx.prefix]);
      ctx.bin = path.join(ctx.prefix, 'bin');
      ctx.path = [...new Set([ctx.bin, path.dirname(process.execPath), '/usr/bin', '/bin'])].join(':');
      console.log(
        `package e2e: npm pack ${secs(pack.ms)}, npm install -g tarball + ${YO} ${secs(install.ms)}, total ${secs(pack.ms + install.ms)}`,
      );
    },
    { timeout: 300_000 },
  );

  after(() => {
    if (!ctx.base) return;
    if (KEEP) console.log(`kept ${ctx.base}`);
    else fs.rmSync(ctx.base, { recursive: true, force: true });
  });

  /** A fresh folder (mode 755) under the temporary base, owned by uid 65534 when asked. */
  function freshDir(name, { nobody = false } = {}) {
    const dir = path.join(ctx.base, name);
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    if (nobody) fs.chownSync(dir, NOBODY, NOBODY);
    return dir;
  }

  /** Runs <prefix>/bin/yo as uid/gid 65534 with a clean environment and a fresh home. */
  function yoAsNobody(args, cwd) {
    const home = fs.mkdtempSync(path.join(ctx.base, 'home-nobody-'));
    fs.chmodSync(home, 0o755);
    fs.chownSync(home, NOBODY, NOBODY);
    // yo 7.0.1 has no Insight prompt any more (nothing to opt out of; `--no-insight` would only
    // reach the generator as an unknown option). The update notifier is its only network use.
    const env = { HOME: home, PATH: ctx.path, NO_UPDATE_NOTIFIER: '1', NO_COLOR: '1', LANG: 'C.UTF-8' };
    return run(...asNobody(env, [path.join(ctx.bin, 'yo'), ...args]), {
      cwd,
      env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
    });
  }

  /** Skips (or, under CI=true / E2E=required, fails) when yo cannot run unprivileged here. */
  function needUnprivileged(t) {
    const blocker = unprivilegedBlocker();
    if (!blocker) return true;
    if (REQUIRED) assert.fail(`${blocker} (CI=true or E2E=required: a missing tool is a failure, not a skip)`);
    t.skip(blocker);
    return false;
  }

  /** yo looks generators up in these folders too: another generator-go-minimal there would shadow the tarball's. */
  function assertNoShadowingCopy(cwd) {
    const dirs = ['/usr/lib/node_modules', '/usr/local/lib/node_modules'];
    for (let d = cwd; ; d = path.dirname(d)) {
      dirs.push(path.join(d, 'node_modules'));
      if (d !== cwd)
        assert.ok(!fs.existsSync(path.join(d, '.yo-rc.json')), `${d}/.yo-rc.json would become the destination root`);
      if (d === path.dirname(d)) break;
    }
    for (const d of dirs) {
      assert.ok(
        !fs.existsSync(path.join(d, PKG.name)),
        `${path.join(d, PKG.name)} exists: yo could run it instead of the tarball's copy`,
      );
    }
  }

  function goMinimalRun() {
    rootRun ??= (async () => {
      const cwd = freshDir('root-cwd');
      const home = freshDir('home-root');
      const out = path.join(cwd, 'out'); // does not exist yet: go-minimal creates it
      const r = await mustRun(path.join(ctx.bin, 'go-minimal'), [out, ...GEN_ARGS], {
        cwd,
        env: { HOME: home, PATH: ctx.path, NO_UPDATE_NOTIFIER: '1', NO_COLOR: '1', LANG: 'C.UTF-8' },
      });
      return { r, out };
    })();
    return rootRun;
  }

  it('the tarball holds dist/cli.js, the generator, every template (gitignore.ejs too), and no src/ or test/', () => {
    const names = ctx.tar.names;
    const listing = `tarball ${ctx.tarball}:\n  ${names.join('\n  ')}`;
    const has = (p) => assert.ok(names.includes(`package/${p}`), `missing package/${p}\n${listing}`);
    for (const p of ['package.json', 'dist/cli.js', 'dist/index.js', 'dist/generators/app/index.js']) has(p);
    has('dist/generators/app/templates/gitignore.ejs');
    // Every template of every generator in src/ …
    for (const gen of fs.readdirSync(path.join(ROOT, 'src/generators'))) {
      const templates = path.join(ROOT, 'src/generators', gen, 'templates');
      if (fs.existsSync(templates)) for (const rel of tree(templates)) has(`dist/generators/${gen}/templates/${rel}`);
    }
    // … and every file of the built dist/ (npm pack silently drops some names, e.g. .gitignore, .npmrc).
    for (const rel of tree(path.join(ROOT, 'dist'))) has(`dist/${rel}`);
    const stray = names.filter((n) => /^package\/(src|test|node_modules)\//.test(n) || !n.startsWith('package/'));
    assert.deepEqual(stray, [], `unexpected entries in the tarball\n${listing}`);

    const pkg = JSON.parse(ctx.tar.members.get('package/package.json').toString('utf8'));
    assert.equal(pkg.bin?.['go-minimal'], 'dist/cli.js', 'package.json bin.go-minimal');
    assert.ok(
      pkg.keywords?.includes('yeoman-generator'),
      'package.json keywords must include yeoman-generator (yo lists generators by it)',
    );
    assert.match(
      pkg.scripts?.prepack ?? '',
      /\bbuild\b/,
      'prepack must build (npm publish packs dist/, which git does not hold)',
    );
    assert.match(
      ctx.tar.members.get('package/dist/cli.js').toString('utf8'),
      /^#!\/usr\/bin\/env node\n/,
      'dist/cli.js shebang',
    );
  });

  it('the installed package resolves by name and exports the generator class', async () => {
    const r = await mustRun(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(PKG.name)}); if (typeof m.AppGenerator !== 'function') throw new Error('no AppGenerator export: ' + Object.keys(m));`,
      ],
      { cwd: path.join(ctx.prefix, 'lib') },
    );
    assert.equal(r.stderr, '', report(r));
  });

  it('go-minimal --help exits 0 (root)', async () => {
    const r = await mustRun(path.join(ctx.bin, 'go-minimal'), ['--help'], {
      cwd: ctx.base,
      env: { HOME: ctx.base, PATH: ctx.path, NO_COLOR: '1' },
    });
    assert.match(r.stdout, /^Usage: go-minimal /, report(r));
    for (const flag of ['--module-path', '--go-version', '--yes'])
      assert.ok(r.stdout.includes(flag), report(r, `help lacks ${flag}`));
  });

  it('go-minimal <folder> as root writes the project', async () => {
    const { r, out } = await goMinimalRun();
    console.log(`package e2e: go-minimal (root) ${secs(r.ms)}`);
    const files = tree(out);
    for (const f of KEY_FILES) {
      assert.ok(files.includes(f), report(r, `${f} not written; got ${files.join(', ')}`));
    }
    assert.match(fs.readFileSync(path.join(out, 'go.mod'), 'utf8'), /^module example\.com\/pkgtest$/m, report(r));
  });

  it('yo go-minimal --help (uid 65534) lists the module-path and go-version options', async (t) => {
    if (!needUnprivileged(t)) return;
    const cwd = freshDir('yo-help', { nobody: true });
    assertNoShadowingCopy(cwd);
    const r = await yoAsNobody(['go-minimal', '--help'], cwd);
    assert.equal(r.status, 0, report(r, 'yo go-minimal --help failed'));
    // yo prints the options as the generator declares them (camelCase); the kebab spelling works too.
    assert.match(r.stdout, /--(module-path|modulePath)\b/, report(r, 'help lacks --module-path/--modulePath'));
    assert.match(r.stdout, /--(go-version|goVersion)\b/, report(r, 'help lacks --go-version/--goVersion'));
    assert.deepEqual(fs.readdirSync(cwd), [], report(r, '--help wrote files'));
  });

  it('yo go-minimal (uid 65534, no TTY) writes the same tree as go-minimal (root), byte for byte', async (t) => {
    if (!needUnprivileged(t)) return;
    const cwd = freshDir('yo-out', { nobody: true });
    assertNoShadowingCopy(cwd);
    const r = await yoAsNobody(['go-minimal', ...GEN_ARGS], cwd);
    assert.equal(r.status, 0, report(r, 'yo go-minimal failed'));
    console.log(`package e2e: yo go-minimal (uid ${NOBODY}) ${secs(r.ms)}`);

    const root = await goMinimalRun();
    const yoFiles = tree(cwd);
    const rootFiles = tree(root.out);
    const detail = `yo run:\n${report(r)}\n\ngo-minimal run:\n${report(root.r)}`;
    // The dotfiles (stored without their dot in the package) and the main files must be there.
    for (const f of KEY_FILES) {
      assert.ok(yoFiles.includes(f), `yo did not write ${f}; it wrote ${yoFiles.join(', ')}\n${detail}`);
    }
    assert.deepEqual(
      rootFiles,
      yoFiles,
      `go-minimal (${root.out}) and yo (${cwd}) wrote different file lists\n${detail}`,
    );
    const differ = yoFiles.filter(
      (f) => !fs.readFileSync(path.join(cwd, f)).equals(fs.readFileSync(path.join(root.out, f))),
    );
    assert.deepEqual(
      differ,
      [],
      `contents differ: ${differ.join(', ')} (diff -r ${root.out} ${cwd}; GO_MINIMAL_E2E_KEEP=1 keeps them)\n${detail}`,
    );
    for (const f of yoFiles)
      assert.equal(fs.statSync(path.join(cwd, f)).uid, NOBODY, `${f} not owned by uid ${NOBODY}`);
  });
});
