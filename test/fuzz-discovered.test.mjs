// Fuzzed names a repository supplies (issue 21): the folder names of main packages, //go:embed
// patterns and go.mod module lines, ≥ 500 generated values each, read the way `go-minimal docker`
// reads them (go list, and the file scanner for a go.mod newer than the local Go). The invariant:
// the module is read and everything taken from it is safe to print on a RUN line and in
// .dockerignore, or it is refused with one printable line; nothing else (no other exception).
// Then a few accepted and refused values of each channel run through the real CLI: a sound image
// definition, or one line and nothing written. FUZZ_SEED=n replays another run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { CLI } from './helpers/generate.mjs';
import { embedKeepLines } from '../dist/module/dockerignore.js';
import { readProject } from '../dist/module/project.js';
import { validateMainPackage } from '../dist/options/validate.js';

const RUNS = 500;
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const root = mkdtempSync(join(tmpdir(), 'gm-fuzz-found-'));
after(() => rmSync(root, { recursive: true, force: true }));
// eslint-disable-next-line no-control-regex -- a message holding a control character is the failure
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/;
const KNOWN_ERRORS = new Set(['ProjectError', 'OptionError', 'InputError']);
// A RUN line or .dockerignore line can carry these and nothing that a shell or the file reads as syntax.
const SHELL_SAFE = /^\.(\/[A-Za-z0-9_.-]+)*$/;

/** Text a repository can hold: any code point, shell syntax, controls, near-valid names. */
const text = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
  fc.string({
    unit: fc.constantFrom(
      '$',
      '(',
      ')',
      '`',
      ';',
      '|',
      '&',
      '"',
      "'",
      '\\',
      '\n',
      ' ',
      '!',
      '#',
      '*',
      'a',
      '.',
      '-',
      '\u001b',
      '\u202e',
      '\u200b',
    ),
    minLength: 1,
    maxLength: 10,
  }),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/),
  fc.constantFrom('a$(touch${IFS}pwned)', 'x;rm -rf ~', '`id`', '-rf', '..', '.', 'a b', 'é', 'api\n!.env'),
);

