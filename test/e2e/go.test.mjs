// Issue "prove every generated project", Go level: for every cell of the matrix, the generated
// project is gofmt/vet/test clean, `make build` gives a static binary with the injected version,
// and that binary serves, probes itself and shuts down gracefully in an empty root as 65532.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { MATRIX, SERVICE_CELLS, cellAnswers, cellFlags, MATRIX_GO_VERSIONS } from './matrix.mjs';
import { goToolBin, goToolMissing } from './citools.mjs';
import { findGo, goEnv, have, missing } from './tools.mjs';
import { checkServeProbeDrain, checkStaticBuild, emptyRoot, generate, gofmtClean, moduleEnv, run } from './golevel.mjs';
import { BINARY_DIR } from '../../dist/generators/derive.js';

const goBins = Object.fromEntries(MATRIX_GO_VERSIONS.map((v) => [v, findGo(v)]));
const skip = missing([
  ...MATRIX_GO_VERSIONS.filter((v) => !goBins[v]).map(
    (v) => `Go ${v} (fetched through the Go module proxy: GOTOOLCHAIN=go${v}.P go version)`,
  ),
  !have('make') && 'make',
  !have('chroot') && 'chroot (coreutils)',
  process.getuid?.() !== 0 && 'root (chroot into an empty root needs it)',
]);
// The generated CI's linter, on every cell (its go test -race runs in the service e2e).
const lintSkip = missing([goToolMissing('golangciLint')]);

const VERSION = 'e2e-1.2.3';

/**
 * One cold compile per toolchain. On a fresh machine the build cache is empty, and the cells of
 * one Go version (and a cell's own vet, test and build, which run concurrently) would each
 * compile the standard library at the same time: 12 minutes for the matrix in a rehearsal. So
 * the first cell of a version compiles what vet, test and `make build` need, one after the
 * other, while its siblings wait; they then find it in the cache. Failures are left to the
 * checks themselves, which report them per cell.
 */
const warmed = new Map();
function warmToolchain(cell, goVersion, dir, env) {
  if (!warmed.has(goVersion)) {
    const steps = [
      ['go', ['vet', './...']],
      ['go', ['test', '-count=1', '-run', '^$', './...']],
      ['make', ['build', `VERSION=${VERSION}`]],
    ];
    warmed.set(
      goVersion,
      (async () => {
        for (const [cmd, args] of steps) await run(cell, cmd, args, { cwd: dir, env }).catch(() => {});
      })(),
    );
  }
  return warmed.get(goVersion);
}

describe('generated projects, Go level', { concurrency: 2, skip }, () => {
  for (const cell of [...MATRIX, ...SERVICE_CELLS]) {
    describe(`cell ${cell.id}`, () => {
      const answers = cellAnswers(cell);
      const goBin = goBins[answers.goVersion];
      const env = goEnv(goBin);
      const binaryPath = `${BINARY_DIR}/${answers.name}`;
      let dir;
      /** The empty root holding `make build`'s binary: one promise, awaited by both tests below. */
      let built;
      const build = () =>
        (built ??= checkStaticBuild(cell, dir, env, answers.name, VERSION).then((bin) => emptyRoot(bin, binaryPath)));

      before(async () => {
        dir = join(mkdtempSync(join(tmpdir(), 'gm-cell-')), answers.name);
        await generate(cell, dir, cellFlags(cell), goBin, moduleEnv(cell));
        await warmToolchain(cell, answers.goVersion, dir, env);
      });

      it('gofmt -l prints nothing', () => gofmtClean(cell, dir, goBin));
      it('go vet passes', () => run(cell, 'go', ['vet', './...'], { cwd: dir, env }));
      // -short: the slow-header case (a 5 s wait for ReadHeaderTimeout) is proven on the running image
      // (service.test.mjs); every other generated test runs here for every cell.
      it('go test -short passes', () => run(cell, 'go', ['test', '-short', '-count=1', './...'], { cwd: dir, env }));
      it('golangci-lint passes with the generated .golangci.yml', { skip: lintSkip }, () =>
        // --allow-serial-runners: cells run two at a time, and golangci-lint refuses a parallel run.
        run(cell, goToolBin('golangciLint'), ['run', '--allow-serial-runners', './...'], {
          cwd: dir,
          env,
          timeoutMs: 5 * 60_000,
        }),
      );

      // The outer { concurrency: 2 } is inherited here, so the next test may start before this one
      // ends: it awaits the same build instead of reading a variable this test sets.
      it('make build gives a static binary that prints the injected version', () => build());

      it('in an empty root as 65532: serves on every interface, probes itself, drains on SIGTERM, exits 0', async () => {
        const root = await build().catch((e) =>
          assert.fail(`[cell ${cell.id}] no binary (make build failed: ${e.message.split('\n')[0]})`),
        );
        await checkServeProbeDrain(cell, root, binaryPath, answers, VERSION);
      });
    });
  }
});
