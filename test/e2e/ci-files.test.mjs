// The generated CI files, checked by the field's own tools: actionlint (with shellcheck for the
// run: scripts) on every GitHub workflow, GitLab's CI schema and SchemaStore's Dependabot schema
// (test/fixtures/schemas, see its README) with ajv, and `make check-go-version` on a fresh project
// and after one-sided bumps. Each check has a mutation that must fail it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { ACTIONLINT_BIN, actionlintMissing } from './citools.mjs';
import { have, missing } from './tools.mjs';
import { DOCKER, FIXTURES, helpers, runYes } from '../helpers/generate.mjs';

/** A copy of a run's folder (yeoman-test removes it when the next run starts). @param {string} from */
function keep(from) {
  const dir = join(mkdtempSync(join(tmpdir(), 'gm-ci-')), 'svc');
  cpSync(from, dir, { recursive: true });
  return dir;
}
/** go-minimal with --yes. @param {Record<string, unknown>} options */
const app = async (options) => keep((await runYes(options)).cwd);
/** go-minimal docker on a copy of a fixture. @param {string} name @param {Record<string, unknown>} options */
async function docker(name, options) {
  const dir = keep(join(FIXTURES, name));
  // yeoman-test types only yeoman's own options; ours are the generator's
  const all = /** @type {import('yeoman-generator').BaseOptions} */ (
    /** @type {unknown} */ ({ yes: true, ...options })
  );
  await helpers.run(DOCKER).cd(dir).withOptions(all);
  return dir;
}
/** @param {string} file @param {(text: string) => string} fn */
const edit = (file, fn) => writeFileSync(file, fn(readFileSync(file, 'utf8')));

/** actionlint on files; shellcheck on PATH makes it check the run: scripts too. @param {string[]} files */
const actionlint = (files) => spawnSync(ACTIONLINT_BIN, ['-no-color', ...files], { encoding: 'utf8' });

