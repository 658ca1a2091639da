// The published package, as a user gets it, under every supported Node: `npm pack` once → for each
// Node (the machine's, 22 and 24) `npm install -g` of the tarball together with yo@7.0.1 under a
// temporary prefix, npm itself running on that Node → `yo go-minimal` as an unprivileged user (yo
// refuses to run as root) and the `go-minimal` bin as the caller (root in CI) → both must write
// the same tree, byte for byte. A preloaded probe (NODE_OPTIONS=--require) records the Node
// version and uid of every node process the bins start, so "ran under that Node, as uid 65534"
// is observed, not assumed.
//
// Node 22 and 24 come from npm (`bash .ci/install-node` puts them under GO_MINIMAL_NODE_DIR,
// default ~/.cache/go-minimal/node). yo runs as uid 65534 through `unshare --user` (asNobody in
// tools.mjs): that needs root or unprivileged user namespaces, not root as such, and works when
// `/` is mode 0700. Needs the npm registry (the installs resolve the package's dependencies and
// yo); the npm cache makes repeats fast, and the installs run in parallel. A missing Node or a
// user namespace that cannot be made is a skip with the reason, unless CI (true or 1) or E2E=required,
// where it is a failure.
//
// dist/ must be built first (`npm test` does it in pretest): the pack uses --ignore-scripts so the
// prepack build does not run a second time, nor rewrite dist/ under the test files running in
// parallel. GO_MINIMAL_E2E_KEEP=1 keeps the temporary folder for inspection.
//
// No dependencies beyond node built-ins. Helpers: package-helpers.mjs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { PROBE, mustRun, newest, nodes, npmEnv, report, run, secs, tarList, tree } from './package-helpers.mjs';
import { NOBODY, REQUIRED, asNobody, nobodyBlocker } from './tools.mjs';
import { helpText } from '../../dist/options/flags.js';

/** Files every generated tree must hold, the dotfiles (stored without their dot) among them. */
const KEY_FILES = ['.gitignore', '.dockerignore', '.editorconfig', '.yo-rc.json', 'go.mod', 'main.go', 'Dockerfile'];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const YO = 'yo@7.0.1';
const KEEP = process.env.GO_MINIMAL_E2E_KEEP === '1';
/** The generator's flags for both runs (yo and go-minimal take the same ones). */
const GEN_ARGS = ['--yes', '--name', 'pkgtest', '--go-version', '1.23', '--skip-install'];

const NODES = nodes();
const NOBODY_BLOCKER = nobodyBlocker();
const CALLER = process.getuid?.() ?? -1;
const CALLER_GID = process.getgid?.() ?? -1;
const AS = CALLER === 0 ? 'root' : `uid ${CALLER}`;

