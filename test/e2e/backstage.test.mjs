// Issue 19, items 1–3: the Backstage template and catalog entry, proven with Backstage's own code
// (backstage-tools.mjs installs it; backstage-probe.mjs runs it under Node 22):
// - the template's run:yeoman step, rendered with the form's values, run by the scaffolder's real
//   action with Backstage's mock action context on the packed package installed in a "backend",
//   writes byte for byte the tree `go-minimal` writes with the same answers;
// - template.yaml and catalog-info.yaml (with and without an API) pass the catalog's entity
//   policies and kind validators (the scaffolder's for the Template), the form accepts the values;
// - our entity-reference check agrees with the catalog's on 2,000 generated strings;
// - mkdocs build --strict with mkdocs-techdocs-core builds the TechDocs.
// Mutations show each check failing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import YAML from 'yaml';
import * as eng from '../../engine/index.mjs';
import { CLI, ROOT } from '../helpers/generate.mjs';
import { BACKSTAGE_MODULES, MKDOCS, backstageMissing, backstageNode, techdocsMissing } from './backstage-tools.mjs';
import { missing } from './tools.mjs';
import { validateEntityRef } from '../../dist/options/validate.js';

const skip = missing([backstageMissing()]);
const PROBE = fileURLToPath(new URL('./backstage-probe.mjs', import.meta.url));
const GO_ENV = { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
/** The answers a platform engineer's user types into the form (the rest are its defaults). */
const TYPED = { name: 'svc', modulePath: 'github.com/acme/svc', port: 9090, owner: 'group:default/platform' };

/** Every regular file under dir with its bytes. @param {string} dir @returns {Record<string, string>} */
const tree = (dir) =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort()
      .map((rel) => [rel, readFileSync(join(dir, rel), 'base64')]),
  );

/** Backstage's probe: its RESULT. @param {string} mode @param {unknown} arg @param {string} [cwd] */
async function probe(mode, arg, cwd = ROOT) {
  const r = await eng.runCommand(
    /** @type {string} */ (backstageNode().exec),
    [PROBE, mode, BACKSTAGE_MODULES, JSON.stringify(arg)],
    { cwd, env: GO_ENV, allowFail: true, timeoutMs: 5 * 60_000 },
  );
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `${mode}: exit ${r.code}\n${r.all}`);
  return JSON.parse(line.slice('RESULT '.length));
}

/** go-minimal with args; asserts exit 0. @param {string[]} args */
async function cli(args) {
  const r = await eng.runCommand(process.execPath, [CLI, ...args], {
    env: GO_ENV,
    allowFail: true,
    timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, r.all);
  return r;
}

/**
 * A step input as Backstage renders it for these values: a whole-value `${{ parameters.x }}` keeps
 * the value's type; an undefined value leaves the key out. Any other expression fails the test
 * (this renderer knows only that form, and the template uses no other in run:yeoman's input).
 * @param {unknown} value @param {Record<string, unknown>} params @returns {unknown}
 */
function render(value, params) {
  if (typeof value === 'string') {
    const m = /^\$\{\{ parameters\.(\w+) \}\}$/.exec(value);
    assert.ok(m || !value.includes('${{'), `an expression this test cannot render: ${value}`);
    return m ? params[/** @type {string} */ (m[1])] : value;
  }
  if (Array.isArray(value)) return value.map((v) => render(v, params));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, render(v, params)])
        .filter(([, v]) => v !== undefined),
    );
  return value;
}

/** The form's defaults, then what the user typed. @param {any} template */
function formValues(template, typed = TYPED) {
  const values = {};
  for (const page of template.spec.parameters)
    for (const [k, p] of Object.entries(page.properties)) if (p.default !== undefined) values[k] = p.default;
  return { ...values, ...typed, repoUrl: 'github.com?owner=acme&repo=svc' };
}

/** The `go-minimal` flags of run:yeoman's options. @param {Record<string, unknown>} options */
const flags = (options) =>
  Object.entries(options).flatMap(([k, v]) => {
    const flag = k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return typeof v === 'boolean' ? [v ? `--${flag}` : `--no-${flag}`] : [`--${flag}`, String(v)];
  });

