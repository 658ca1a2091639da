// One checker for presets and stored answers (src/options/schema.ts): the JSON Schema we ship is what
// the code enforces, a preset may start with a byte-order mark, the generator's entry in
// .yo-rc.json is checked like a preset (unknown keys, wrong types, not an object), and every
// error is one printable line naming the file and the key, with nothing written.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DOCKER, FIXTURES, helpers, runYes } from './helpers/generate.mjs';
import { checkOption } from '../dist/options/check.js';
import { quoteValue } from '../dist/messages/quote.js';

const tmp = (p = 'gm-check-') => mkdtempSync(join(tmpdir(), p));
const NS = 'generator-go-minimal';
// eslint-disable-next-line no-control-regex -- a message holding a control character is the failure
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202e]/;

/** A preset file holding text, in a folder of its own. */
function presetFile(text) {
  const file = join(tmp(), 'p.json');
  writeFileSync(file, text);
  return file;
}

describe('a preset the shipped schema rejects is rejected: one line naming the file and key, nothing written', () => {
  const cases = [
    [{ port: '9090' }, /^Invalid port "9090" in .*p\.json: write it as a JSON number: 9090\.$/],
    [{ healthcheck: 'false' }, /^Invalid healthcheck "false" in .*p\.json: write it as a JSON boolean: false\.$/],
    [{ name: 5 }, /^Invalid name 5 in .*p\.json: write it as a JSON string: "5"\.$/],
    [{ base: 'alpine', locked: ['base', 'base'] }, /^Invalid locked in .*p\.json: "base" is listed twice/],
    [
      { $schema: 5 },
      /^Invalid \$schema in .*p\.json: use a string \(the URL or path of preset\.schema\.json\), not 5\.$/,
    ],
    [{ templatesDir: '' }, /^Invalid templatesDir in .*p\.json: use a folder path/],
    [{ locked: [5] }, /^Invalid locked in .*p\.json: 5 is not an option/],
    [[1, 2], /^Invalid preset .*p\.json: it must be a JSON object, not \[1,2\]\.$/],
  ];
  for (const [content, message] of cases) {
    it(JSON.stringify(content), async () => {
      const dir = tmp();
      await assert.rejects(runYes({ preset: presetFile(JSON.stringify(content)) }).cd(dir), { message });
      assert.deepEqual(readdirSync(dir), []);
    });
  }
});

describe('a preset saved with a UTF-8 byte-order mark', () => {
  it('is read as JSON', async () => {
    const result = await runYes({ preset: presetFile('\uFEFF{ "port": 9443 }'), name: 'bom' });
    result.assertFileContent('Dockerfile', /^EXPOSE 9443$/m);
  });
});

describe('the generator entry in .yo-rc.json is checked like a preset', () => {
  const cases = [
    [{ prot: 9090 }, /^Unknown key "prot" in \.yo-rc\.json \("generator-go-minimal"\): use one of name, modulePath, /],
    [
      null,
      /^Invalid "generator-go-minimal" in \.yo-rc\.json: it must be a JSON object, not null; delete that entry to start afresh\.$/,
    ],
    ['x', /^Invalid "generator-go-minimal" in \.yo-rc\.json: it must be a JSON object, not "x"; delete that entry/],
    [[1, 2], /^Invalid "generator-go-minimal" in \.yo-rc\.json: it must be a JSON object, not \[1,2\]; delete/],
    [{ port: '9090' }, /^Invalid port "9090" in \.yo-rc\.json: write it as a JSON number: 9090\.$/],
    [{ healthcheck: 'false' }, /^Invalid healthcheck "false" in \.yo-rc\.json: write it as a JSON boolean/],
    [{ locked: ['base'] }, /^Unknown key "locked" in \.yo-rc\.json/],
  ];
  for (const [entry, message] of cases) {
    it(`app: ${JSON.stringify(entry)}`, async () => {
      const dir = tmp();
      const yorc = JSON.stringify({ [NS]: entry });
      writeFileSync(join(dir, '.yo-rc.json'), yorc);
      await assert.rejects(runYes().cd(dir), { message });
      assert.deepEqual(readdirSync(dir), ['.yo-rc.json']);
      assert.equal(readFileSync(join(dir, '.yo-rc.json'), 'utf8'), yorc);
    });
  }
  it('docker: an unknown key, one line, nothing written', async () => {
    const dir = tmp();
    cpSync(join(FIXTURES, 'root-main'), dir, { recursive: true });
    writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ [NS]: { main: '.', prot: 1 } }));
    const before = readdirSync(dir).sort();
    await assert.rejects(helpers.run(DOCKER).cd(dir).withOptions({ yes: true }), {
      message: /^Unknown key "prot" in \.yo-rc\.json \("generator-go-minimal"\)/,
    });
    assert.deepEqual(readdirSync(dir).sort(), before);
  });
  it("another generator's entry is not ours to check, and is kept", async () => {
    const result = await runYes({ name: 'kept' }).withYoRcConfig('generator-other', { prot: 1 });
    result.assertJsonFileContent('.yo-rc.json', { 'generator-other': { prot: 1 }, [NS]: { name: 'kept' } });
  });
  it('what a run stores passes the check on the next run', async () => {
    const dir = tmp();
    await runYes({ name: 'again', port: '7000' }).cd(dir);
    const second = await runYes({ force: true }).cd(dir);
    second.assertFileContent('Dockerfile', /^EXPOSE 7000$/m);
  });
});

describe('errors are one printable line: values quoted, controls escaped', () => {
  const hostile = 'a\nb\r\u001b[31m\u0007\u2028\u202e\u009b';
  it('quoteValue escapes every control and invisible direction change', () => {
    assert.equal(quoteValue(hostile), '"a\\nb\\r\\u001b[31m\\u0007\\u2028\\u202e\\u009b"');
    assert.equal(quoteValue(Number.NaN), 'NaN');
    assert.equal(quoteValue(undefined), 'undefined');
    assert.match(quoteValue('x'.repeat(500)), /^"x{120}"… \(500 characters\)$/);
  });
  for (const [label, run] of [
    ['a flag', () => checkOption('name', hostile, { kind: 'flag' })],
    ['a prompt answer', () => checkOption('modulePath', hostile, { kind: 'prompt' })],
  ]) {
    it(label, () => {
      assert.throws(run, (error) => {
        assert.doesNotMatch(error.message, UNPRINTABLE);
        assert.match(error.message, /"a\\nb\\r\\u001b\[31m/);
        return true;
      });
    });
  }
  it('a preset key and value', async () => {
    const file = presetFile(JSON.stringify({ [hostile]: 1 }));
    await assert.rejects(runYes({ preset: file }), (error) => {
      assert.doesNotMatch(error.message, UNPRINTABLE);
      assert.match(error.message, /^Unknown key "a\\nb\\r/);
      return true;
    });
  });
});
