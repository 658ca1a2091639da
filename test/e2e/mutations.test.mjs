// Every kind of Go-level check can fail: a deliberately broken copy of a generated project makes
// the check that exists for that trap fail (and the unbroken copy passes the same checks).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BINARY_DIR } from '../../dist/generators/derive.js';
import { NEWEST_GO, cellFlags } from './matrix.mjs';
import { findGo, goEnv, have, missing } from './tools.mjs';
import { checkServeProbeDrain, checkStaticBuild, emptyRoot, generate, gofmtClean, run } from './golevel.mjs';

const goBin = findGo(NEWEST_GO);
const skip = missing([
  !goBin && `Go ${NEWEST_GO}`,
  !have('make') && 'make',
  !have('gcc') && 'gcc (a cgo build is dynamic only with a C compiler)',
  process.getuid?.() !== 0 && 'root (chroot)',
]);

const cell = {
  id: 'mutation-base',
  options: { base: 'scratch', goVersion: NEWEST_GO, healthcheck: true, name: 'mut' },
};
const answers = { name: 'mut', healthcheck: true };
const binaryPath = `${BINARY_DIR}/mut`;
const env = goBin && goEnv(goBin);

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
describe('Go-level checks fail on broken projects', { skip }, () => {
  let pristine;
  before(async () => {
    pristine = join(mkdtempSync(join(tmpdir(), 'gm-mut-')), 'mut');
    await generate(cell, pristine, cellFlags(cell), goBin);
  });

  /** A copy of the project with `from` replaced by `to` in `file`. */
  function broken(id, file, from, to) {
    const dir = join(mkdtempSync(join(tmpdir(), `gm-mut-${id}-`)), 'mut');
    cpSync(pristine, dir, { recursive: true });
    const text = readFileSync(join(dir, file), 'utf8');
    assert.ok(text.includes(from), `${file} no longer contains ${JSON.stringify(from)}: update this mutation`);
    writeFileSync(join(dir, file), text.replace(from, to));
    return { dir, cell: { ...cell, id: `mutation-${id}` } };
  }

  async function serveCheck(m) {
    const binary = await checkStaticBuild(m.cell, m.dir, env, 'mut', 'v9');
    await checkServeProbeDrain(m.cell, emptyRoot(binary, binaryPath), binaryPath, answers, 'v9');
  }

  it('the unbroken project passes every check', async () => {
    await gofmtClean(cell, pristine, goBin);
    await serveCheck({ dir: pristine, cell });
  });

  it('unformatted code fails gofmt -l', async () => {
    const m = broken('gofmt', 'main.go', 'var version = "dev"', 'var   version =   "dev"');
    await assert.rejects(gofmtClean(m.cell, m.dir, goBin), /gofmt -l lists unformatted files/);
  });
  it('a failing generated test fails go test', async () => {
    const m = broken('test', 'main.go', '"ok"', '"OK"');
    await assert.rejects(
      run(m.cell, 'go', ['test', './...'], { cwd: m.dir, env }),
      /\[cell mutation-test\] command failed/,
    );
  });
  it('a missing CGO_ENABLED=0 (with gcc on the host) fails the static check', async () => {
    const m = broken('cgo', 'Makefile', 'CGO_ENABLED=0 go build', 'CGO_ENABLED=1 go build');
    await assert.rejects(checkStaticBuild(m.cell, m.dir, env, 'mut', 'v9'), /is dynamic: it needs \/lib/);
  });
  it('a version not injected by -X fails the -version check', async () => {
    const m = broken('ldflags', 'Makefile', ' -X main.version=$(VERSION)', '');
    await assert.rejects(checkStaticBuild(m.cell, m.dir, env, 'mut', 'v9'), /-version printed "dev\\n"/);
  });
  it('a SIGINT-only handler fails the SIGTERM check (docker stop sends SIGTERM)', async () => {
    const m = broken('sigint', 'main.go', 'syscall.SIGTERM, os.Interrupt)', 'os.Interrupt)\n\t_ = syscall.SIGTERM');
    // SIGTERM kills it at once: no drain, and no exit code 0.
    await assert.rejects(serveCheck(m), /\/readyz during the drain|exit after SIGTERM: code null signal SIGTERM/);
  });
  it('listening on localhost fails the every-interface check', async () => {
    const m = broken('localhost', 'main.go', '.Listen(ctx, "tcp", ":"+', '.Listen(ctx, "tcp", "127.0.0.1:"+');
    await assert.rejects(serveCheck(m), /not on every interface/);
  });
  it('readiness that never turns 503 fails the drain check', async () => {
    const m = broken('readyz', 'main.go', '\tready.Store(false)\n', '\n');
    await assert.rejects(serveCheck(m), /\/readyz during the drain/);
  });
  it('a self-probe that ignores the status fails the probe check', async () => {
    const m = broken('probe', 'main.go', 'return probe(ctx,', 'probe(ctx,');
    // The probe result is discarded: the code no longer compiles without a return, so return 0.
    const text = readFileSync(join(m.dir, 'main.go'), 'utf8').replace(/(\tprobe\(ctx, [^\n]*\n)/, '$1\t\treturn 0\n');
    writeFileSync(join(m.dir, 'main.go'), text);
    await assert.rejects(serveCheck(m), /-healthcheck with the service down exited 0/);
  });
});
