// renovate.json under Renovate itself (test/e2e/citools.mjs installs it): renovate-config-validator
// accepts it, and Renovate's own managers and package-rule matcher (renovate-probe.mjs) show the
// Go toolchain group holding all its places (go.mod's go and toolchain lines, the Dockerfile's
// golang builder, GitLab CI's golang image, setup-go's go), every image and action pinned by
// digest, and a Dockerfile pinned by Renovate's own replacement (the `# syntax=` line too) still
// extracted and still passing make check-go-version. Mutations fail each.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RENOVATE_PKG, renovateMissing, renovateNode } from './citools.mjs';
import { have, missing } from './tools.mjs';
import { runYes } from '../helpers/generate.mjs';

const skip = missing([renovateMissing(), !have('make') && 'make']);
const PROBE = fileURLToPath(new URL('./renovate-probe.mjs', import.meta.url));

/**
 * @typedef {{ file: string, manager: string, depName: string, depType: string, datasource: string,
 *   currentValue?: string, groupName: string | null, pinDigests: boolean, rangeStrategy: string | null,
 *   postUpdateOptions: string[] }} Dep
 * @typedef {{ deps: Dep[], pinned: string,
 *   again: { depName: string, depType: string, currentValue: string, currentDigest: string | null }[] }} ProbeResult
 */

/** go-minimal --yes, kept (yeoman-test removes a run's folder when the next starts). @param {Record<string, unknown>} options */
async function project(options) {
  const dir = join(mkdtempSync(join(tmpdir(), 'gm-renovate-')), 'svc');
  cpSync((await runYes(options)).cwd, dir, { recursive: true });
  return dir;
}
/** renovate-config-validator on a repository config. @param {string} dir */
const validate = (dir) =>
  spawnSync(
    /** @type {string} */ (renovateNode().exec),
    [join(RENOVATE_PKG, 'dist/config-validator.js'), '--strict', '--no-global', 'renovate.json'],
    { cwd: dir, encoding: 'utf8' },
  );
/** The probe's result. @param {string} dir @returns {ProbeResult} */
function probe(dir) {
  const r = spawnSync(/** @type {string} */ (renovateNode().exec), [PROBE, RENOVATE_PKG, dir], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, r.stdout + r.stderr);
  return JSON.parse(line.slice('RESULT '.length));
}
/** @param {Dep[]} deps @param {string} file @param {string} depName @returns {Dep} */
function dep(deps, file, depName) {
  const found = deps.find((d) => d.file === file && d.depName === depName);
  assert.ok(found, `${file} ${depName}`);
  return found;
}

describe('renovate-config-validator', { skip }, () => {
  it('accepts renovate.json for GitHub and GitLab projects', async () => {
    for (const ci of ['github', 'gitlab']) {
      const r = validate(await project({ ci }));
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Config validated successfully/);
    }
  });
  it('mutation: a misspelt key fails it', async () => {
    const dir = await project({});
    const file = join(dir, 'renovate.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"groupName"', '"groupNme"'));
    assert.equal(validate(dir).status, 1);
  });
});

describe("Renovate's managers and matcher on a generated project", { skip }, () => {
  /** @type {ProbeResult} */
  let github;
  /** @type {ProbeResult} */
  let gitlab;
  /** @type {string} */
  let dir;
  before(async () => {
    dir = await project({ goVersion: '1.23' });
    // A toolchain line, as `go get go@…` writes it: the group must hold it too.
    writeFileSync(join(dir, 'go.mod'), `${readFileSync(join(dir, 'go.mod'), 'utf8')}\ntoolchain go1.23.4\n`);
    github = probe(dir);
    gitlab = probe(await project({ goVersion: '1.23', ci: 'gitlab' }));
  });
  it('the Go toolchain group holds go.mod (go, toolchain), the builder, GitLab’s image and setup-go', () => {
    const inGroup = [
      ...github.deps.filter((d) => d.groupName === 'Go toolchain').map((d) => `${d.file} ${d.depName} ${d.depType}`),
      ...gitlab.deps.filter((d) => d.groupName === 'Go toolchain').map((d) => `${d.file} ${d.depName} ${d.depType}`),
    ].sort();
    assert.deepEqual(
      [...new Set(inGroup)],
      [
        '.github/workflows/ci.yml go uses-with',
        '.gitlab-ci.yml golang image',
        'Dockerfile golang final',
        'go.mod go golang',
        'go.mod go toolchain',
      ],
    );
    // setup-go reads go.mod (go-version-file): Renovate finds no version of its own there.
    assert.equal(dep(github.deps, '.github/workflows/ci.yml', 'go').currentValue, undefined);
    for (const d of [...github.deps, ...gitlab.deps].filter((x) => x.groupName === 'Go toolchain')) {
      assert.deepEqual(d.postUpdateOptions, ['gomodTidy'], d.file);
      assert.equal(d.rangeStrategy, 'bump', d.file);
    }
  });
  it('nothing else joins the group', () => {
    for (const d of [...github.deps, ...gitlab.deps])
      if (!['go', 'golang'].includes(d.depName)) assert.equal(d.groupName, null, `${d.file} ${d.depName}`);
  });
  it('pins every image (the # syntax= frontend too) and every action by digest', () => {
    const images = [...github.deps, ...gitlab.deps].filter((d) => d.datasource === 'docker');
    assert.ok(images.some((d) => d.depType === 'syntax'));
    for (const d of images) assert.equal(d.pinDigests, true, `${d.file} ${d.depName}`);
    const actions = github.deps.filter((d) => d.depType === 'action');
    assert.equal(actions.length, 10);
    for (const d of actions) assert.equal(d.pinDigests, true, d.depName);
  });
  it("Renovate's digest pins keep the tags, re-extract, and keep make check-go-version green", () => {
    assert.match(github.pinned, /^# syntax=docker\/dockerfile:1@sha256:[0-9a-f]{64}$/m);
    assert.match(github.pinned, /^FROM --platform=\$BUILDPLATFORM golang:1\.23-alpine@sha256:[0-9a-f]{64} AS build$/m);
    assert.deepEqual(
      github.again.map((d) => [d.depName, d.currentValue, Boolean(d.currentDigest)]),
      [
        ['docker/dockerfile', '1', true],
        ['golang', '1.23-alpine', true],
      ],
    );
    writeFileSync(join(dir, 'Dockerfile'), github.pinned);
    const r = spawnSync('make', ['-s', 'check-go-version'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
  it('mutation: a group rule without golang leaves the builder out', () => {
    const file = join(dir, 'renovate.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('["go", "golang"]', '["go"]'));
    assert.equal(dep(probe(dir).deps, 'Dockerfile', 'golang').groupName, null);
  });
});
