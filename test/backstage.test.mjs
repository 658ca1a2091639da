// Issue 19, items 1–2: `go-minimal backstage` (template.yaml from the option table; a preset's
// locks fixed; publish:gitlab with ci gitlab; a team generator's own template) and --backstage's
// files. Backstage's own code proves them in test/e2e/backstage.test.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { APP, CLI, FIXED, FIXTURES, ROOT, helpers, ttyInSuite } from './helpers/generate.mjs';
import { OPTIONS, optionNames } from '../dist/options/table.js';

/** @param {string[]} args */
const cli = (args) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdin: 'ignore' });
/** go-minimal backstage into a new folder, with args; the parsed template. @param {string[]} args */
function template(args = []) {
  const dir = mkdtempSync(join(tmpdir(), 'gm-bst-'));
  const r = cli(['backstage', dir, ...args]);
  assert.equal(r.status, 0, r.stderr);
  return YAML.parse(readFileSync(join(dir, 'template.yaml'), 'utf8'));
}
const generateStep = (/** @type {any} */ t) => t.spec.steps.find((/** @type {any} */ s) => s.action === 'run:yeoman');

describe('go-minimal backstage', () => {
  it("the form is the app generator's options, from the table: titles, enums, bounds, defaults", () => {
    const t = template();
    const props = t.spec.parameters[0].properties;
    const asked = optionNames('app').filter((n) => n !== 'backstage');
    // serviceMonitor is asked only with Kubernetes and Prometheus metrics (its askWhen): if/then.
    const [condition, ...more] = t.spec.parameters[0].allOf;
    assert.deepEqual(more, []);
    assert.deepEqual(condition.if, {
      properties: { kubernetes: { const: true }, metrics: { const: 'prometheus' } },
      required: ['kubernetes', 'metrics'],
    });
    assert.deepEqual(Object.keys(condition.then.properties), ['serviceMonitor']);
    assert.deepEqual(
      Object.keys(props),
      asked.filter((n) => n !== 'serviceMonitor'),
    );
    const all = { ...props, ...condition.then.properties };
    for (const name of asked) assert.equal(all[name].title, OPTIONS[name].title, name);
    assert.deepEqual(Object.keys(generateStep(t).input.options), [...asked, 'backstage'], "run:yeoman's order");
    assert.deepEqual(props.base.enum, ['scratch', 'distroless', 'alpine']);
    assert.deepEqual([props.port.minimum, props.port.maximum, props.port.default], [1, 65535, 8080]);
    assert.deepEqual(t.spec.parameters[0].required, ['name', 'modulePath', 'owner']);
    assert.equal(props.owner['ui:field'], 'OwnerPicker');
    assert.deepEqual(generateStep(t).input.options.backstage, true);
    assert.deepEqual(
      t.spec.steps.map((/** @type {any} */ s) => s.action),
      ['run:yeoman', 'publish:github', 'catalog:register'],
    );
  });
  it("a preset's locked values are fixed, out of the form; its defaults are the form's; ci gitlab publishes to GitLab", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-bst-preset-'));
    const preset = join(dir, 'team.json');
    writeFileSync(
      preset,
      JSON.stringify({ base: 'distroless', ci: 'gitlab', bot: 'none', port: 9443, locked: ['base'] }),
    );
    const t = template(['--preset', preset]);
    const props = t.spec.parameters[0].properties;
    assert.equal(props.base, undefined);
    assert.equal(generateStep(t).input.options.base, 'distroless');
    assert.equal(props.port.default, 9443);
    assert.equal(t.spec.steps[1].action, 'publish:gitlab');
    assert.deepEqual(t.spec.parameters[1].properties.repoUrl['ui:options'].allowedHosts, ['gitlab.com']);
  });
  it("a preset's locks decide the ServiceMonitor's question: always asked, or never", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-bst-sm-'));
    /** The form under a preset with these locked values. @param {object} locked */
    const form = (locked) => {
      const preset = join(dir, `${Object.values(locked).join('-')}.json`);
      writeFileSync(preset, JSON.stringify({ ...locked, locked: Object.keys(locked) }));
      const t = template(['--preset', preset]);
      return { page: t.spec.parameters[0], options: generateStep(t).input.options };
    };
    const both = form({ kubernetes: true, metrics: 'prometheus' });
    assert.equal(both.page.properties.serviceMonitor.type, 'boolean');
    assert.equal(both.page.allOf, undefined);
    for (const locked of [{ kubernetes: false }, { metrics: 'none' }]) {
      const { page, options } = form(locked);
      assert.equal(page.properties.serviceMonitor, undefined, JSON.stringify(locked));
      assert.equal(page.allOf, undefined, JSON.stringify(locked));
      assert.equal(options.serviceMonitor, undefined, JSON.stringify(locked));
    }
    // One answer locked to what it needs: the question waits for the other.
    const half = form({ kubernetes: true });
    assert.deepEqual(half.page.allOf[0].if.required, ['metrics']);
  });
  it('a preset file with templates is refused in one line (a portal never sees them)', () => {
    const r = cli([
      'backstage',
      mkdtempSync(join(tmpdir(), 'gm-bst-')),
      '--preset',
      join(FIXTURES, 'preset-team/team.json'),
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^go-minimal: The preset .*team\.json has templates \(templatesDir\), .*team generator/);
  });
  it('a team generator gets the same command for its own template: its namespace, its preset', () => {
    // A team package: its app generator extends ours (fixture), its backstage generator is ours, re-exported.
    const pkg = mkdtempSync(join(tmpdir(), 'gm-bst-team-'));
    mkdirSync(join(pkg, 'generators/backstage'), { recursive: true });
    mkdirSync(join(pkg, 'node_modules'));
    symlinkSync(ROOT, join(pkg, 'node_modules/generator-go-minimal'));
    cpSync(join(FIXTURES, 'generator-acme-go'), pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'generator-acme-go', version: '1.0.0', type: 'module' }),
    );
    writeFileSync(
      join(pkg, 'generators/backstage/index.js'),
      "export { BackstageGenerator as default } from 'generator-go-minimal';\n",
    );
    const dir = mkdtempSync(join(tmpdir(), 'gm-bst-out-'));
    const script = `
const { createEnv } = await import(${JSON.stringify(join(ROOT, 'node_modules/yeoman-environment/dist/index.js'))});
const env = createEnv({ cwd: ${JSON.stringify(dir)} });
env.register(${JSON.stringify(join(pkg, 'generators/backstage/index.js'))}, { namespace: 'acme-go:backstage' });
await env.run(['acme-go:backstage'], {});`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const t = YAML.parse(readFileSync(join(dir, 'template.yaml'), 'utf8'));
    assert.equal(generateStep(t).input.namespace, 'acme-go:app');
    assert.equal(generateStep(t).input.options.base, 'distroless');
    assert.equal(t.spec.parameters[0].properties.base, undefined);
    assert.equal(t.spec.parameters[0].properties.port.default, 8443);
    assert.equal(t.metadata.name, 'acme-go-service');
  });
  it('create-go-minimal (the bundle) writes the same template', () => {
    const a = mkdtempSync(join(tmpdir(), 'gm-bst-'));
    const b = mkdtempSync(join(tmpdir(), 'gm-bst-'));
    assert.equal(cli(['backstage', a]).status, 0);
    const bundle = join(ROOT, 'packages/create-go-minimal/dist/cli.js');
    const r = spawnSync(process.execPath, [bundle, 'backstage', b], { encoding: 'utf8', stdin: 'ignore' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(join(b, 'template.yaml'), 'utf8'), readFileSync(join(a, 'template.yaml'), 'utf8'));
  });
  it('an existing template.yaml that differs is kept unless --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-bst-'));
    writeFileSync(join(dir, 'template.yaml'), 'mine\n');
    const r = cli(['backstage', dir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Refusing to overwrite template\.yaml/);
    assert.equal(readFileSync(join(dir, 'template.yaml'), 'utf8'), 'mine\n');
    assert.equal(cli(['backstage', dir, '--force']).status, 0);
  });
});

