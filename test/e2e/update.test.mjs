// Issue 10: `go-minimal update` between real versions. The old one is the released 0.1.0 (npm
// pack of that commit, test/fixtures/releases); the new one is this working tree. A project made
// by 0.1.0, edited as users do, is updated: every edit survives, the template changes arrive, and
// the result passes go vet, go test and make verify (podman). Also: a line both changed (exit 1,
// markers), --check (through npm and the tarball), idempotence, and a team generator that extends
// ours updating its own projects with its own templates.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { CLI, ROOT } from '../helpers/generate.mjs';
import { DOCKER, goBins, localRef, prepareImages, useImageEngine } from './imagecheck.mjs';
import { NEWEST_GO } from './matrix.mjs';
import { goEnv } from './tools.mjs';
import { files, generateWith, node, unpack } from './update-helpers.mjs';

// `go-minimal update` runs make verify itself, with the host's network: podman, whose ports are
// the host's, proves it here (Docker's image proof is image.test.mjs and verify.test.mjs).
const imageSkip = await useImageEngine('podman');

const OLD_TGZ = join(ROOT, 'test/fixtures/releases/generator-go-minimal-0.1.0.tgz');
const NEW_VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const FLAGS = ['--yes', '--skip-install', '--name', 'svc', '--go-version', NEWEST_GO];
const IMAGE_VERSION = 'update-e2e';

/** A project made by a CLI (the old or the new) with FLAGS, in a fresh folder. @param {string} cli */
const generate = (cli) => generateWith(cli, FLAGS);

/** The old package, unpacked. */
const unpackOld = () => unpack(OLD_TGZ);

/** The user's edits of the issue: a handler in main.go, a Makefile target, a README paragraph, no .editorconfig. */
const EDITS = {
  handler:
    '\n// teamStatus is a handler the team added after generating the project.\nfunc teamStatus(w http.ResponseWriter, _ *http.Request) {\n\tw.WriteHeader(http.StatusNoContent)\n}\n',
  target: '\nhello: ## A target the team added\n\t@echo hello\n',
  paragraph: '\n## Team notes\n\nOn call: the platform team.\n',
};
/** @param {string} dir */
function editLikeAUser(dir) {
  const append = (file, text) => writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8') + text);
  append('main.go', EDITS.handler);
  append('Makefile', EDITS.target);
  append('README.md', EDITS.paragraph);
  rmSync(join(dir, '.editorconfig'));
}