// ---------------------------------------------------------------------------------------------

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
describe('published package: npm pack → npm install -g with yo@7.0.1 → yo / go-minimal, per Node', () => {
  /** Filled by before(). */
  const shared = {
    base: '',
    tarball: '',
    tar: /** @type {{ names: string[], members: Map<string, Buffer> }} */ (null),
    probe: '',
  };
  /** Node major → promise of its install (all started together by before()). */
  const installs = new Map();
  let runs = 0;

  /** npm install -g of the tarball and yo under a prefix of its own, npm itself running on `node`. */
  async function install(node) {
    const prefix = path.join(shared.base, `prefix-node${node.major}`);
    fs.mkdirSync(prefix, { mode: 0o755 });
    // npm's bin is `#!/usr/bin/env node`: this Node first on PATH runs npm (and its resolution) on it.
    const env = { ...npmEnv(), PATH: `${node.dir}:${process.env.PATH}` };
    const v = await mustRun('npm', ['version', '--json', '--loglevel=error'], { cwd: shared.base, env });
    assert.equal(`v${JSON.parse(v.stdout).node}`, node.version, report(v, 'npm does not run on the Node under test'));
    const r = await mustRun(
      'npm',
      ['install', '-g', '--prefix', prefix, shared.tarball, YO, '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: shared.base, env, timeout: 280_000 },
    );
    console.log(`package e2e: Node ${node.version}: npm install -g tarball + ${YO} ${secs(r.ms)}`);
    const bin = path.join(prefix, 'bin');
    // The bins are `#!/usr/bin/env node`: the Node under test comes right after them.
    return { prefix, bin, path: [...new Set([bin, node.dir, '/usr/bin', '/bin'])].join(':') };
  }

  before(
    async () => {
      assert.ok(
        fs.existsSync(path.join(ROOT, 'dist/cli.js')),
        `dist/ is not built: run \`npm run build\` first (cd ${ROOT} && npm run build)`,
      );
      if (newest(path.join(ROOT, 'src')) > fs.statSync(path.join(ROOT, 'dist/cli.js')).mtimeMs) {
        console.log('warning: src/ has changes newer than dist/: the tarball packs the dist/ built earlier');
      }
      // Owned by the caller: uid 65534 inside asNobody's user namespace is the caller to the kernel,
      // so it reaches and writes these folders through their owner bits, whatever the modes above.
      shared.base = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-package-'));
      const packDir = path.join(shared.base, 'pack');
      fs.mkdirSync(packDir);
      shared.probe = path.join(shared.base, 'probe.cjs');
      fs.writeFileSync(shared.probe, PROBE);

      // 1. npm pack, once for every Node. The build already ran (npm test's pretest, or by hand):
      // skip prepack's second build.
      const pack = await mustRun(
        'npm',
        ['pack', '--ignore-scripts', '--pack-destination', packDir, '--json', '--loglevel=error'],
        { cwd: ROOT, env: npmEnv(), timeout: 120_000 },
      );
      const packed = JSON.parse(pack.stdout);
      shared.tarball = path.join(packDir, packed[0].filename);
      assert.ok(fs.existsSync(shared.tarball), report(pack, `no tarball at ${shared.tarball}`));
      shared.tar = tarList(shared.tarball);
      console.log(`package e2e: npm pack ${secs(pack.ms)}`);

      // 2. The installs, one per Node, in parallel (they share npm's cache); each Node's tests await theirs.
      for (const node of NODES) {
        if (!node.exec) continue;
        const p = install(node);
        p.catch(() => {}); // reported by that Node's before(), not as an unhandled rejection
        installs.set(node.major, p);
      }
    },
    { timeout: 150_000 },
  );

  /** Removals of each Node's prefix (≈ 150 MB, 24k files), started as soon as its tests are done. */
  const removals = [];
  /** `rm -rf` in the background: on a busy disk about twice as fast as fs.rmSync, and it overlaps the next tests. */
  const remove = (dir) => {
    if (!KEEP && dir) removals.push(run('rm', ['-rf', dir], { timeout: 300_000 }));
  };

  after(async () => {
    await Promise.allSettled(installs.values());
    if (!shared.base) return;
    if (KEEP) return console.log(`kept ${shared.base}`);
    remove(shared.base);
    await Promise.all(removals);
  });

  /** A fresh folder under the temporary base. */
  function freshDir(name) {
    const dir = path.join(shared.base, name);
    fs.mkdirSync(dir);
    return dir;
  }

  /**
   * Runs argv with a clean environment and a fresh home, as the caller or (nobody) as uid 65534
   * through asNobody, with the probe preloaded. Resolves with run()'s result plus `probes`.
   */
  async function runBin(ctx, argv, cwd, { nobody = false } = {}) {
    const home = fs.mkdtempSync(path.join(shared.base, nobody ? 'home-nobody-' : 'home-caller-'));
    const probeOut = path.join(shared.base, `probe-${++runs}.jsonl`);
    // yo 7.0.1 has no Insight prompt any more (nothing to opt out of; `--no-insight` would only
    // reach the generator as an unknown option). The update notifier is its only network use.
    const env = {
      HOME: home,
      PATH: ctx.path,
      NO_UPDATE_NOTIFIER: '1',
      NO_COLOR: '1',
      LANG: 'C.UTF-8',
      NODE_OPTIONS: `--require ${shared.probe}`,
      GM_PROBE_OUT: probeOut,
    };
    const r = nobody
      ? await run(...asNobody(env, argv), { cwd, env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' } })
      : await run(argv[0], argv.slice(1), { cwd, env });
    const text = fs.existsSync(probeOut) ? fs.readFileSync(probeOut, 'utf8') : '';
    r.probes = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    return r;
  }

  /** Every node process of the run was the Node under test, with this uid and gid. */
  function assertRanAs(r, node, [uid, gid], what) {
    assert.ok(r.probes.length > 0, report(r, `${what}: the probe saw no node process (NODE_OPTIONS not honoured?)`));
    for (const p of r.probes) {
      assert.equal(p.version, node.version, report(r, `${what} ran on ${p.execPath} ${p.version}, not ${node.exec}`));
      assert.deepEqual([p.uid, p.gid], [uid, gid], report(r, `${what} ran as ${p.uid}:${p.gid}, not ${uid}:${gid}`));
    }
  }

  /** Skips (or, under CI / E2E=required, fails) when yo cannot run unprivileged here. */
  function needUnprivileged(t) {
    if (!NOBODY_BLOCKER) return true;
    if (REQUIRED) assert.fail(`${NOBODY_BLOCKER} (CI or E2E=required: a missing tool is a failure, not a skip)`);
    t.skip(NOBODY_BLOCKER);
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

  it('the tarball holds the bundled bin (dist/go-minimal.js), the generator, every template (gitignore.ejs too), and no src/ or test/', () => {
    const names = shared.tar.names;
    const listing = `tarball ${shared.tarball}:\n  ${names.join('\n  ')}`;
    const has = (p) => assert.ok(names.includes(`package/${p}`), `missing package/${p}\n${listing}`);
    for (const p of [
      'package.json',
      'dist/go-minimal.js',
      'dist/LICENSES.txt',
      'dist/index.js',
      'dist/generators/app/index.js',
    ])
      has(p);
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

    const pkg = JSON.parse(shared.tar.members.get('package/package.json').toString('utf8'));
    assert.equal(pkg.bin?.['go-minimal'], 'dist/go-minimal.js', 'package.json bin.go-minimal');
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
      shared.tar.members.get('package/dist/go-minimal.js').toString('utf8'),
      /^#!\/usr\/bin\/env node\n/,
      'dist/go-minimal.js shebang',
    );
    // engines is yeoman-generator's own range (8.x: Node 22.0–22.8 are out), and every Node
    // tested here is inside it, or the claim would not be tested.
    assert.equal(pkg.engines?.node, '^20.17.0 || >=22.9.0', 'package.json engines.node');
    for (const node of NODES.filter((n) => n.version)) {
      const [maj, min] = node.version.slice(1).split('.').map(Number);
      const ok = (maj === 20 && min >= 17) || maj > 22 || (maj === 22 && min >= 9);
      assert.ok(ok, `Node ${node.version} is outside engines ${pkg.engines?.node}`);
    }
  });

  for (const node of NODES) {
    const skip = !node.exec && !REQUIRED && node.reason;
    // Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
    describe(`under Node ${node.version ?? node.major}`, { skip }, () => {
      if (!node.exec) {
        it(`Node ${node.major} is installed`, () =>
          assert.fail(`${node.reason} (CI or E2E=required: a missing tool is a failure, not a skip)`));
        return;
      }
      /** This Node's install: { prefix, bin, path }. */
      let ctx;
      /** go-minimal's tree, made once and shared by the tests that need it. */
      let rootRun = null;

      before(async () => (ctx = await installs.get(node.major)), { timeout: 300_000 });
      after(() => remove(ctx?.prefix));

      function goMinimalRun() {
        rootRun ??= (async () => {
          const cwd = freshDir(`node${node.major}-caller-cwd`);
          const out = path.join(cwd, 'out'); // does not exist yet: go-minimal creates it
          const r = await runBin(ctx, [path.join(ctx.bin, 'go-minimal'), out, ...GEN_ARGS], cwd);
          assert.equal(r.code, 0, report(r, 'go-minimal failed'));
          return { r, out };
        })();
        return rootRun;
      }

      it('the installed package resolves by name and exports the generator class', async () => {
        const r = await mustRun(
          node.exec,
          [
            '--input-type=module',
            '-e',
            `const m = await import(${JSON.stringify(PKG.name)}); if (typeof m.AppGenerator !== 'function') throw new Error('no AppGenerator export: ' + Object.keys(m));`,
          ],
          { cwd: path.join(ctx.prefix, 'lib') },
        );
        assert.equal(r.stderr, '', report(r));
      });

      it(`go-minimal --help exits 0 (${AS})`, async () => {
        const r = await runBin(ctx, [path.join(ctx.bin, 'go-minimal'), '--help'], shared.base);
        assert.equal(r.code, 0, report(r, 'go-minimal --help failed'));
        assertRanAs(r, node, [CALLER, CALLER_GID], 'go-minimal --help');
        assert.match(r.stdout, /^Usage: go-minimal /, report(r));
        for (const flag of ['--module-path', '--go-version', '--yes'])
          assert.ok(r.stdout.includes(flag), report(r, `help lacks ${flag}`));
      });

      it(`go-minimal <folder> as ${AS} writes the project`, async () => {
        const { r, out } = await goMinimalRun();
        console.log(`package e2e: Node ${node.version}: go-minimal (${AS}) ${secs(r.ms)}`);
        assertRanAs(r, node, [CALLER, CALLER_GID], 'go-minimal');
        const files = tree(out);
        for (const f of KEY_FILES) {
          assert.ok(files.includes(f), report(r, `${f} not written; got ${files.join(', ')}`));
        }
        assert.match(fs.readFileSync(path.join(out, 'go.mod'), 'utf8'), /^module example\.com\/pkgtest$/m, report(r));
      });

      it(`yo go-minimal --help (uid ${NOBODY}) prints the bin's help (one spelling set)`, async (t) => {
        if (!needUnprivileged(t)) return;
        const cwd = freshDir(`node${node.major}-yo-help`);
        assertNoShadowingCopy(cwd);
        const r = await runBin(ctx, [path.join(ctx.bin, 'yo'), 'go-minimal', '--help'], cwd, { nobody: true });
        assert.equal(r.code, 0, report(r, 'yo go-minimal --help failed'));
        assertRanAs(r, node, [NOBODY, NOBODY], 'yo go-minimal --help');
        // One spelling set: the bin's help, from the same table (flags.ts), under yo's program name.
        for (const line of helpText('app', 'yo').split('\n'))
          assert.ok(r.stdout.includes(line), report(r, `yo's help lacks: ${line}`));
        assert.doesNotMatch(r.stdout, /--(modulePath|goVersion)\b/, report(r, 'camelCase flags in the help'));
        assert.deepEqual(fs.readdirSync(cwd), [], report(r, '--help wrote files'));
      });

      it(`yo go-minimal (uid ${NOBODY}, no TTY) writes the same tree as go-minimal (${AS}), byte for byte`, async (t) => {
        if (!needUnprivileged(t)) return;
        const cwd = freshDir(`node${node.major}-yo-out`);
        assertNoShadowingCopy(cwd);
        const r = await runBin(ctx, [path.join(ctx.bin, 'yo'), 'go-minimal', ...GEN_ARGS], cwd, { nobody: true });
        assert.equal(r.code, 0, report(r, 'yo go-minimal failed'));
        // yo saw uid 65534 (it refuses root), on this Node.
        assertRanAs(r, node, [NOBODY, NOBODY], 'yo go-minimal');
        console.log(`package e2e: Node ${node.version}: yo go-minimal (uid ${NOBODY}) ${secs(r.ms)}`);

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
        // Written through the user namespace: uid 65534 inside is the caller outside.
        for (const f of yoFiles)
          assert.equal(fs.statSync(path.join(cwd, f)).uid, CALLER, `${f} not owned by the caller (uid ${CALLER})`);
      });
    });
  }
});