describe('--backstage', () => {
  /** @param {string[]} args */
  const project = (args) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-bs-')), 'svc');
    return { dir, r: cli([dir, '--yes', '--skip-install', '--go-version', '1.26', ...args]) };
  };
  it('writes catalog-info.yaml, mkdocs.yml and docs/index.md; not without it', () => {
    const { dir, r } = project([
      '--backstage',
      '--owner',
      'group:default/platform',
      '--module-path',
      'github.com/acme/svc/v2',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const [component] = YAML.parseAllDocuments(readFileSync(join(dir, 'catalog-info.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    );
    assert.equal(component.metadata.annotations['backstage.io/source-location'], 'url:https://github.com/acme/svc/');
    assert.equal(component.metadata.annotations['backstage.io/techdocs-ref'], 'dir:.');
    assert.deepEqual(
      [component.spec.owner, component.spec.system, component.spec.providesApis],
      ['group:default/platform', undefined, undefined],
    );
    assert.ok(existsSync(join(dir, 'mkdocs.yml')) && existsSync(join(dir, 'docs/index.md')));
    const off = project([]);
    for (const f of ['catalog-info.yaml', 'mkdocs.yml', 'docs/index.md']) assert.ok(!existsSync(join(off.dir, f)), f);
  });
  it('owner and system from the preset; a bad one is one line naming the preset file', () => {
    const presets = mkdtempSync(join(tmpdir(), 'gm-bs-preset-'));
    const good = join(presets, 'good.json');
    writeFileSync(good, JSON.stringify({ backstage: true, owner: 'group:default/platform', system: 'payments' }));
    const { dir, r } = project(['--preset', good]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      readFileSync(join(dir, 'catalog-info.yaml'), 'utf8'),
      /owner: "group:default\/platform"\n {2}system: "payments"/,
    );
    const bad = join(presets, 'bad.json');
    writeFileSync(bad, JSON.stringify({ backstage: true, owner: 'group:default/' }));
    const refused = project(['--preset', bad]);
    assert.equal(refused.r.status, 1);
    assert.match(
      refused.r.stderr,
      /^go-minimal: Invalid owner "group:default\/" in .*bad\.json: use an entity reference/,
    );
  });
  it('values the catalog would reject, and owner without --backstage, are one line each; nothing written', () => {
    for (const [args, message] of [
      [['--backstage'], /--backstage needs an owner: give --owner/],
      [['--backstage', '--owner', 'team a'], /^go-minimal: Invalid --owner "team a": use an entity reference/],
      [['--backstage', '--owner', 'x', '--system', 'a:b:c'], /^go-minimal: Invalid --system "a:b:c"/],
      [['--owner', 'x'], /--owner is used only with --backstage: add --backstage, or drop --owner\./],
    ]) {
      const { dir, r } = project(args);
      assert.equal(r.status, 1, args.join(' '));
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.ok(!existsSync(dir), args.join(' '));
    }
  });
});

describe('--backstage through update', () => {
  /** @param {string[]} args */
  const project = (args) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-bsu-')), 'svc');
    const r = cli([dir, '--yes', '--skip-install', '--go-version', '1.26', ...args]);
    assert.equal(r.status, 0, r.stderr);
    return dir;
  };
  it('--set backstage=true --set owner=… brings a service into the catalog: the three files added', () => {
    const dir = project([]);
    const r = cli(['update', dir, '--no-verify', '--set', 'backstage=true', '--set', 'owner=group:default/platform']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const f of ['catalog-info.yaml', 'mkdocs.yml', 'docs/index.md'])
      assert.match(r.stdout, new RegExp(`added\\s+${f}`));
    assert.match(readFileSync(join(dir, 'catalog-info.yaml'), 'utf8'), /owner: "group:default\/platform"/);
  });
  it("a project with api/openapi.yaml is up to date: the update's renders see the API too", () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-bsu-')), 'svc');
    mkdirSync(join(dir, 'api'), { recursive: true });
    writeFileSync(join(dir, 'api/openapi.yaml'), 'openapi: 3.1.0\n');
    const gen = cli([dir, '--yes', '--skip-install', '--backstage', '--owner', 'team-a']);
    assert.equal(gen.status, 0, gen.stderr);
    assert.match(readFileSync(join(dir, 'catalog-info.yaml'), 'utf8'), /providesApis:/);
    const r = cli(['update', dir, '--check']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Up to date/);
  });
});

describe('--backstage, asked', () => {
  ttyInSuite();
  it('"no" asks no owner, system or lifecycle, and stores none', async () => {
    const asked = [];
    const r = await helpers
      .run(APP)
      .withOptions(/** @type {any} */ ({ skipInstall: true, ...FIXED }))
      .withAnswers(
        { backstage: false },
        {
          callback: (/** @type {any} */ answer, /** @type {any} */ { question }) => (asked.push(question.name), answer),
        },
      );
    assert.ok(asked.includes('backstage'));
    for (const name of ['owner', 'system', 'lifecycle']) assert.ok(!asked.includes(name), name);
    const entry = JSON.parse(readFileSync(join(r.cwd, '.yo-rc.json'), 'utf8'))['generator-go-minimal'];
    assert.deepEqual([entry.backstage, entry.owner], [false, undefined]);
  });
  it('"yes" asks them, and their answers reach catalog-info.yaml', async () => {
    const r = await helpers
      .run(APP)
      .withOptions(/** @type {any} */ ({ skipInstall: true, ...FIXED }))
      .withAnswers({ backstage: true, owner: 'group:default/platform', system: '', lifecycle: 'production' });
    const text = readFileSync(join(r.cwd, 'catalog-info.yaml'), 'utf8');
    assert.match(text, /owner: "group:default\/platform"/);
    assert.match(text, /lifecycle: "production"/);
    assert.doesNotMatch(text, /system:/);
  });
});
