// Team presets: precedence (flag > stored > preset > default), locks, template overrides and
// extra files, discovery of .go-minimal.json, errors that name the key and the file, and the
// JSON Schema derived from the option table.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { APP, FIXTURES, ROOT, helpers, runYes, withTty } from './helpers/generate.mjs';
import { findPresetFile, parsePreset, presetSchema } from '../dist/options/preset.js';
import { OPTION_NAMES } from '../dist/options/table.js';

const TEAM = join(FIXTURES, 'preset-team/team.json');
const tmp = (p = 'gm-preset-') => mkdtempSync(join(tmpdir(), p));

describe('preset precedence: flag > stored > preset > default', () => {
  it('the preset supplies defaults', async () => {
    const result = await runYes({ preset: TEAM, goVersion: undefined, name: 'svc' });
    result.assertFileContent(
      'Dockerfile',
      /^FROM --platform=\$TARGETPLATFORM gcr\.io\/distroless\/static-debian13:nonroot$/m,
    );
    result.assertFileContent('Dockerfile', /^EXPOSE 9443$/m);
    result.assertFileContent('go.mod', /^go 1\.23$/m);
  });
  it('a stored answer beats the preset (unlocked option)', async () => {
    const result = await runYes({ preset: TEAM, goVersion: undefined }).withYoRcConfig('generator-go-minimal', {
      port: 7000,
    });
    result.assertFileContent('Dockerfile', /^EXPOSE 7000$/m);
  });
  it('a flag beats stored and preset', async () => {
    const result = await runYes({ preset: TEAM, goVersion: undefined, port: '7100' }).withYoRcConfig(
      'generator-go-minimal',
      { port: 7000 },
    );
    result.assertFileContent('Dockerfile', /^EXPOSE 7100$/m);
  });
  it('without a preset, the table default', async () => {
    const result = await runYes({ name: 'plain' });
    result.assertFileContent('Dockerfile', /^EXPOSE 8080$/m);
  });
});

describe('locked options', () => {
  it('are not asked', async () => {
    const restore = withTty();
    try {
      const result = await helpers
        .run(APP)
        .withOptions({ preset: TEAM, skipInstall: true })
        .withAnswers({ name: 'asked', modulePath: 'example.com/asked', port: '9443', healthcheck: true });
      const asked = result.askedQuestions.map((q) => q.name);
      assert.ok(!asked.includes('base') && !asked.includes('goVersion'), `asked ${asked}`);
    } finally {
      restore();
    }
  });
  it('reject a contradicting flag with one line naming the preset, and write nothing', async () => {
    const dir = tmp();
    await assert.rejects(runYes({ preset: TEAM, goVersion: undefined, base: 'alpine' }).cd(dir), (error) => {
      assert.match(
        error.message,
        /^--base is locked to "distroless" by .*team\.json: drop the flag, or change the preset\.$/,
      );
      return true;
    });
    assert.deepEqual(readdirSync(dir), []);
  });
  it('accept a flag equal to the locked value (replayed commands carry every flag)', async () => {
    const result = await runYes({ preset: TEAM, base: 'distroless', goVersion: '1.23' });
    result.assertFileContent('Dockerfile', /distroless/);
  });
  it('win over a stored answer', async () => {
    const result = await runYes({ preset: TEAM, goVersion: undefined }).withYoRcConfig('generator-go-minimal', {
      base: 'alpine',
    });
    result.assertFileContent('Dockerfile', /^FROM --platform=\$TARGETPLATFORM gcr\.io\/distroless/m);
  });
});