describe('go-minimal update from the released 0.1.0 to this version', () => {
  /** @type {string} */ let oldPkg;
  /** @type {Record<string, string>} */ let oldRender;
  /** @type {Record<string, string>} */ let newRender;
  /** @type {string[]} */ let changed;

  before(async () => {
    oldPkg = unpackOld();
    oldRender = files(await generate(join(oldPkg, 'dist/cli.js')));
    newRender = files(await generate(CLI));
    changed = Object.keys(newRender).filter((f) => f !== '.yo-rc.json' && newRender[f] !== oldRender[f]);
  });

  it('this version changes templates (else there is nothing to prove)', () => {
    assert.ok(changed.length > 0, 'no template differs between 0.1.0 and this version');
    console.log(`update e2e: files the new version changes or adds: ${changed.join(', ')}`);
  });

  it('--check through npm and the tarball: exit 1 listing the changes, nothing written; a project not yet edited', async () => {
    const dir = await generate(join(oldPkg, 'dist/cli.js'));
    const before = files(dir);
    const cache = mkdtempSync(join(tmpdir(), 'gm-upd-cache-'));
    const r = await node([CLI, 'update', dir, '--check', '--from', OLD_TGZ], {
      ...process.env,
      GO_MINIMAL_CACHE: cache,
    });
    assert.equal(r.code, 1, r.all);
    for (const f of changed) assert.ok(r.stdout.includes(f), `--check does not list ${f}:\n${r.all}`);
    assert.deepEqual(files(dir), before, '--check wrote something');
  });

  it(
    'keeps every user edit, brings every template change, and proves the result (vet, test, make verify)',
    { skip: imageSkip },
    async () => {
      await prepareImages();
      const goBin = /** @type {string} */ (goBins[NEWEST_GO]);
      const dir = await generate(join(oldPkg, 'dist/cli.js'));
      editLikeAUser(dir);
      const env = { ...eng.engineEnv(), ...goEnv(goBin), DOCKER, VERSION: IMAGE_VERSION, REVISION: 'e2e' };
      const r = await node([CLI, 'update', dir, '--from', oldPkg], env);
      try {
        assert.equal(r.code, 0, r.all);
        assert.match(r.stdout, /Checks: go vet ok .*; go test ok .*; make verify \(\w+\) ok/, r.all);
      } finally {
        await eng.removeImage(localRef(`svc:${IMAGE_VERSION}`), { force: true });
      }
      const after = files(dir);
      // Edits lost: 0.
      assert.ok(after['main.go'].includes(EDITS.handler), 'the handler was lost');
      assert.ok(after['Makefile'].includes(EDITS.target), 'the Makefile target was lost');
      assert.ok(after['README.md'].includes(EDITS.paragraph), 'the README paragraph was lost');
      assert.ok(!existsSync(join(dir, '.editorconfig')), 'the deleted .editorconfig came back');
      // Template changes: an untouched file is the new version's; an edited one has its changed lines.
      const edited = { 'main.go': EDITS.handler, Makefile: EDITS.target, 'README.md': EDITS.paragraph };
      for (const f of changed.filter((x) => x !== '.editorconfig')) {
        if (edited[f] === undefined) assert.equal(after[f], newRender[f], `${f} is not the new version's`);
        else assert.equal(after[f].replace(edited[f], ''), newRender[f], `${f}: the template change did not arrive`);
      }
      const rc = JSON.parse(after['.yo-rc.json'])['generator-go-minimal'];
      assert.equal(rc.generatorVersion, NEW_VERSION);
      console.log(`update e2e: ${r.stdout.split('\n').find((l) => l.startsWith('Summary')) ?? ''}`);
      // A second update changes nothing, and --check says it is up to date.
      const again = await node([CLI, 'update', dir, '--no-verify'], env);
      assert.equal(again.code, 0, again.all);
      assert.deepEqual(files(dir), after, 'a second update changed files');
      const check = await node([CLI, 'update', dir, '--check'], env);
      assert.equal(check.code, 0, check.all);
    },
  );

  it('a project of go-minimal docker (an existing module): rendered over its own code, the edit kept', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-upd-docker-')), 'api');
    cpSync(join(ROOT, 'test/fixtures/cmd-api'), dir, { recursive: true });
    const gen = await node([join(oldPkg, 'dist/cli.js'), 'docker', dir, '--yes', '--main', './cmd/api']);
    assert.equal(gen.code, 0, gen.all);
    writeFileSync(join(dir, 'Dockerfile'), `${readFileSync(join(dir, 'Dockerfile'), 'utf8')}# the team's note\n`);
    const code = files(dir)['cmd/api/main.go'];
    const r = await node([CLI, 'update', dir, '--from', oldPkg, '--no-verify']);
    assert.equal(r.code, 0, r.all);
    const after = files(dir);
    assert.match(after.Dockerfile, /# the team's note\n$/);
    assert.equal(after['cmd/api/main.go'], code, 'the update touched the code');
    assert.equal(JSON.parse(after['.yo-rc.json'])['generator-go-minimal'].generator, 'docker');
  });

  it('asks the options this version added, on a terminal (answers stored; Ctrl-C-free run through `script`)', async (t) => {
    if (spawnSync('script', ['--version']).status !== 0) return t.skip('no `script` (util-linux)');
    const dir = await generate(join(oldPkg, 'dist/cli.js'));
    const command = [process.execPath, CLI, 'update', dir, '--from', oldPkg, '--no-verify'].map(eng.quote).join(' ');
    const asked = [];
    const r = await new Promise((resolvePromise, reject) => {
      const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let answered = 0;
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.stdout.on('data', (d) => {
        out += d;
        // One answer per question line ("… (new in this version; …) [default]: ").
        const questions = out.match(/\(new in this version;[^\n]*\]: /g) ?? [];
        while (answered < questions.length) {
          const q = /** @type {string} */ (questions[answered++]);
          asked.push(q);
          child.stdin.write(q.includes('github, gitlab, none') ? 'gitlab\r' : '\r');
        }
      });
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolvePromise({ code, out });
      });
    });
    assert.equal(r.code, 0, r.out);
    assert.ok(asked.length >= 2, `asked ${asked.length} questions:\n${r.out}`);
    assert.ok(existsSync(join(dir, '.gitlab-ci.yml')), `the answer gitlab was not used:\n${r.out}`);
    assert.ok(!existsSync(join(dir, '.github/workflows/ci.yml')));
    const rc = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-go-minimal'];
    assert.equal(rc.ci, 'gitlab');
    assert.equal(rc.bot, 'renovate');
  });

  it('a line both changed: exit 1, conflict markers with the user text inside', async () => {
    const dir = await generate(join(oldPkg, 'dist/cli.js'));
    // The first line of a file that the new version changes, edited by the user too.
    const file = changed.find((f) => oldRender[f] !== undefined);
    assert.ok(file, 'no file exists in both versions with a change');
    const oldLines = oldRender[file].split('\n');
    const newLines = newRender[file].split('\n');
    const at = oldLines.findIndex((l, i) => l !== newLines[i]);
    oldLines[at] = 'A LINE THE USER WROTE';
    writeFileSync(join(dir, file), oldLines.join('\n'));
    const r = await node([CLI, 'update', dir, '--from', oldPkg, '--no-verify']);
    assert.equal(r.code, 1, r.all);
    assert.match(r.stdout, new RegExp(`CONFLICT\\s+${file.replace('.', '\\.')}`));
    const text = readFileSync(join(dir, file), 'utf8');
    assert.match(text, /^<<<<<<< yours\nA LINE THE USER WROTE\n/m);
    assert.match(text, new RegExp(`^>>>>>>> generator-go-minimal ${NEW_VERSION.replace(/\./g, '\\.')}$`, 'm'));
  });
});

