// The compatibility policy (docs/releasing.md): a flag or stored key that a released version
// accepted keeps working for at least one minor release, a deprecated one with a one-line note.
// The released versions are their npm tarballs in test/fixtures/releases. Each one's flags are
// parsed from its own `--help`, for each command its help names (nothing is listed here), and
// run against this version's bin; the .yo-rc.json it writes is read by this version's generators.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tree } from '../engine/index.mjs';
import { CLI, DOCKER, FIXTURES, ROOT, helpers } from './helpers/generate.mjs';

const RELEASES = join(ROOT, 'test/fixtures/releases');
const TARBALLS = readdirSync(RELEASES).filter((f) => f.endsWith('.tgz'));

/**
 * A bin run, bounded in time; a timeout fails the test instead of hanging it.
 * @param {string} bin @param {string[]} args
 */
function run(bin, args) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 90_000,
  });
  assert.equal(r.signal, null, `${bin} ${args.join(' ')} was stopped (${r.signal}): ${r.stderr}`);
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** A release tarball unpacked in a temp folder, its dependencies resolved from this repository's. @param {string} tgz */
function unpack(tgz) {
  const dir = mkdtempSync(join(tmpdir(), 'gm-release-'));
  const r = spawnSync('tar', ['-xzf', join(RELEASES, tgz), '-C', dir], { timeout: 30_000 });
  assert.equal(r.status, 0, `tar -xzf ${tgz}: ${r.stderr}`);
  const pkgDir = join(dir, 'package');
  symlinkSync(join(ROOT, 'node_modules'), join(pkgDir, 'node_modules'));
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const [program, binPath] = /** @type {[string, string]} */ (Object.entries(pkg.bin)[0]);
  return { version: pkg.version, program, bin: join(pkgDir, binPath) };
}

/**
 * One row of a help's Options section: `  -y, --yes  …`, `  --[no-]cgo  …`, `  --port <value>  …`,
 * `  --set <option>=<value>  …`.
 * A row this does not match fails the test (a help format the parser does not know).
 */
const ROW = /^ {2}(?:-([A-Za-z]), )?--(\[no-\])?([a-z][a-z0-9-]*)( <[^>]+>(?:=<[^>]+>)?)?(?: {2,}\S|$)/;

/**
 * The flags of a command's help: every row of its Options section, with each spelling it allows.
 * @param {string} help
 * @returns {{ long: string, spellings: string[], value: boolean }[]}
 */
export function helpFlags(help) {
  const lines = help.split('\n');
  const start = lines.indexOf('Options:');
  assert.ok(start >= 0, `no "Options:" section in:\n${help}`);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end).map((line) => {
    const m = ROW.exec(line);
    assert.ok(m, `a help row the parser does not know: ${JSON.stringify(line)}`);
    const [, short, negatable, long, value] = /** @type {string[]} */ (m);
    const spellings = [`--${long}`];
    if (negatable) spellings.push(`--no-${long}`);
    if (short) spellings.push(`-${short}`);
    return { long: /** @type {string} */ (long), spellings, value: value !== undefined };
  });
}

/** The subcommands an app help names (`go-minimal docker --help: …`), after the app itself (''). @param {string} help @param {string} program */
export function helpCommands(help, program) {
  const named = [...help.matchAll(new RegExp(`^${program} ([a-z]+) --help:`, 'gm'))].map(
    (m) => /** @type {string} */ (m[1]),
  );
  return ['', ...named];
}

/** @param {string} command @param {string[]} args */
const argv = (command, args) => (command ? [command, ...args] : args);

/** @param {string} err @param {string} long */
const noteOf = (err, long) =>
  err.split('\n').filter((l) => l.startsWith(`note: --${long} `) && l.includes('deprecated'));

describe('help parsing (the flag lists below come from it)', () => {
  it('reads every row: short and long spellings, --[no-] booleans, values', () => {
    const help = `Usage: x\n\nOptions:\n  --port <value>     Port.\n  --[no-]cgo         Cgo.\n  -y, --yes          Yes.\n  -h, --help         Help.\n\nExample:\n  x --yes\n`;
    assert.deepEqual(helpFlags(help), [
      { long: 'port', spellings: ['--port'], value: true },
      { long: 'cgo', spellings: ['--cgo', '--no-cgo'], value: false },
      { long: 'yes', spellings: ['--yes', '-y'], value: false },
      { long: 'help', spellings: ['--help', '-h'], value: false },
    ]);
  });
  it('a row it does not know fails, instead of dropping a flag', () => {
    assert.throws(() => helpFlags('Options:\n  +p PORT   Port.\n\n'), /a help row the parser does not know/);
  });
  it('finds the subcommands an app help names', () => {
    assert.deepEqual(helpCommands('go-minimal docker --help: x\ngo-minimal update --help: y\n', 'go-minimal'), [
      '',
      'docker',
      'update',
    ]);
  });
});

