// Issue 19, item 4, on real projects: made by the released 0.1.0 (test/fixtures/releases), or by
// a team generator at 1.0.0.
// - a target appended to the end of a Makefile whose last lines the new version changed merges
//   cleanly (the new version: this package with the Makefile template's last lines changed);
// - --set base=distroless moves a 0.1.0 service to distroless and keeps its edit;
// - --check --json: one object, the versions and each file's change;
// - a team generator's migrations (1.0.0 → 1.2.0): a rename at 1.1.0 carries the user's edit to
//   the new path where 1.2.0's template change arrives, each runs once and is recorded.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { CLI, ROOT } from '../helpers/generate.mjs';
import { NEW_VERSION, RUN_ENV, files, generate, node, teamPackage, unpackOld } from './update-helpers.mjs';

/** @param {string} dir @param {string} file @param {string} text */
const append = (dir, file, text) => writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8') + text);
const TARGET = '\nhello: ## A target the team added\n\t@echo hello\n';

describe('updates a fleet can trust, from the released 0.1.0', () => {
  /** @type {string} */ let oldPkg;
  before(() => {
    oldPkg = unpackOld();
  });

  it('a target appended to the Makefile merges although the new version changed its last lines', async () => {
    // The new version: this package, with the Makefile template's last two lines changed.
    const pkg = join(mkdtempSync(join(tmpdir(), 'gm-newmk-')), 'package');
    mkdirSync(pkg);
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const template = join(pkg, 'dist/generators/app/templates/Makefile.ejs');
    const lines = readFileSync(template, 'utf8').trimEnd().split('\n');
    lines.splice(-2, 2, '# docker.mk: image targets; make without it still builds.', '-include docker.mk');
    writeFileSync(template, `${lines.join('\n')}\n`);
    const dir = await generate(join(oldPkg, 'dist/cli.js'));
    const newRender = files(await generate(join(pkg, 'dist/cli.js')));
    assert.notEqual(files(dir).Makefile.split('\n').at(-3), newRender.Makefile.split('\n').at(-3));
    append(dir, 'Makefile', TARGET);
    const r = await node([join(pkg, 'dist/cli.js'), 'update', dir, '--from', oldPkg, '--no-verify']);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /merged\s+Makefile/);
    assert.equal(files(dir).Makefile, newRender.Makefile + TARGET);
  });

  it('--set base=distroless moves a 0.1.0 service and keeps its edit; the answer is stored', async () => {
    const dir = await generate(join(oldPkg, 'dist/cli.js'));
    append(dir, 'Dockerfile', '# the team note\n');
    const r = await node([CLI, 'update', dir, '--from', oldPkg, '--no-verify', '--set', 'base=distroless']);
    assert.equal(r.code, 0, r.all);
    const after = files(dir);
    assert.match(after.Dockerfile, /^FROM .*distroless.*:nonroot$/m);
    assert.doesNotMatch(after.Dockerfile, /^FROM scratch/m);
    assert.match(after.Dockerfile, /# the team note\n$/);
    assert.equal(JSON.parse(after['.yo-rc.json'])['generator-go-minimal'].base, 'distroless');
  });

  it('--check --json: one object with the versions and how each file would change; nothing written', async () => {
    const dir = await generate(join(oldPkg, 'dist/cli.js'));
    append(dir, 'Makefile', TARGET);
    const before = files(dir);
    const r = await node([CLI, 'update', dir, '--from', oldPkg, '--check', '--json']);
    assert.equal(r.code, 1, r.all);
    const report = JSON.parse(r.stdout);
    assert.deepEqual([report.current, report.available, report.upToDate], ['0.1.0', NEW_VERSION, false]);
    const change = Object.fromEntries(report.files.map((/** @type {any} */ f) => [f.path, f.change]));
    assert.equal(change.Makefile, 'merged');
    assert.equal(change['.github/workflows/ci.yml'], 'added');
    assert.ok(Object.values(change).every((c) => ['updated', 'merged', 'conflict', 'added', 'removed'].includes(c)));
    assert.deepEqual(files(dir), before);
  });
});

/** A team update generator with migrations. @param {string} list the `static migrations` array's source */
const updateWith = (list) => `import { UpdateGenerator } from 'generator-go-minimal';
export default class extends UpdateGenerator {
  static migrations = ${list};
}
`;
const MOVE = `{ version: '1.1.0', name: 'contributing-into-docs', run: (tree) => tree.rename('CONTRIBUTING.md', 'docs/CONTRIBUTING.md') }`;
const STAMP = `{ version: '1.2.0', name: 'stamp', run: (tree) => tree.write('MIGRATED', (tree.read('MIGRATED') ?? '') + 'stamp\\n') }`;
const CONTRIBUTING = (/** @type {string} */ reviews) =>
  `# Contributing to <%= name %>\n\nOpen an issue first.\nReviews: ${reviews}.\n`;