/**
 * A team generator package at a version: its app generator extends ours with its own template
 * (CONTRIBUTING.md), and its update generator is ours, re-exported (one line).
 * @param {string} root @param {string} version @param {string} contributing
 */
function teamPackage(root, version, contributing) {
  const dir = join(root, `acme-${version}`);
  mkdirSync(join(dir, 'generators/app'), { recursive: true });
  mkdirSync(join(dir, 'generators/update'), { recursive: true });
  mkdirSync(join(dir, 'templates'), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules/generator-go-minimal'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'generator-acme-go', version, type: 'module' }));
  writeFileSync(
    join(dir, 'generators/app/index.js'),
    `import { fileURLToPath } from 'node:url';
import { AppGenerator } from 'generator-go-minimal';
const templatesDir = fileURLToPath(new URL('../../templates', import.meta.url));
export default class extends AppGenerator {
  constructor(args, opts) {
    super(args, { ...opts, preset: opts.preset ?? { base: 'distroless', locked: ['base'], templatesDir } });
  }
}
`,
  );
  writeFileSync(
    join(dir, 'generators/update/index.js'),
    "export { UpdateGenerator as default } from 'generator-go-minimal';\n",
  );
  writeFileSync(join(dir, 'templates/CONTRIBUTING.md.ejs'), contributing);
  return dir;
}

/** Runs a package's generator through yeoman-environment, as yo would (yo refuses root). */
const RUN_ENV = `
const [file, ns, cwd, options] = process.argv.slice(1);
const { createEnv } = await import(${JSON.stringify(join(ROOT, 'node_modules/yeoman-environment/dist/index.js'))});
const env = createEnv({ cwd });
env.register(file, { namespace: ns });
try { await env.run([ns], JSON.parse(options)); } catch (e) { console.error(e.message); process.exit(2); }
`;

describe('a team generator updates its own projects with its own templates', () => {
  it('merges the team template change and its user edit; records the team package and version', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gm-team-'));
    const v1 = teamPackage(
      root,
      '1.0.0',
      '# Contributing to <%= name %>\n\nOpen an issue first.\nReviews: one approval.\n',
    );
    const v2 = teamPackage(
      root,
      '1.1.0',
      '# Contributing to <%= name %>\n\nOpen an issue first.\nReviews: two approvals.\n',
    );
    const dir = join(root, 'svc');
    mkdirSync(dir);
    const gen = await node([
      '--input-type=module',
      '-e',
      RUN_ENV,
      join(v1, 'generators/app/index.js'),
      'acme-go:app',
      dir,
      '{"yes":true,"skipInstall":true,"goVersion":"1.26"}',
    ]);
    assert.equal(gen.code, 0, gen.all);
    const rc = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-acme-go'];
    assert.deepEqual(
      [rc.generatorPackage, rc.generatorVersion, rc.preset?.given, rc.preset?.templates],
      ['generator-acme-go', '1.0.0', 'generator', true],
    );
    writeFileSync(
      join(dir, 'CONTRIBUTING.md'),
      readFileSync(join(dir, 'CONTRIBUTING.md'), 'utf8').replace('# Contributing to svc', '# How to contribute to svc'),
    );
    // Our bin does not update another package's project: it names that package's update.
    const ours = await node([CLI, 'update', dir]);
    assert.equal(ours.code, 2);
    assert.match(
      ours.stderr,
      /made by generator-acme-go; update it with that generator's update \(e\.g\. yo acme-go:update\)/,
    );
    const up = await node([
      '--input-type=module',
      '-e',
      RUN_ENV,
      join(v2, 'generators/update/index.js'),
      'acme-go:update',
      dir,
      JSON.stringify({ from: v1, verify: false }),
    ]);
    assert.equal(up.code, 0, up.all);
    assert.match(up.all, /merged\s+CONTRIBUTING\.md/);
    assert.equal(
      readFileSync(join(dir, 'CONTRIBUTING.md'), 'utf8'),
      '# How to contribute to svc\n\nOpen an issue first.\nReviews: two approvals.\n',
    );
    assert.equal(
      JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-acme-go'].generatorVersion,
      '1.1.0',
    );
  });
});