describe('templatesDir', () => {
  it('a file of the same name overrides the built-in template', async () => {
    const result = await runYes({ preset: TEAM, goVersion: undefined, name: 'acme' });
    result.assertFileContent('README.md', /^# acme \(ACME platform template\)$/m);
    result.assertNoFileContent('README.md', /standard library only/);
  });
  it('extra files are rendered with the same data', async () => {
    const result = await runYes({ preset: TEAM, goVersion: undefined, name: 'acme' });
    result.assertFileContent('SECURITY.md', /^# Security policy for acme$/m);
    result.assertFileContent('SECURITY.md', /example\.com\/acme to security/);
    result.assertFileContent('SECURITY.md', /runs as 65532:65532 on distroless/);
    result.assertNoFile('SECURITY.md.ejs');
  });
});

describe('discovery', () => {
  it('.go-minimal.json in the destination or a parent is used without --preset, for its data', async () => {
    const parent = tmp();
    writeFileSync(join(parent, '.go-minimal.json'), JSON.stringify({ base: 'alpine' }));
    const dir = join(parent, 'team', 'svc');
    mkdirSync(dir, { recursive: true });
    assert.equal(findPresetFile(dir, tmp()), join(parent, '.go-minimal.json'));
    const result = await runYes({ name: 'found' }).cd(dir);
    result.assertFileContent('Dockerfile', /^FROM --platform=\$TARGETPLATFORM alpine:/m);
  });
  it('a found preset with templatesDir (code) is refused until named; named, it is used', async () => {
    const parent = tmp();
    cpSync(join(FIXTURES, 'preset-team/templates'), join(parent, 'templates'), { recursive: true });
    const file = join(parent, '.go-minimal.json');
    writeFileSync(file, JSON.stringify({ base: 'alpine', templatesDir: 'templates' }));
    const dir = join(parent, 'svc');
    mkdirSync(dir);
    await assert.rejects(runYes({ name: 'found' }).cd(dir), {
      message: `Refusing the preset ${file}: it was found, not named, and its templatesDir (${join(parent, 'templates')}) is code that would run; to trust it, name it: --preset ${file}.`,
    });
    assert.deepEqual(readdirSync(dir), []);
    const result = await runYes({ name: 'found', preset: file }).cd(dir);
    result.assertFile('SECURITY.md');
  });
  it('discovery stops at the repository root and at the home folder', () => {
    const above = tmp();
    writeFileSync(join(above, '.go-minimal.json'), '{}');
    const repo = join(above, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'svc'));
    assert.equal(findPresetFile(join(repo, 'svc'), tmp('gm-emptyhome-')), undefined);
    const home = join(above, 'home');
    mkdirSync(join(home, 'svc'), { recursive: true });
    assert.equal(findPresetFile(join(home, 'svc'), home), undefined);
    writeFileSync(join(repo, '.go-minimal.json'), '{}');
    assert.equal(findPresetFile(join(repo, 'svc'), tmp('gm-emptyhome-')), join(repo, '.go-minimal.json'));
  });
  it('else the one in the home folder', () => {
    const home = tmp();
    writeFileSync(join(home, '.go-minimal.json'), '{}');
    assert.equal(findPresetFile(tmp('gm-nowhere-'), home), join(home, '.go-minimal.json'));
    assert.equal(findPresetFile(tmp('gm-nowhere-'), tmp('gm-emptyhome-')), undefined);
  });
});

describe('preset errors name the key and the file, and nothing is written', () => {
  const cases = [
    [{ bse: 'alpine' }, /^Unknown key "bse" in .*p\.json: use one of name, modulePath, /],
    [{ port: 0 }, /^Invalid port 0 in .*p\.json: use a number from 1 to 65535\.$/],
    [{ base: 'ubuntu' }, /^Invalid base "ubuntu" in .*p\.json: use one of: scratch, distroless, alpine\.$/],
    [{ locked: 'base' }, /^Invalid locked in .*p\.json: use a list of option names/],
    [{ locked: ['colour'] }, /^Invalid locked in .*p\.json: "colour" is not an option/],
    [{ locked: ['port'] }, /^Invalid locked in .*p\.json: "port" is locked but .*p\.json gives it no value\.$/],
    [{ templatesDir: 'nope' }, /^Invalid templatesDir "nope" in .*p\.json: .*nope is not a folder\.$/],
  ];
  for (const [content, message] of cases) {
    it(JSON.stringify(content), async () => {
      const dir = tmp();
      const file = join(tmp(), 'p.json');
      writeFileSync(file, JSON.stringify(content));
      await assert.rejects(runYes({ preset: file }).cd(dir), { message });
      assert.deepEqual(readdirSync(dir), []);
    });
  }
  it('a file that is not JSON', async () => {
    const file = join(tmp(), 'p.json');
    writeFileSync(file, '{ base: alpine }');
    await assert.rejects(runYes({ preset: file }), {
      message: /^Cannot use the preset .*p\.json: it is not valid JSON at line 1, column \d+\.$/,
    });
  });
  it('a missing file', async () => {
    await assert.rejects(runYes({ preset: '/nonexistent/p.json' }), {
      message: 'Invalid --preset "/nonexistent/p.json": no such file.',
    });
  });
});

describe('the preset JSON Schema', () => {
  it('is derived from the option table', () => {
    const schema = presetSchema();
    assert.deepEqual(
      Object.keys(schema.properties).sort(),
      [...OPTION_NAMES, '$schema', 'locked', 'templatesDir'].sort(),
    );
    assert.deepEqual(schema.properties.base.enum, ['scratch', 'distroless', 'alpine']);
    assert.equal(schema.properties.port.type, 'integer');
    assert.equal(schema.additionalProperties, false);
  });
  it('ships in the package as dist/preset.schema.json', () => {
    assert.deepEqual(JSON.parse(readFileSync(join(ROOT, 'dist/preset.schema.json'), 'utf8')), presetSchema());
  });
  it('the team fixture is valid', () => {
    const preset = parsePreset(JSON.parse(readFileSync(TEAM, 'utf8')), TEAM);
    assert.deepEqual(preset.locked, ['base', 'goVersion']);
  });
});