let serial = 0;
/** A module in a fresh folder: go.mod's text and files (path → content). */
function writeModule(gomod, files) {
  const dir = join(root, String(serial++));
  mkdirSync(dir);
  writeFileSync(join(dir, 'go.mod'), gomod);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** A Go interpreted string literal of s (what a repository would write in //go:embed "…"). */
const goQuote = (s) => `"${[...s].map((c) => (c === '"' || c === '\\' ? `\\${c}` : c === '\n' ? '\\n' : c)).join('')}"`;

/** What is wrong with reading dir, or undefined. Counts accepted and refused in `tally`. */
function problem(dir, useGo, tally) {
  let project;
  try {
    project = readProject(dir, { useGo });
  } catch (error) {
    tally.refused++;
    if (!KNOWN_ERRORS.has(error.name)) return `${error.name}: ${error.message}`;
    if (/[\n\r]/.test(error.message) || UNPRINTABLE.test(error.message))
      return `not one printable line: ${JSON.stringify(error.message)}`;
    return undefined;
  }
  tally.accepted++;
  for (const main of project.mains) {
    if (validateMainPackage(main) !== true || !SHELL_SAFE.test(main))
      return `main ${JSON.stringify(main)} reached the list`;
  }
  for (const line of embedKeepLines(project.embeds)) {
    if (/[\n\r]/.test(line) || UNPRINTABLE.test(line) || /^!?[#!]/.test(line.slice(1)))
      return `a .dockerignore line ${JSON.stringify(line)}`;
  }
  return undefined;
}

/** Values valid as one folder name on this file system (no '/', no NUL, not . or .., ≤ 255 bytes). */
const folderName = text.filter((s) => !/[/\0]/.test(s) && s !== '.' && s !== '..' && Buffer.byteLength(s) <= 255);

const CHANNELS = {
  'main package folder names': {
    arbitrary: folderName,
    module: (name) =>
      writeModule('module example.com/m\n\ngo 1.26\n', { [`cmd/${name}/main.go`]: 'package main\n\nfunc main() {}\n' }),
  },
  '//go:embed patterns': {
    arbitrary: text,
    module: (pattern) =>
      writeModule('module example.com/m\n\ngo 1.26\n', {
        'main.go': `package main\n\nimport "embed"\n\n//go:embed ${goQuote(pattern)}\nvar f embed.FS\n\nfunc main() { _ = f }\n`,
      }),
  },
  'go.mod module lines': {
    arbitrary: text,
    module: (line) => writeModule(`module ${line}\n\ngo 1.26\n`, { 'main.go': 'package main\n\nfunc main() {}\n' }),
  },
};

describe(`fuzz: ${RUNS} names found in a repository per channel (seed ${SEED})`, () => {
  for (const [channel, { arbitrary, module }] of Object.entries(CHANNELS)) {
    it(`${channel}: read by go list and by the scanner, each sound or refused in one line`, (t) => {
      const tally = { accepted: 0, refused: 0 };
      const failures = [];
      fc.assert(
        fc.property(arbitrary, (value) => {
          const dir = module(value);
          for (const useGo of [true, false]) {
            const p = problem(dir, useGo, tally);
            if (p) failures.push(`${JSON.stringify(value)} (${useGo ? 'go list' : 'scanner'}): ${p}`);
          }
          rmSync(dir, { recursive: true, force: true });
        }),
        { numRuns: RUNS, seed: SEED },
      );
      t.diagnostic(
        `${channel}: ${tally.accepted} reads accepted, ${tally.refused} refused, ${failures.length} failures`,
      );
      assert.deepEqual(failures.slice(0, 5), []);
    });
  }

  it('through the CLI: accepted names give a sound Dockerfile; refused ones one line and nothing written', () => {
    const samples = {
      'main package folder names': ['api', 'a.b_c-d', 'a$(touch${IFS}pwned)', 'x;id', 'a b'],
      '//go:embed patterns': ['static', 'web/*.html', 'x\n!.env', '#x', 'a\\b'],
      'go.mod module lines': ['example.com/ok', 'example.com/m\u200b', '"example.com/q"', '`x`'],
    };
    for (const [channel, values] of Object.entries(samples)) {
      for (const value of values) {
        const dir = CHANNELS[channel].module(value);
        if (channel === '//go:embed patterns' && !/[\n\\#]/.test(value))
          mkdirSync(join(dir, value.split('/')[0]), { recursive: true });
        const before = readdirSync(dir, { recursive: true }).sort();
        const main = existsSync(join(dir, 'cmd')) ? `./cmd/${value}` : '.';
        const r = spawnSync(
          process.execPath,
          [CLI, 'docker', dir, '--yes', ...(main === '.' ? [] : ['--main', main])],
          {
            encoding: 'utf8',
            timeout: 60_000,
            env: { ...process.env, GOTOOLCHAIN: 'local' },
          },
        );
        const label = `${channel} ${JSON.stringify(value)}`;
        assert.equal(r.error, undefined, label);
        if (r.status === 0) {
          const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
          const build = /^\s+go build .* (\S+)$/m.exec(dockerfile)?.[1];
          assert.match(build ?? '', SHELL_SAFE, `${label}: RUN line builds ${build}`);
          const lines = readFileSync(join(dir, '.dockerignore'), 'utf8').split('\n');
          assert.ok(!lines.some((l) => UNPRINTABLE.test(l)), `${label}: .dockerignore`);
        } else {
          assert.match(r.stderr, /^go-minimal: [^\n]*\n$/, `${label}: ${JSON.stringify(r.stderr)}`);
          assert.ok(!UNPRINTABLE.test(r.stderr.trimEnd()), `${label}: ${JSON.stringify(r.stderr)}`);
          assert.deepEqual(readdirSync(dir, { recursive: true }).sort(), before, `${label}: something was written`);
        }
      }
    }
  });
});