/** Runs a team package's generator (app or update) in dir, as yo would. @param {string} dir */
const inFolder = (dir) => (/** @type {string} */ pkg, /** @type {string} */ gen, /** @type {object} */ options) =>
  node([
    '--input-type=module',
    '-e',
    RUN_ENV,
    join(pkg, `generators/${gen}/index.js`),
    `acme-go:${gen}`,
    dir,
    JSON.stringify(options),
  ]);

describe("a team generator's migrations: 1.0.0 → 1.2.0 with a file rename", () => {
  it('run once, in order, on the merged tree; recorded in .yo-rc.json', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gm-mig-'));
    const v1 = teamPackage(root, '1.0.0', CONTRIBUTING('one approval'));
    const moved = { templates: { 'docs/CONTRIBUTING.md.ejs': CONTRIBUTING('two approvals') } };
    const v12 = teamPackage(root, '1.2.0', '', { ...moved, update: updateWith(`[${STAMP}, ${MOVE}]`) });
    const dir = join(root, 'svc');
    mkdirSync(dir);
    const run = inFolder(dir);
    const gen = await run(v1, 'app', { yes: true, skipInstall: true, goVersion: '1.26' });
    assert.equal(gen.code, 0, gen.all);
    const edited = readFileSync(join(dir, 'CONTRIBUTING.md'), 'utf8').replace(
      '# Contributing to svc',
      '# How to contribute to svc',
    );
    writeFileSync(join(dir, 'CONTRIBUTING.md'), edited);
    const up = await run(v12, 'update', { from: v1, verify: false });
    assert.equal(up.code, 0, up.all);
    // Order: 1.1.0's rename before 1.2.0's stamp, whatever the declared order.
    assert.match(up.all, /migration contributing-into-docs \(1\.1\.0\)[\s\S]*migration stamp \(1\.2\.0\)/);
    const after = files(dir);
    assert.equal(after['CONTRIBUTING.md'], undefined, 'the old path stayed');
    assert.equal(
      after['docs/CONTRIBUTING.md'],
      '# How to contribute to svc\n\nOpen an issue first.\nReviews: two approvals.\n',
    );
    assert.equal(after.MIGRATED, 'stamp\n');
    const entry = JSON.parse(after['.yo-rc.json'])['generator-acme-go'];
    assert.deepEqual([entry.generatorVersion, entry.migrations], ['1.2.0', ['contributing-into-docs', 'stamp']]);
    // Once: a second update runs neither again (the recorded names: test/update-fleet.test.mjs).
    const again = await run(v12, 'update', { from: v12, verify: false, allowDirty: true });
    assert.equal(again.code, 0, again.all);
    assert.doesNotMatch(again.all, /migration /);
    assert.equal(files(dir).MIGRATED, 'stamp\n');
  });

  it('a migration that throws stops the update in one line; nothing is written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gm-mig-'));
    const v1 = teamPackage(root, '1.0.0', CONTRIBUTING('one approval'));
    const broken = `{ version: '1.1.0', name: 'broken', run: () => { throw new Error('no such file'); } }`;
    const v11 = teamPackage(root, '1.1.0', CONTRIBUTING('two approvals'), { update: updateWith(`[${broken}]`) });
    const dir = join(root, 'svc');
    mkdirSync(dir);
    const run = inFolder(dir);
    assert.equal((await run(v1, 'app', { yes: true, skipInstall: true, goVersion: '1.26' })).code, 0);
    const before = files(dir);
    const up = await run(v11, 'update', { from: v1, verify: false });
    assert.equal(up.code, 2, up.all);
    assert.match(up.all, /Migration "broken" \(1\.1\.0\) failed: no such file; nothing was written\./);
    assert.deepEqual(files(dir), before);
  });

  it('mutation: without the migrations the edit stays at the old path and the new file lacks it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gm-mig-'));
    const v1 = teamPackage(root, '1.0.0', CONTRIBUTING('one approval'));
    const v12 = teamPackage(root, '1.2.0', '', {
      templates: { 'docs/CONTRIBUTING.md.ejs': CONTRIBUTING('two approvals') },
    });
    const dir = join(root, 'svc');
    mkdirSync(dir);
    const run = inFolder(dir);
    assert.equal((await run(v1, 'app', { yes: true, skipInstall: true, goVersion: '1.26' })).code, 0);
    writeFileSync(
      join(dir, 'CONTRIBUTING.md'),
      readFileSync(join(dir, 'CONTRIBUTING.md'), 'utf8').replace('# Contributing', '# How to contribute'),
    );
    assert.equal((await run(v12, 'update', { from: v1, verify: false })).code, 0);
    const after = files(dir);
    assert.ok(after['CONTRIBUTING.md'], 'the edited file at the old path');
    assert.doesNotMatch(after['docs/CONTRIBUTING.md'], /How to contribute/);
  });
});
