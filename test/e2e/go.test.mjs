// Issue "prove every generated project", Go level: for every cell of the matrix, the generated
// project is gofmt/vet/test clean, `make build` gives a static binary with the injected version,
// and that binary serves, probes itself and shuts down gracefully in an empty root as 65532.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { MATRIX, cellAnswers, cellFlags, E2E_GO_VERSIONS } from './matrix.mjs';
import { findGo, goEnv, have, missing } from './tools.mjs';
import {
  elfInterpreter,
  emptyRoot,
  freePort,
  generate,
  gofmtClean,
  listenAddresses,
  processIds,
  run,
  runInRoot,
  sleep,
  startInRoot,
  waitForHttp,
} from './golevel.mjs';
import { BINARY_DIR } from '../../dist/lib/derive.js';

const goBins = Object.fromEntries(E2E_GO_VERSIONS.map((v) => [v, findGo(v)]));
const skip = missing([
  ...E2E_GO_VERSIONS.filter((v) => !goBins[v]).map((v) => `Go ${v} (golang-${v}-go from bookworm-backports)`),
  !have('make') && 'make',
  !have('chroot') && 'chroot (coreutils)',
  process.getuid?.() !== 0 && 'root (chroot into an empty root needs it)',
]);

/** Short drain so the SIGTERM check is quick; the defaults are tested by the generated tests. */
const SHUTDOWN = { SHUTDOWN_DELAY: '800ms', SHUTDOWN_TIMEOUT: '3s' };
const VERSION = 'e2e-1.2.3';

describe('generated projects, Go level', { concurrency: 2, skip }, () => {
  for (const cell of MATRIX) {
    describe(`cell ${cell.id}`, () => {
      const answers = cellAnswers(cell);
      const goBin = goBins[answers.goVersion];
      const env = goEnv(goBin);
      const binaryPath = `${BINARY_DIR}/${answers.name}`;
      let dir;
      let root;

      before(async () => {
        dir = join(mkdtempSync(join(tmpdir(), 'gm-cell-')), answers.name);
        await generate(cell, dir, cellFlags(cell), goBin);
      });

      it('gofmt -l prints nothing', () => gofmtClean(cell, dir, goBin));
      it('go vet passes', () => run(cell, 'go', ['vet', './...'], { cwd: dir, env }));
      it('go test passes', () => run(cell, 'go', ['test', '-count=1', './...'], { cwd: dir, env }));

      it('make build gives a static binary that prints the injected version', async () => {
        await run(cell, 'make', ['build', `VERSION=${VERSION}`], { cwd: dir, env });
        const binary = join(dir, 'bin', answers.name);
        const interp = elfInterpreter(binary);
        assert.equal(interp, undefined, `[cell ${cell.id}] bin/${answers.name} is dynamic: it needs ${interp}`);
        const r = await run(cell, binary, ['-version']);
        assert.equal(r.stdout.trim(), VERSION, `[cell ${cell.id}] -version printed ${JSON.stringify(r.stdout)}`);
        root = emptyRoot(binary, binaryPath);
      });

      it('in an empty root as 65532: serves on every interface, probes itself, drains on SIGTERM, exits 0', async () => {
        assert.ok(root, `[cell ${cell.id}] no binary (make build failed)`);
        const port = await freePort();
        const penv = { PORT: String(port), ...SHUTDOWN };
        const svc = startInRoot(root, binaryPath, penv);
        const base = `http://127.0.0.1:${port}`;
        const why = () => `[cell ${cell.id}] service output:\n${svc.output()}`;
        try {
          await waitForHttp(`${base}/healthz`, { status: 200, timeoutMs: 10_000 }).catch((e) =>
            assert.fail(`${e.message}\n${why()}`),
          );
          assert.equal(processIds(svc.child.pid), '65532:65532', why());
          assert.deepEqual(
            [...new Set(listenAddresses(port))],
            ['any'],
            `listens on ${listenAddresses(port)}, not all interfaces. ${why()}`,
          );
          const root200 = await fetch(`${base}/`);
          assert.equal(root200.status, 200, why());
          assert.deepEqual(await root200.json(), { name: answers.name, version: VERSION });

          const probe = await runInRoot(root, binaryPath, penv, ['-healthcheck']);
          if (answers.healthcheck)
            assert.equal(probe.code, 0, `[cell ${cell.id}] -healthcheck while up: ${probe.output}`);
          else assert.equal(probe.code, 2, `[cell ${cell.id}] -healthcheck should not exist: ${probe.output}`);

          const t0 = Date.now();
          svc.child.kill('SIGTERM');
          let readyz;
          for (let i = 0; i < 40; i++) {
            readyz = (await fetch(`${base}/readyz`).catch(() => undefined))?.status;
            if (readyz === 503) break;
            await sleep(20);
          }
          assert.equal(readyz, 503, `/readyz during the drain. ${why()}`);
          assert.equal((await fetch(`${base}/healthz`)).status, 200, `/healthz during the drain. ${why()}`);
          const { code, signal } = await svc.exited;
          const ms = Date.now() - t0;
          assert.equal(code, 0, `exit after SIGTERM: code ${code} signal ${signal}. ${why()}`);
          assert.ok(ms < 800 + 3000 + 1000, `[cell ${cell.id}] took ${ms} ms to stop`);
          assert.match(svc.output(), /"msg":"shutting down"/, why());
        } finally {
          svc.child.kill('SIGKILL');
        }
        if (answers.healthcheck) {
          const down = await runInRoot(root, binaryPath, { PORT: String(port) }, ['-healthcheck']);
          assert.notEqual(down.code, 0, `[cell ${cell.id}] -healthcheck with the service down exited 0`);
        }
      });
    });
  }
});
