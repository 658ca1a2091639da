// Unit tests of the pure helpers: validators, option coercion and messages, derived values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateGoVersion, validateModulePath, validateName, validateChoice } from '../dist/options/validate.js';
import { OPTIONS, OPTION_NAMES, kebab, sanitizeName, validatePort } from '../dist/options/table.js';
import { checkOption, promptValidator } from '../dist/options/check.js';
import { templateData, replayCommand, shellQuote, execForm, ldflags } from '../dist/generators/derive.js';
import { defaultGoVersion, minorOf, GO_VERSIONS } from '../dist/image/go.js';
import { CI_IMAGES, IMAGES, builderImage, finalImage } from '../dist/image/images.js';

const good = (fn, values) => values.forEach((v) => assert.equal(fn(v), true, `${JSON.stringify(v)} should pass`));
const bad = (fn, values) =>
  values.forEach((v) => assert.equal(typeof fn(v), 'string', `${JSON.stringify(v)} should be rejected`));

describe('validateName', () => {
  it('accepts lowercase names with dots, dashes, underscores', () =>
    good(validateName, ['hello', 'a', '0day', 'my.svc', 'my-svc_2', 'a__b', 'a---b', 'x'.repeat(63)]));
  it('rejects upper case, leading punctuation, spaces, slashes, empty and > 63 chars', () =>
    bad(validateName, [
      'Hello',
      '-x',
      '.x',
      '_x',
      'a b',
      'a/b',
      '',
      'x'.repeat(64),
      'é',
      'svc-',
      'svc.',
      'a..b',
      'a___b',
      'a._b',
      'a-.b',
    ]));
});

describe('validateModulePath', () => {
  it("accepts Go's module paths", () =>
    good(validateModulePath, [
      'example.com/hello',
      'example.com/Team-A/My_Svc/v2',
      'github.com/acme/api/v10',
      'hello',
      'corp.internal/x~y',
      'example.com/v1x',
    ]));
  it('rejects what Go rejects', () =>
    bad(validateModulePath, [
      '',
      '/abs',
      'example.com/',
      'example.com//x',
      'Example.com/x',
      'example.com/a b',
      'example.com/.hidden',
      'example.com/trailing.',
      'example.com/x/v1',
      'example.com/x/v0',
      'example.com/x/v01',
      '-lead.com/x',
      'example.com/con',
      'example.com/GOPHER~1',
      'example.com/ü',
      'example.com/a@b',
      // Go builds none of these: the standard library's names and the package patterns.
      'fmt',
      'net/http',
      'std',
      'cmd/go',
      'all',
      'example.com/x/-y', // go build: invalid input directory name
    ]));
  it('says what is wrong and what is accepted', () => {
    assert.match(validateModulePath('example.com/x/v1'), /major version suffix.*example\.com/);
  });
});

describe('validateGoVersion', () => {
  const noLocal = { newestKnown: '1.27', local: () => undefined };
  const local30 = { newestKnown: '1.27', local: () => '1.30' };
  const check = (limits) => (v) => validateGoVersion(v, limits);
  it('accepts 1.N and 1.N.P from 1.22 to the newest known', () =>
    good(check(noLocal), ['1.22', '1.23', '1.23.5', '1.27', '1.27.3', '1.22.0']));
  it('rejects older, malformed and prerelease versions', () =>
    bad(check(noLocal), ['1.21', '1.21.9', '1', '2.0', '1.23.', 'go1.23', '1.023', '1.23rc1', '1.23.5.1', '']));
  it('refuses a version newer than both the newest known and the local Go, naming both', () => {
    assert.equal(
      validateGoVersion('1.99', { newestKnown: '1.27', local: () => '1.26' }),
      'newer than the newest Go release known here (1.27) and the local Go (1.26); use 1.N or 1.N.P with N from 22 to 27 and P from 0 to 99, e.g. 1.27',
    );
    assert.match(validateGoVersion('1.28', noLocal), /local Go \(none\)/);
  });
  it('accepts a version newer than the table when the local Go has it', () => {
    good(check(local30), ['1.28', '1.30.1']);
    bad(check(local30), ['1.31']);
  });
  it('reads the local Go only for versions newer than the table', () => {
    let reads = 0;
    const counting = { newestKnown: '1.27', local: () => (reads++, undefined) };
    validateGoVersion('1.26', counting);
    validateGoVersion('1.2', counting);
    assert.equal(reads, 0);
  });
});

