// Linear-time detection (issue 21, item 6): every pattern that reads a repository's Go files and
// go.mod gets 1 MB adversarial sources and must answer within 1 s of CPU time. The quadratic patterns this
// replaced took 39 s on a 100 KB string literal (about an hour on 1 MB), so the bound separates
// linear from quadratic by orders of magnitude and does not depend on a quiet machine.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileBuilds, evalBuildExpr } from '../dist/module/constraints.js';
import { embedPatterns, importsC } from '../dist/module/packages.js';
import { detectPort } from '../dist/module/ports.js';
import { parseGoMod, readProject } from '../dist/module/project.js';
import { embedKeepLines, projectDockerignore } from '../dist/module/dockerignore.js';
import { runtimeLiterals } from '../dist/module/runtime-files.js';

const MB = 1_000_000;
const LIMIT_MS = 1000;
const fill = (unit) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

/** 1 MB sources built to trip backtracking: long runs of what a pattern repeats, repeated prefixes. */
const ADVERSARIAL = {
  'a string literal of word characters': `package main\n\nvar s = "${fill('a')}"\n`,
  'dotted names': `package main\n\nvar s = ${fill('a.')}\n`,
  'blank lines': `package main\n${fill('\n')}`,
  'spaces and tabs': `package main\n${fill(' \t')}`,
  'lines of spaces': fill('   \n'),
  'open import blocks': fill('import (\n'),
  'one open import block': `package main\nimport (\n${fill('"fmt"\n')}`,
  'flag calls without a name': fill('.Int('),
  'flag calls with a port name': fill('flag.Int("port", '),
  'env calls without a default': fill('getEnv("PORT", '),
  'getenv assignments': fill('port := os.Getenv("PORT")\n'),
  'cmp.Or prefixes': fill('cmp.Or(os.Getenv("PORT"), '),
  'port literal prefixes': fill('":'),
  quotes: fill('"'),
  'escaped quotes': fill('\\"'),
  'embed directives': fill('//go:embed '),
  'one embed directive': `//go:embed ${fill('a ')}\n`,
  'distinct embed patterns': `//go:embed ${Array.from({ length: 120_000 }, (_, i) => `p${i}`).join(' ')}\n`,
  'embed quotes': `//go:embed ${fill('"a\\')}\n`,
  'build directives': fill('//go:build '),
  'one build expression': `//go:build ${fill('(')}\npackage main\n`,
  'healthcheck flag prefixes': fill('.Bool(&a.b, '),
  'health paths': fill('"GET /health'),
  'tzdata imports': fill('_ "time/tz'),
  'package clauses': fill('package '),
  'read calls': fill('os.ReadFile("'),
  assignments: fill('a := "./'),
  'string flags': fill('.String("x", "'),
};

/**
 * Runs fn on input and fails when it takes more than LIMIT_MS of this process's CPU time (user +
 * system): other work on a loaded machine does not count, a quadratic pattern still does.
 */
function within(label, fn, input) {
  const start = process.cpuUsage();
  fn(input);
  const { user, system } = process.cpuUsage(start);
  const ms = (user + system) / 1000;
  assert.ok(ms < LIMIT_MS, `${label}: ${Math.round(ms)} ms of CPU on 1 MB (limit ${LIMIT_MS} ms)`);
}

const safely = (fn) => (input) => {
  try {
    fn(input);
  } catch {
    // a refusal is an answer too; only the time counts here
  }
};

const FUNCTIONS = {
  detectPort,
  importsC,
  embedPatterns,
  'fileBuilds (a _linux.go name)': (s) => fileBuilds('x_linux.go', s),
  evalBuildExpr: (s) => evalBuildExpr(s.slice(0, 200_000)),
  parseGoMod: safely(parseGoMod),
  projectDockerignore: (s) => projectDockerignore(s, '.git\n'),
  embedKeepLines: (s) => embedKeepLines(s.split('\n')),
  runtimeLiterals: (s) => runtimeLiterals(s, 'x.go'),
};

describe('every detection pattern is linear: 1 MB adversarial input within 1 s', () => {
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    it(name, () => {
      for (const [label, input] of Object.entries(ADVERSARIAL)) within(`${name} on ${label}`, fn, input);
    });
  }

  const root = mkdtempSync(join(tmpdir(), 'gm-linear-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  it('readProject (every pattern it applies, through the file scanner)', () => {
    for (const [label, input] of Object.entries(ADVERSARIAL)) {
      const dir = join(root, label.replace(/\W+/g, '-'));
      mkdirSync(join(dir, 'cmd', 'api'), { recursive: true });
      writeFileSync(join(dir, 'go.mod'), 'module example.com/x\n\ngo 1.26\n');
      // The source as the main package's file (package clause first, so it counts as main).
      writeFileSync(join(dir, 'cmd', 'api', 'main.go'), `package main\n\n${input}`);
      writeFileSync(join(dir, 'cmd', 'api', 'other.go'), input);
      within(
        `readProject on ${label}`,
        safely(() => readProject(dir, { useGo: false })),
        undefined,
      );
    }
  });
});