describe('actionlint passes every generated workflow', () => {
  const skip = missing([actionlintMissing(), !have('shellcheck') && 'shellcheck (Debian package)']);
  /** @type {string[]} */
  let workflows = [];
  /** The n-th generated workflow of that name. @param {string} name @param {number} [n] */
  const workflow = (name, n = 0) => {
    const file = workflows.filter((f) => f.endsWith(name))[n];
    assert.ok(file, `${name} #${n}`);
    return file;
  };
  before(async () => {
    if (skip) return;
    const projects = [
      await app({}),
      await app({ base: 'alpine', healthcheck: false, port: 9090, kubernetes: true }),
      await docker('cgo', { base: 'alpine', cgo: true }),
    ];
    workflows = projects.flatMap((p) =>
      readdirSync(join(p, '.github/workflows')).map((f) => join(p, '.github/workflows', f)),
    );
  });
  it('ci.yml and release.yml of three projects (static, alpine with --kubernetes, cgo)', { skip }, () => {
    assert.equal(workflows.length, 6);
    // --kubernetes: the release pins the manifests to the pushed digest (kustomize edit set image).
    const release = readFileSync(workflow('release.yml', 1), 'utf8');
    assert.match(release, /kustomize edit set image "[^="]+=\$\{IMAGE\}@\$\{DIGEST\}"/);
    assert.doesNotMatch(readFileSync(workflow('release.yml', 0), 'utf8'), /kustomize/);
    const r = actionlint(workflows);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  it('mutation: a step output that does not exist fails it', { skip }, () => {
    const release = workflow('release.yml');
    edit(release, (t) => t.replace('steps.build.outputs.digest', 'steps.built.outputs.digest'));
    const r = actionlint([release]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /property "built" is not defined/);
  });
  // (actionlint checks the inputs of popular actions by tag only: pinned by SHA, they go unchecked.)
  it('mutation: a permission that does not exist fails it', { skip }, () => {
    const release = workflow('release.yml', 1);
    edit(release, (t) => t.replace('id-token: write', 'id-token: sign'));
    const r = actionlint([release]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /"sign" is invalid as permission of scope "id-token"/);
  });
  it('mutation: a shell error in a run: script fails it (shellcheck)', { skip }, () => {
    const ci = workflow('ci.yml', 1);
    edit(ci, (t) => t.replace('if [ -n "$unformatted" ]; then', 'if [ -n $unformatted ]; then'));
    const r = actionlint([ci]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /shellcheck reported issue/);
  });
});

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
/** @param {string} name */
const schema = (name) =>
  ajv.compile(JSON.parse(readFileSync(new URL(`../fixtures/schemas/${name}.json`, import.meta.url), 'utf8')));

describe("the GitLab file validates against GitLab's CI schema", () => {
  const validate = schema('gitlab-ci');
  let plain = '';
  let cgo = '';
  before(async () => {
    plain = join(await app({ ci: 'gitlab' }), '.gitlab-ci.yml');
    cgo = join(await docker('cgo', { base: 'alpine', cgo: true, ci: 'gitlab' }), '.gitlab-ci.yml');
  });
  it('static and cgo projects', () => {
    for (const f of [plain, cgo]) assert.ok(validate(parse(readFileSync(f, 'utf8'))), JSON.stringify(validate.errors));
    assert.match(readFileSync(cgo, 'utf8'), /binfmt.* --install arm64/);
  });
  it('mutation: a job named like a global keyword (image) fails it', () => {
    const doc = parse(readFileSync(plain, 'utf8'));
    doc.image = doc['build-image'];
    assert.equal(validate(doc), false);
  });
  it('mutation: id_tokens without aud fails it', () => {
    const doc = parse(readFileSync(plain, 'utf8'));
    doc.release.id_tokens.SIGSTORE_ID_TOKEN = { audience: 'sigstore' };
    assert.equal(validate(doc), false);
  });
});

describe("dependabot.yml validates against SchemaStore's Dependabot schema", () => {
  const validate = schema('dependabot');
  it('with and without GitHub workflows; mutation: an unknown ecosystem fails it', async () => {
    for (const ci of ['github', 'none']) {
      const file = join(await app({ ci, bot: 'dependabot' }), '.github/dependabot.yml');
      const doc = /** @type {{ updates: [Record<string, string>] }} */ (parse(readFileSync(file, 'utf8')));
      assert.ok(validate(doc), JSON.stringify(validate.errors));
      doc.updates[0]['package-ecosystem'] = 'golang';
      assert.equal(validate(doc), false);
    }
  });
});

describe('make check-go-version', () => {
  const skip = missing([!have('make') && 'make']);
  /** @param {string} dir @param {string[]} [args] */
  const check = (dir, args = []) =>
    spawnSync('make', ['-s', ...args, 'check-go-version'], { cwd: dir, encoding: 'utf8' });
  it('passes on a fresh project, and on a module whose toolchain line names the builder', { skip }, async () => {
    const r = check(await app({ goVersion: '1.23' }));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'check-go-version: go 1.23 in go.mod and the Dockerfile\n');
    // root-main: go 1.22.5, toolchain go1.23.4, so its image builds with golang:1.23.4 (docker.mk alone).
    const fixture = check(await docker('root-main', { ci: 'none', bot: 'none' }), ['-f', 'docker.mk']);
    assert.equal(fixture.status, 0, fixture.stderr);
    assert.equal(fixture.stdout, 'check-go-version: toolchain go1.23 in go.mod and the Dockerfile\n');
  });
  it('fails after a one-sided bump of go.mod, naming both versions', { skip }, async () => {
    const dir = await app({ goVersion: '1.23' });
    edit(join(dir, 'go.mod'), (t) => t.replace(/^go 1\.23$/m, 'go 1.24'));
    const r = check(dir);
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr,
      /go\.mod says go 1\.24 but the Dockerfile builds with golang:1\.23 - bump both in one change/,
    );
  });
  it('fails after a one-sided bump of the Dockerfile, digest-pinned or not', { skip }, async () => {
    const dir = await app({ goVersion: '1.23' });
    const digest = `@sha256:${'ab'.repeat(32)}`;
    edit(join(dir, 'Dockerfile'), (t) => t.replace('golang:1.23-alpine', `golang:1.24-alpine${digest}`));
    assert.notEqual(check(dir).status, 0);
    edit(join(dir, 'go.mod'), (t) => t.replace(/^go 1\.23$/m, 'go 1.24.2'));
    assert.equal(check(dir).status, 0, 'both bumped: 1.24 and 1.24.2 are the same 1.N');
  });
  it("fails when .gitlab-ci.yml's golang image is left behind", { skip }, async () => {
    const dir = await app({ goVersion: '1.23', ci: 'gitlab' });
    assert.equal(check(dir).status, 0);
    edit(join(dir, 'go.mod'), (t) => t.replace(/^go 1\.23$/m, 'go 1.24'));
    edit(join(dir, 'Dockerfile'), (t) => t.replace('golang:1.23-alpine', 'golang:1.24-alpine'));
    const r = check(dir);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /go\.mod says go 1\.24 but \.gitlab-ci\.yml tests with golang:1\.23 - bump both/);
  });
});