describe('validatePort', () => {
  it('accepts 1..65535', () => good(validatePort, [1, 80, 8080, 65535]));
  it('rejects 0, > 65535, fractions and NaN', () => bad(validatePort, [0, 65536, 80800, 1.5, Number.NaN, -1]));
});

describe('validateChoice', () => {
  it('lists the choices when it rejects', () => {
    const v = validateChoice(['scratch', 'alpine']);
    assert.equal(v('alpine'), true);
    assert.equal(v('debian'), 'use one of: scratch, alpine');
  });
});

describe('checkOption (flag, stored file and prompt messages)', () => {
  it('coerces flag strings to numbers and booleans', () => {
    assert.equal(checkOption('port', '9090', { kind: 'flag' }), 9090);
    assert.equal(checkOption('healthcheck', 'false', { kind: 'flag' }), false);
    assert.equal(checkOption('healthcheck', true, { kind: 'flag' }), true);
  });
  it('names the flag, the value and what is accepted, on one line', () => {
    assert.throws(() => checkOption('port', '80800', { kind: 'flag' }), {
      message: 'Invalid --port "80800": use a number from 1 to 65535.',
    });
    assert.throws(() => checkOption('port', '8o8o', { kind: 'flag' }), { message: /^Invalid --port "8o8o": use/ });
    assert.throws(() => checkOption('goVersion', '1.19', { kind: 'flag' }), {
      message: /^Invalid --go-version "1\.19": use 1\.N or 1\.N\.P with N from 22 to 2[0-9]/,
    });
    assert.throws(() => checkOption('base', 'debian', { kind: 'flag' }), {
      message: 'Invalid --base "debian": use one of: scratch, distroless, alpine.',
    });
  });
  it('names the file for a bad stored answer', () => {
    assert.throws(() => checkOption('port', 'http', { kind: 'file', file: '.yo-rc.json' }), {
      message: /^Invalid port "http" in \.yo-rc\.json: use a number/,
    });
    assert.throws(() => checkOption('healthcheck', 'yes', { kind: 'file', file: '.yo-rc.json' }), {
      message: /^Invalid healthcheck "yes" in \.yo-rc\.json: use true or false/,
    });
  });
  it('gives every message on a single line', () => {
    for (const name of OPTION_NAMES) {
      try {
        checkOption(name, name === 'healthcheck' ? 'maybe' : 'BAD VALUE/\u00e9', { kind: 'flag' });
        assert.fail(`${name} accepted a bad value`);
      } catch (error) {
        assert.doesNotMatch(error.message, /\n/);
        assert.match(error.message, new RegExp(`^Invalid --${kebab(name)} `));
      }
    }
  });
  it('the prompt validator is the same validator, on the coerced answer', () => {
    assert.equal(promptValidator('port')('8080'), true);
    assert.equal(promptValidator('port')('0'), 'use a number from 1 to 65535');
    assert.equal(promptValidator('modulePath')('example.com/x/v2'), true);
    assert.match(promptValidator('modulePath')('x/v1'), /major version/);
  });
});

describe('defaults', () => {
  const ctx = (folderName, answers = {}, local, notes = []) => ({
    folderName,
    answers,
    localGoMinor: () => local,
    note: (line) => notes.push(line),
  });
  it('sanitises the folder name', () => {
    assert.equal(sanitizeName('My Service!'), 'my-service');
    assert.equal(sanitizeName('--x--'), 'x');
    assert.equal(sanitizeName('___'), 'app');
    assert.equal(sanitizeName('a'.repeat(80)).length, 63);
    assert.equal(sanitizeName('Ünïcode Folder.'), 'unicode-folder');
    // Separator runs Docker's grammar refuses become one dash; valid ones stay.
    assert.equal(sanitizeName('a..b___c.-d'), 'a-b-c-d');
    assert.equal(sanitizeName('a__b---c.d'), 'a__b---c.d');
    assert.equal(sanitizeName('x'.repeat(62) + '.-y'), 'x'.repeat(62));
  });
  it('sanitises any folder name into a valid name', () => {
    const alphabet = ['a', 'Z', '0', '.', '_', '-', ' ', 'é', '/', '!'];
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      let folder = '';
      const length = 1 + (i % 80);
      for (let j = 0; j < length; j++)
        folder += alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length];
      assert.equal(validateName(sanitizeName(folder)), true, JSON.stringify(folder));
    }
  });
  it('derives the module path from the name', () => {
    assert.equal(OPTIONS.modulePath.default(ctx('dir', { name: 'svc' })), 'example.com/svc');
  });
  it('takes the local Go minor version when Go supports it, else the newest, with a note', () => {
    const notes = [];
    assert.deepEqual(GO_VERSIONS, ['1.26', '1.27']);
    assert.equal(OPTIONS.goVersion.default(ctx('d', {}, '1.26', notes)), '1.26');
    assert.equal(OPTIONS.goVersion.default(ctx('d', {}, '1.29', notes)), '1.29');
    assert.deepEqual(notes, []);
    assert.equal(OPTIONS.goVersion.default(ctx('d', {}, '1.25', notes)), '1.27');
    assert.deepEqual(notes, ['The local Go is 1.25, older than the oldest supported release (1.26): using Go 1.27.']);
    assert.deepEqual(defaultGoVersion(undefined), { version: GO_VERSIONS.at(-1) });
    assert.equal(minorOf('go1.23.5\n'), '1.23');
    assert.equal(minorOf('go1.24rc1'), '1.24');
    assert.equal(minorOf('devel'), undefined);
  });
  it('every default is valid', () => {
    for (const name of OPTION_NAMES) {
      // The owner has none: --backstage without it is refused in one line (it names the catalog's owner).
      if (name === 'owner') {
        assert.throws(() => OPTIONS.owner.default(ctx('f', {}, '1.26')), /^OptionError: --backstage needs an owner: /);
        continue;
      }
      const value = OPTIONS[name].default(ctx('Some Folder', { name: 'some-folder' }, '1.26'));
      assert.equal(OPTIONS[name].validate(value), true, name);
    }
  });
});