for (const tgz of TARBALLS) {
  describe(`every flag of ${tgz}, from its own --help, against this version's bin`, () => {
    /** @type {ReturnType<typeof unpack>} */ let old;
    /** @type {{ command: string, flags: ReturnType<typeof helpFlags>, today: Set<string> }[]} */ let commands;

    before(() => {
      old = unpack(tgz);
      const appHelp = run(old.bin, ['--help']);
      assert.equal(appHelp.status, 0, appHelp.err);
      commands = helpCommands(appHelp.out, old.program).map((command) => {
        const help = run(old.bin, argv(command, ['--help']));
        assert.equal(help.status, 0, help.err);
        const now = run(CLI, argv(command, ['--help']));
        assert.equal(now.status, 0, `this version has no "${command}" command: ${now.err}`);
        return { command, flags: helpFlags(help.out), today: new Set(helpFlags(now.out).map((f) => f.long)) };
      });
    });

    it('the release has commands and flags to check (else this test checks nothing)', () => {
      assert.ok(commands.length >= 2, `commands: ${commands.map((c) => c.command || '(app)').join(', ')}`);
      for (const { command, flags } of commands)
        assert.ok(flags.length >= 5, `${command || 'app'}: ${flags.length} flags`);
    });

    it('each is accepted (no unknown option); one that left the help prints its one-line deprecation note', () => {
      const seen = [];
      for (const { command, flags, today } of commands) {
        for (const { long, spellings, value } of flags) {
          for (const spelling of spellings) {
            // --help last (the help flag itself alone): the bin parses every flag strictly first
            // (an unknown one exits 2), then prints the help; values are not checked at that
            // point, so any value will do.
            const probe = long === 'help' ? [] : ['--help'];
            const r = run(CLI, argv(command, [spelling, ...(value ? ['x'] : []), ...probe]));
            const where = `${old.program}${command ? ` ${command}` : ''} ${spelling} (${old.version})`;
            assert.equal(r.status, 0, `${where} is refused: ${r.err}`);
            assert.doesNotMatch(r.err, /unknown option/i, where);
            const notes = noteOf(r.err, long);
            if (today.has(long)) assert.deepEqual(notes, [], `${where} is still in the help but noted`);
            else assert.equal(notes.length, 1, `${where} left the help without a deprecation note:\n${r.err}`);
            seen.push(where);
          }
        }
      }
      console.log(`compat: ${seen.length} flag spellings of ${tgz} accepted by this version`);
    });
  });

  describe(`a .yo-rc.json written by ${tgz} is read by this version`, () => {
    /** @type {ReturnType<typeof unpack>} */ let old;
    before(() => {
      old = unpack(tgz);
    });

    /** @param {string} dir */
    const entry = (dir) => JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-go-minimal'];

    /**
     * Generates with the release, re-runs this version in the same folder with no answer given,
     * and checks every key the release stored is kept with its value (a key not read would come
     * back as this version's default, which the values given to the release are not).
     * @param {string[]} command @param {string} dir @param {string[]} given @param {string[]} rerun
     */
    function keepsEveryKey(command, dir, given, rerun) {
      const made = run(old.bin, [...command, dir, '--yes', ...given]);
      assert.equal(made.status, 0, made.err);
      const before = entry(dir);
      assert.ok(Object.keys(before).length >= 5, JSON.stringify(before));
      const again = run(CLI, [...command, dir, '--yes', '--force', ...rerun]);
      assert.equal(again.status, 0, again.err);
      assert.doesNotMatch(again.err, /deprecated|unknown key/i);
      const after = entry(dir);
      for (const [key, value] of Object.entries(before)) assert.deepEqual(after[key], value, `${key} in .yo-rc.json`);
      return dir;
    }

    it('go-minimal: every stored answer is used again', () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'gm-compat-')), 'svc');
      const given = ['--module-path', 'example.com/team/svc', '--base', 'alpine', '--port', '9090', '--no-healthcheck'];
      keepsEveryKey([], dir, [...given, '--skip-install'], ['--skip-install']);
      assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /^EXPOSE 9090$/m);
    });

    it('go-minimal docker: every stored answer is used again', () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'gm-compat-')), 'api');
      cpSync(join(FIXTURES, 'cmd-api'), dir, { recursive: true });
      keepsEveryKey(['docker'], dir, ['--base', 'distroless', '--port', '9091'], []);
      assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /^FROM .*distroless.*\n(?:.*\n)*EXPOSE 9091$/m);
    });
  });
}

describe('go-minimal docker --skip-install (0.1.0 took it under yo): accepted, noted, no effect', () => {
  /** A copy of the cmd-api fixture. */
  const api = () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-skip-')), 'api');
    cpSync(join(FIXTURES, 'cmd-api'), dir, { recursive: true });
    return dir;
  };
  const NOTE =
    'note: --skip-install has no effect for docker (it runs no go mod tidy); it is deprecated there and a later minor release may refuse it.';

  it('the bin: exit 0, the note once, and the same files as without it', () => {
    const [a, b] = [api(), api()];
    const withFlag = run(CLI, ['docker', a, '--yes', '--skip-install']);
    assert.equal(withFlag.status, 0, withFlag.err);
    assert.deepEqual(noteOf(withFlag.err, 'skip-install'), [NOTE]);
    const without = run(CLI, ['docker', b, '--yes']);
    assert.equal(without.status, 0, without.err);
    assert.deepEqual(noteOf(without.err, 'skip-install'), []);
    assert.deepEqual(tree(a), tree(b));
  });

  it('yo go-minimal:docker --skip-install: the same note, once; yeoman-test`s own skipInstall is not noted', async () => {
    const logged = async (/** @type {string[]} */ args) => {
      // yeoman-test types only yeoman's own options; --yes is ours
      const yes = /** @type {import('yeoman-generator').BaseOptions} */ (/** @type {unknown} */ ({ yes: true }));
      const result = await helpers.run(DOCKER).cd(api()).withArguments(args).withOptions(yes);
      const log = /** @type {{ mock: { calls: { arguments: unknown[] }[] } }} */ (
        /** @type {unknown} */ (result.env.adapter.log)
      );
      return log.mock.calls.map((c) => c.arguments.join(' ')).filter((l) => l.includes('--skip-install'));
    };
    assert.deepEqual(await logged(['--skip-install']), [NOTE]);
    assert.deepEqual(await logged([]), []);
  });

  it('--help of docker does not offer it', () => {
    const r = run(CLI, ['docker', '--help']);
    assert.equal(r.status, 0);
    assert.doesNotMatch(r.out, /skip-install/);
  });
});
