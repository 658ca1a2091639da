// The one front door (src/options/flags.ts): the bin and yo parse and describe the same flags, from
// the option table, in one spelling; a flag given twice is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { APP, FIXED, helpers } from './helpers/generate.mjs';
import { UsageError, deprecationNotes, flagsOf, givenOption, helpText, parseFlags } from '../dist/options/flags.js';
import { APP_OPTION_NAMES, DOCKER_OPTION_NAMES, OPTIONS, kebab, optionHelp } from '../dist/options/table.js';

describe('flags from the option table', () => {
  it('every table option of a generator is one kebab-case flag with the table help', () => {
    for (const [generator, names] of [
      ['app', APP_OPTION_NAMES],
      ['docker', DOCKER_OPTION_NAMES],
    ]) {
      const flags = flagsOf(generator);
      for (const name of names) {
        const flag = flags.find((f) => f.name === name);
        assert.equal(flag?.flag, kebab(name));
        assert.equal(flag.help, optionHelp(name, 'help'));
        assert.equal(flag.negatable, OPTIONS[name].kind === 'boolean');
      }
    }
  });
  it('--skip-install belongs to the app; docker accepts it as deprecated (a note, no help row)', () => {
    assert.equal(flagsOf('app').find((f) => f.flag === 'skip-install')?.deprecated, undefined);
    assert.ok(helpText('app').includes('--skip-install'));
    assert.match(flagsOf('docker').find((f) => f.flag === 'skip-install')?.deprecated ?? '', /^note: --skip-install /);
    assert.ok(!helpText('docker').includes('skip-install'));
    assert.deepEqual(parseFlags(['--skip-install'], 'docker').options, { skipInstall: true });
    assert.equal(deprecationNotes('docker', (name) => name === 'skipInstall').length, 1);
    assert.deepEqual(
      deprecationNotes('docker', () => false),
      [],
    );
    assert.deepEqual(
      deprecationNotes('app', () => true),
      [],
    );
  });
  it('the bin and yo print the same help, but for the program name', () => {
    for (const generator of ['app', 'docker', 'update', 'backstage']) {
      const bin = helpText(generator, 'bin')
        .replace(/(?<![.\w])go-minimal (docker|update|backstage)( \[folder\])?/g, 'PROG:$1')
        .replace(/(?<![.\w])go-minimal( \[folder\])?/g, 'PROG')
        .replace(/\n {2}-v, --version.*/, '');
      const yo = helpText(generator, 'yo')
        .replace(/yo go-minimal:(docker|update|backstage)/g, 'PROG:$1')
        .replace(/yo go-minimal/g, 'PROG');
      assert.equal(yo, bin);
    }
  });
});

describe('parseFlags (the bin)', () => {
  it('takes kebab-case flags, keyed in camelCase', () => {
    const r = parseFlags(['svc', '--module-path', 'example.com/x', '--no-healthcheck', '-y'], 'app');
    assert.deepEqual(r.options, { modulePath: 'example.com/x', healthcheck: false, yes: true });
    assert.deepEqual(r.positionals, ['svc']);
  });
  it('refuses the camelCase spelling (one spelling set)', () => {
    assert.throws(
      () => parseFlags(['--modulePath', 'x'], 'app'),
      (e) => e instanceof UsageError && /unknown option "--modulePath"/.test(e.message),
    );
  });
  it('refuses a flag given twice, naming both', () => {
    assert.throws(() => parseFlags(['--port', '1', '--port', '2'], 'app'), {
      message: '--port is given twice (--port "1" and --port "2"): give it once',
    });
    assert.throws(() => parseFlags(['--healthcheck', '--no-healthcheck'], 'app'), {
      message: '--healthcheck is given twice (--healthcheck and --no-healthcheck): give it once',
    });
  });
  it('an error with a control character stays one line', () => {
    assert.throws(
      () => parseFlags(['--port', 'a\nb', '--port', '2'], 'app'),
      (e) => !e.message.includes('\n') && e.message.includes('"a\\nb"'),
    );
  });
});

describe('givenOption (the generators)', () => {
  it('reads the flag spelling (yo) or the code spelling (bin, team generators)', () => {
    assert.equal(givenOption({ 'module-path': 'a' }, 'modulePath'), 'a');
    assert.equal(givenOption({ modulePath: 'a' }, 'modulePath'), 'a');
    assert.equal(givenOption({ 'module-path': 'a', modulePath: 'a' }, 'modulePath'), 'a');
  });
  it('both spellings with different values: one line naming both', () => {
    assert.throws(() => givenOption({ 'module-path': 'a', modulePath: 'b' }, 'modulePath'), {
      message: '--module-path is given twice, as "a" and (as modulePath) "b": give it once.',
    });
  });
  it('under yeoman, the kebab-case flags a yo command line gives are the options', async () => {
    const result = await helpers
      .run(APP)
      .withArguments(['--module-path', 'example.com/kebab', '--no-healthcheck', '--port', '9090'])
      .withOptions({ yes: true, skipInstall: true, ...FIXED });
    assert.match(readFileSync(join(result.cwd, 'go.mod'), 'utf8'), /^module example\.com\/kebab$/m);
    const stored = JSON.parse(readFileSync(join(result.cwd, '.yo-rc.json'), 'utf8'))['generator-go-minimal'];
    assert.equal(stored.port, 9090);
    assert.equal(stored.healthcheck, false);
  });
  it('under yeoman, --module-path a with modulePath b is refused and nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-twice-'));
    await assert.rejects(
      helpers
        .run(APP)
        .cd(dir)
        .withArguments(['--module-path', 'example.com/a'])
        .withOptions({ yes: true, skipInstall: true, ...FIXED, modulePath: 'example.com/b' }),
      { message: /^--module-path is given twice, as "example\.com\/a" and \(as modulePath\) "example\.com\/b"/ },
    );
    assert.deepEqual(readdirSync(dir), []);
  });
});