describe('images table', () => {
  it('pins every reference to a version, never latest', () => {
    for (const ref of [...Object.values(IMAGES), ...Object.values(CI_IMAGES), ...GO_VERSIONS.map(builderImage)]) {
      assert.match(ref, /:[A-Za-z0-9][\w.-]*$/, ref);
      assert.doesNotMatch(ref, /:latest$/, ref);
    }
  });
  it('maps bases to final images', () => {
    assert.equal(finalImage('scratch'), 'scratch');
    assert.equal(finalImage('distroless'), 'gcr.io/distroless/static-debian13:nonroot');
    assert.match(finalImage('alpine'), /^alpine:3\.\d+$/);
    assert.equal(builderImage('1.23.5'), 'golang:1.23.5-alpine');
  });
});

describe('derived values', () => {
  const answers = {
    name: 'my.svc',
    modulePath: 'example.com/Team/my-svc/v2',
    goVersion: '1.22',
    base: 'alpine',
    port: 9090,
    healthcheck: true,
  };
  it('computes ldflags once for the Makefile and the Dockerfile', () => {
    const d = templateData(answers);
    assert.equal(ldflags('X'), '-s -w -X main.version=X');
    assert.equal(d.makeLdflags, '-s -w -X main.version=$(VERSION)');
    assert.equal(d.dockerLdflags, '-s -w -X main.version=${VERSION}');
    assert.equal(d.goBuildFlags, '-trimpath -buildvcs=false');
  });
  it('names the binary after the service and runs it in exec form', () => {
    const d = templateData(answers);
    assert.equal(d.binary, 'my.svc');
    assert.equal(d.entrypoint, '["/usr/local/bin/my.svc"]');
    assert.equal(d.healthcheckCmd, '["/usr/local/bin/my.svc", "-healthcheck"]');
    assert.equal(d.user, '65532:65532');
    assert.equal(d.builderImage, 'golang:1.22-alpine');
    assert.equal(execForm(['a b', 'c"d']), '["a b", "c\\"d"]');
  });
  it("gives make verify a size budget per base: the base's size plus 20 MB for the binary", () => {
    assert.equal(templateData(answers).imageBudgetMB, 30);
    assert.equal(templateData({ ...answers, base: 'distroless' }).imageBudgetMB, 25);
    assert.equal(templateData({ ...answers, base: 'scratch' }).imageBudgetMB, 20);
  });
  it('replays a run with every option as a flag', () => {
    assert.equal(
      replayCommand({ ...answers, healthcheck: false }, undefined, { folder: 'my dir' }),
      "go-minimal 'my dir' --name my.svc --module-path example.com/Team/my-svc/v2 --go-version 1.22 --base alpine --port 9090 --no-healthcheck --yes",
    );
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(
      replayCommand({ main: './cmd/api', cgo: false, name: 'api' }, ['main', 'cgo', 'name'], {
        program: 'go-minimal docker',
        preset: 'team.json',
      }),
      'go-minimal docker --preset team.json --main ./cmd/api --no-cgo --name api --yes',
    );
  });
});