describe("Backstage's run:yeoman writes the tree go-minimal writes", { skip }, () => {
  /** @type {string} */ let base;
  /** @type {string} */ let backend;
  /** @type {any} */ let template;
  /** @type {any} */ let step;

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'gm-backstage-'));
    // The backend: the packed package installed in its node_modules, as `yarn add` would put it
    // (its own dependencies resolved from this repository's).
    const pkg = join(base, 'backend/node_modules/generator-go-minimal');
    mkdirSync(pkg, { recursive: true });
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', base, '--loglevel=error'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    execFileSync('tar', ['-xzf', join(base, out.trim().split('\n').at(-1) ?? ''), '-C', pkg, '--strip-components=1']);
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    backend = join(base, 'backend');
    await cli(['backstage', join(base, 'templates')]);
    template = YAML.parse(readFileSync(join(base, 'templates/template.yaml'), 'utf8'));
    step = template.spec.steps.find((/** @type {{ action: string }} */ s) => s.action === 'run:yeoman');
  });

  /** run:yeoman with this input, in a new workspace; its tree. @param {unknown} input */
  async function portal(input) {
    const workspace = mkdtempSync(join(base, 'workspace-'));
    const r = await probe('run', { workspace, input }, backend);
    assert.equal(r.id, 'run:yeoman');
    return tree(workspace);
  }

  it('the rendered step, run by the real action, gives the same bytes as go-minimal with the same answers', async () => {
    const input = /** @type {any} */ (render(step.input, formValues(template)));
    assert.equal(input.namespace, 'go-minimal:app');
    assert.equal(input.options.port, 9090, 'a number stays a number');
    const portalTree = await portal(input);
    const dir = join(base, 'cli/svc');
    await cli([dir, ...flags(input.options), '--yes']);
    const cliTree = tree(dir);
    assert.ok(Object.keys(portalTree).includes('catalog-info.yaml'), Object.keys(portalTree).join(' '));
    assert.deepEqual(Object.keys(portalTree), Object.keys(cliTree));
    assert.deepEqual(portalTree, cliTree);
    console.log(`backstage e2e: run:yeoman and go-minimal wrote the same ${Object.keys(cliTree).length} files`);
  });

  it('mutation: a step that leaves out an answer gives another tree', async () => {
    const input = /** @type {any} */ (render(step.input, formValues(template)));
    const full = await portal(input);
    delete input.options.port;
    const without = await portal(input);
    assert.notDeepEqual(without, full);
  });

  it("template.yaml, catalog-info.yaml and the form's values pass Backstage's validation", async () => {
    const values = formValues(template);
    const input = /** @type {any} */ (render(step.input, values));
    const workspace = mkdtempSync(join(base, 'workspace-'));
    await probe('run', { workspace, input }, backend);
    const results = await probe('validate', {
      files: [join(base, 'templates/template.yaml'), join(workspace, 'catalog-info.yaml')],
      values,
    });
    assert.deepEqual(
      results.map((/** @type {any} */ r) => [r.kind, r.errors]),
      [
        ['Template', []],
        ['Component', []],
      ],
    );
  });

  /** The fields the form's first page shows for these typed answers (Backstage's form code). @param {object} typed */
  const shown = async (typed, file = join(base, 'templates/template.yaml')) =>
    /** @type {string[]} */ ((await probe('form', { file, values: formValues(template, { ...TYPED, ...typed }) }))[0]);

  it('the form shows the ServiceMonitor only with Kubernetes and Prometheus metrics; then run:yeoman writes it', async () => {
    assert.ok((await shown({})).includes('metrics'), 'the probe sees the page');
    for (const typed of [{}, { kubernetes: true }, { metrics: 'prometheus' }, { kubernetes: true, metrics: 'none' }])
      assert.ok(!(await shown(typed)).includes('serviceMonitor'), JSON.stringify(typed));
    const on = { kubernetes: true, metrics: 'prometheus' };
    assert.ok((await shown(on)).includes('serviceMonitor'));
    const values = formValues(template, { ...TYPED, ...on, serviceMonitor: true });
    const [verdict] = await probe('validate', { files: [join(base, 'templates/template.yaml')], values });
    assert.deepEqual(verdict.errors, []);
    const input = /** @type {any} */ (render(step.input, values));
    assert.equal(input.options.serviceMonitor, true);
    // go mod tidy needs the proxy (the metrics module); the files are what this test reads.
    const files = await portal({ ...input, options: { ...input.options, skipInstall: true } });
    assert.ok('deploy/kubernetes/servicemonitor.yaml' in files, Object.keys(files).join(' '));
  });

  it('mutation: a form that asks the ServiceMonitor unconditionally shows it without Kubernetes', async () => {
    const t = JSON.parse(JSON.stringify(template));
    const page = t.spec.parameters[0];
    for (const condition of page.allOf) Object.assign(page.properties, condition.then.properties);
    delete page.allOf;
    const file = join(base, 'unconditional.yaml');
    writeFileSync(file, YAML.stringify(t));
    assert.ok((await shown({}, file)).includes('serviceMonitor'));
  });

  it('with api/openapi.yaml: an API entity the Component provides, both valid', async () => {
    const dir = join(base, 'api/svc');
    mkdirSync(join(dir, 'api'), { recursive: true });
    writeFileSync(join(dir, 'api/openapi.yaml'), 'openapi: 3.1.0\ninfo: {title: svc, version: 1.0.0}\npaths: {}\n');
    await cli([dir, '--yes', '--skip-install', '--backstage', '--owner', 'team-a', '--system', 'payments']);
    const docs = YAML.parseAllDocuments(readFileSync(join(dir, 'catalog-info.yaml'), 'utf8')).map((d) => d.toJS());
    assert.deepEqual(docs[0].spec.providesApis, ['svc']);
    assert.deepEqual(docs[1].spec.definition, { $text: './api/openapi.yaml' });
    const results = await probe('validate', { files: [join(dir, 'catalog-info.yaml')] });
    assert.deepEqual(
      results.map((/** @type {any} */ r) => [r.kind, r.errors]),
      [
        ['Component', []],
        ['API', []],
      ],
    );
  });

  it('mutation: a broken template or catalog entry is refused by those validators', async () => {
    const dir = join(base, 'broken');
    mkdirSync(dir);
    const good = readFileSync(join(base, 'templates/template.yaml'), 'utf8');
    const catalog = `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\nspec:\n  type: service\n  lifecycle: experimental\n  owner: OWNER\n`;
    const cases = {
      'no-steps.yaml': good.replace('  steps:', '  stepz:'),
      'bad-name.yaml': good.replace('name: "go-minimal-service"', 'name: "go minimal"'),
      'bad-step.yaml': good.replace('action: "run:yeoman"', 'actionz: "run:yeoman"'),
      'no-owner.yaml': catalog.replace('  owner: OWNER\n', ''),
      'bad-owner.yaml': catalog.replace('OWNER', '"group:default/team a"'),
    };
    for (const [file, text] of Object.entries(cases)) writeFileSync(join(dir, file), text);
    const results = await probe('validate', { files: Object.keys(cases).map((f) => join(dir, f)) });
    for (const r of results) assert.ok(r.errors.length > 0, `${r.file} passed`);
  });

  it("our entity-reference check agrees with the catalog's on 2,000 generated strings", async () => {
    const part = fc.stringMatching(/^[a-zA-Z0-9_.\-:/ ]{0,12}$/);
    const refs = fc.sample(
      fc.oneof(
        part,
        fc.tuple(part, part).map(([a, b]) => `${a}:${b}`),
      ),
      {
        numRuns: 2000,
        seed: 20261203,
      },
    );
    refs.push('group:default/platform', 'user:jdoe', 'team-a', 'default/team_a.b', 'Group:ns/x');
    const theirs = await probe('refs', refs);
    const ours = refs.map((ref) => validateEntityRef(ref, 'group:default/platform') === true);
    const differ = refs.filter((ref, i) => ours[i] !== theirs[i]);
    assert.deepEqual(differ, []);
    console.log(`backstage e2e: ${refs.length} references, ${ours.filter(Boolean).length} accepted by both`);
  });
});

describe('TechDocs: mkdocs build --strict with mkdocs-techdocs-core', { skip: missing([techdocsMissing()]) }, () => {
  /** mkdocs build --strict in a project. @param {string} dir */
  const build = (dir) =>
    eng.runCommand(MKDOCS, ['build', '--strict', '--site-dir', join(dir, '..', 'site')], {
      cwd: dir,
      allowFail: true,
      timeoutMs: 120_000,
    });
  /** @type {string} */ let dir;
  before(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'gm-techdocs-')), 'svc');
    await cli([dir, '--yes', '--skip-install', '--backstage', '--owner', 'group:default/platform']);
  });
  it('builds the generated docs, with the techdocs metadata', async () => {
    const r = await build(dir);
    assert.equal(r.code, 0, r.all);
    assert.ok(readdirSync(join(dir, '..', 'site')).includes('techdocs_metadata.json'));
  });
  it('mutation: a link to a missing page fails the strict build', async () => {
    writeFileSync(
      join(dir, 'docs/index.md'),
      `${readFileSync(join(dir, 'docs/index.md'), 'utf8')}\n[more](missing.md)\n`,
    );
    const r = await build(dir);
    assert.notEqual(r.code, 0, r.all);
  });
});
