// Unit tests of what is derived from the option table: each generator's names and places, what a
// generator asks and stores, the preset schema's ranges and the help lines (one source per fact).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APP_OPTION_NAMES,
  applies,
  DOCKER_OPTION_NAMES,
  OPTIONS,
  OPTION_NAMES,
  fixedAnswers,
  optionHelp,
  optionNames,
  storedAnswers,
  storedNames,
  validatePort,
} from '../dist/options/table.js';
import { presetSchema } from '../dist/options/preset.js';
import { readProject } from '../dist/module/project.js';

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
describe('derived from the option table', () => {
  const placesOf = (generator) =>
    OPTION_NAMES.filter((n) => OPTIONS[n].owners[generator] !== undefined).map((n) => OPTIONS[n].owners[generator]);
  it("each generator's names come from owners, in its places 1..n", () => {
    for (const generator of ['app', 'docker']) {
      const places = placesOf(generator).sort((a, b) => a - b);
      assert.deepEqual(
        places,
        places.map((_, i) => i + 1),
        generator,
      );
      const names = optionNames(generator);
      assert.deepEqual(
        names.map((n) => OPTIONS[n].owners[generator]),
        places,
      );
    }
    assert.deepEqual(APP_OPTION_NAMES, optionNames('app'));
    assert.deepEqual(DOCKER_OPTION_NAMES, optionNames('docker'));
    assert.deepEqual(DOCKER_OPTION_NAMES, [
      'main',
      'cgo',
      'name',
      'base',
      'port',
      'ci',
      'bot',
      'kubernetes',
      'compose',
    ]);
  });
  it('asks what a default reads before the default', () => {
    const before = (names, first, then) =>
      !names.includes(then) || !names.includes(first) || names.indexOf(first) < names.indexOf(then);
    for (const names of [APP_OPTION_NAMES, DOCKER_OPTION_NAMES]) {
      assert.ok(before(names, 'main', 'name') && before(names, 'main', 'port'), names.join());
      assert.ok(before(names, 'cgo', 'base') && before(names, 'name', 'modulePath'), names.join());
    }
  });
  it('stores what a generator asks, then what it fixes: the golden .yo-rc.json keys', () => {
    const golden = new URL('./golden/default/.yo-rc.json', import.meta.url);
    const stored = JSON.parse(readFileSync(golden, 'utf8'))['generator-go-minimal'];
    // Then what generated it (provenance.ts; no preset in the golden run).
    // Without --backstage, its owner, system and lifecycle mean nothing and are not stored.
    const meaningful = storedNames('app').filter((name) => applies(name, stored));
    assert.deepEqual([...meaningful, 'generator', 'generatorPackage', 'generatorVersion'], Object.keys(stored));
    assert.deepEqual(fixedAnswers('app'), { main: '.', cgo: false });
    const serviceOff = { metrics: 'none', tracing: 'none', pprof: false, openapi: false, serviceMonitor: false };
    assert.deepEqual(fixedAnswers('docker'), serviceOff);
    assert.deepEqual(storedNames('docker'), [...DOCKER_OPTION_NAMES, ...Object.keys(serviceOff)]);
    const answers = { port: 1, base: 'alpine', goVersion: '1.26', name: 'x', main: '.', cgo: true, ci: 'none' };
    assert.deepEqual(Object.entries(storedAnswers('docker', { ...answers, kubernetes: true, compose: false })), [
      ['main', '.'],
      ['cgo', true],
      ['name', 'x'],
      ['base', 'alpine'],
      ['port', 1],
      ['ci', 'none'],
      ['bot', undefined],
      ['kubernetes', true],
      ['compose', false],
      ['metrics', undefined],
      ['tracing', undefined],
      ['pprof', undefined],
      ['openapi', undefined],
      ['serviceMonitor', undefined],
    ]);
  });
  it("the schema's ranges are the table's bounds, for integer options only", () => {
    const { properties } = presetSchema();
    for (const name of OPTION_NAMES) {
      const { kind, min, max } = OPTIONS[name];
      assert.equal(kind === 'integer', min !== undefined && max !== undefined, name);
      assert.equal(properties[name].minimum, min, name);
      assert.equal(properties[name].maximum, max, name);
    }
    assert.deepEqual([properties.port.minimum, properties.port.maximum], [1, 65535]);
  });
  it("validatePort, the accepted text and project.ts's port literals use the table's bounds", () => {
    const { min, max, accepted } = OPTIONS.port;
    assert.equal(validatePort(min), true);
    assert.equal(validatePort(max), true);
    assert.equal(validatePort(max + 1), `use a number from ${min} to ${max}`);
    assert.equal(validatePort(min - 1), 'use a number from 1 to 65535');
    assert.equal(accepted, `an integer from ${min} to ${max}`);
    const dir = mkdtempSync(join(tmpdir(), 'gm-lib-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/p\n\ngo 1.26\n');
    const main = (port) => `package main\n\nfunc main() { _ = ":${port}" }\n`;
    writeFileSync(join(dir, 'main.go'), main(max));
    assert.deepEqual(readProject(dir).ports, { '.': max });
    writeFileSync(join(dir, 'main.go'), main(max + 1));
    assert.deepEqual(readProject(dir).ports, {});
  });
  it('formats help lines in one place, for both helps and the schema', () => {
    assert.equal(optionHelp('port', 'help'), 'Port the service listens on: an integer from 1 to 65535. Default: 8080.');
    assert.equal(presetSchema().properties.port.description, optionHelp('port', 'schema'));
  });
});
