// Issue 10 item 3: every generated project proves its own image with `make verify` (a Go test
// behind the `verify` build tag, verify/image_test.go). Here it runs with DOCKER=docker on the
// suite's own Docker Engine (inside its network namespace, where the published ports are) for
// every matrix cell and for `go-minimal docker` on an existing module, and each trap it exists
// for (root user, no HEALTHCHECK, a SIGINT-only handler, a baked-in .env, an image over its size
// budget) makes it fail, naming the check. `make docker-run` serves as the README says. podman's
// `make verify` runs in podman.test.mjs, and reports the same size for the same image.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { CLI, ROOT } from '../helpers/generate.mjs';
import { generate, run as runCmd } from './golevel.mjs';
import { DOCKER, goBins, localRef, makeThere, plantSecrets, prepareImages, useImageEngine } from './imagecheck.mjs';
import { MATRIX, NEWEST_GO, cellAnswers, cellFlags } from './matrix.mjs';
import { goEnv } from './tools.mjs';

const VERSION = 'verify-1';
const imageSkip = await useImageEngine('docker');

/** Time and size line of every passing `make verify`, reported at the end. */
/** @type {{ id: string, ms: number, size: string }[]} */
const report = [];

/**
 * `make verify` in a generated project, with the engine's settings and the cell's Go first on
 * PATH, where the engine's ports are (makeThere). Resolves with the output; `allowFail` returns a
 * failing run instead of throwing.
 * @param {{ id: string }} cell @param {string} dir @param {string} image @param {string} goBin
 * @param {{ allowFail?: boolean, makeArgs?: string[] }} [o]
 */
async function makeVerify(cell, dir, image, goBin, { allowFail = false, makeArgs = [] } = {}) {
  const t0 = Date.now();
  const args = ['verify', `DOCKER=${DOCKER}`, `IMAGE=${image}`, `VERSION=${VERSION}`, ...makeArgs];
  const r = await makeThere(cell, args, {
    cwd: dir,
    env: { ...eng.engineEnv(), ...goEnv(goBin), REVISION: 'e2e-revision' },
    timeoutMs: 8 * 60_000,
    allowFail,
  });
  return { ...r, ms: Date.now() - t0, ref: localRef(`${image}:${VERSION}`) };
}

/** The `size: … (budget …)` line that make verify prints. @param {string} out */
const sizeLine = (out) => /size: [\d.]+ MB \(budget [\d.]+ MB\)/.exec(out)?.[0] ?? '(no size line)';

describe('make verify in every generated project', { skip: imageSkip }, () => {
  before(prepareImages);

  after(() => {
    if (report.length === 0) return;
    const lines = ['', 'cell                          make verify ms  size'];
    for (const r of report) lines.push(`${r.id.padEnd(29)} ${String(r.ms).padStart(14)}  ${r.size}`);
    console.log(lines.join('\n'));
  });

  for (const cell of MATRIX) {
    // One test per cell: generating, building and verifying are one behaviour here.
    it(`cell ${cell.id}: passes every check`, async () => {
      const answers = cellAnswers(cell);
      const goBin = /** @type {string} imageSkip is set without it */ (goBins[answers.goVersion]);
      const dir = join(mkdtempSync(join(tmpdir(), 'gm-verify-')), answers.name);
      await generate(cell, dir, [...cellFlags(cell), '--skip-install'], goBin);
      plantSecrets(dir);
      const r = await makeVerify(cell, dir, answers.name, goBin);
      try {
        for (const check of ['user', 'entrypoint', 'port', 'healthcheck', 'run', 'files', 'size'])
          assert.match(r.stdout, new RegExp(`--- PASS: TestImage/${check} `), `[cell ${cell.id}] ${check}`);
        // The health check is run exactly when the image has one.
        assert.equal(/healthcheck: .* reports healthy/.test(r.stdout), answers.healthcheck, `[cell ${cell.id}]`);
        report.push({ id: cell.id, ms: r.ms, size: sizeLine(r.stdout) });
      } finally {
        await eng.removeImage(r.ref, { force: true });
      }
    });
  }

  it('go-minimal docker on an existing module (test/fixtures/cmd-api): passes every check', async () => {
    const cell = { id: 'verify-docker-cmd-api' };
    const goBin = /** @type {string} */ (goBins[NEWEST_GO]);
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-verify-')), 'platform');
    cpSync(join(ROOT, 'test/fixtures/cmd-api'), dir, { recursive: true });
    plantSecrets(dir);
    await runCmd(cell, process.execPath, [CLI, 'docker', dir, '--yes', '--main', './cmd/api', '--force']);
    const r = await makeVerify(cell, dir, 'api', goBin);
    try {
      assert.match(r.stdout, /^ok\s/m);
      assert.match(r.stdout, /healthcheck: .* reports healthy/);
      report.push({ id: cell.id, ms: r.ms, size: sizeLine(r.stdout) });
    } finally {
      await eng.removeImage(r.ref, { force: true });
    }
  });
});

describe('make verify reports the same size on Docker and on podman', { skip: imageSkip }, () => {
  // The same project, the same Go and flags: the same bytes of files, whichever engine built it.
  it('scratch: the bytes of files are equal', async (t) => {
    const cell = { id: 'verify-size-both', options: { base: 'scratch', goVersion: NEWEST_GO, healthcheck: true } };
    const goBin = /** @type {string} */ (goBins[NEWEST_GO]);
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-vsize-')), 'sized');
    await generate(cell, dir, [...cellFlags(cell), '--skip-install'], goBin);
    /** @type {Record<string, number>} */
    const bytes = {};
    try {
      for (const kind of /** @type {const} */ (['docker', 'podman'])) {
        // One engine at a time in this process; back to Docker after, whatever happens.
        const why = await useImageEngine(kind);
        if (why) return t.skip(why);
        await prepareImages();
        const r = await makeVerify(cell, dir, 'sized', goBin);
        try {
          bytes[kind] = Number(/size: [\d.]+ MB \(budget [\d.]+ MB\): (\d+) bytes of files/.exec(r.stdout)?.[1]);
        } finally {
          await eng.removeImage(r.ref, { force: true });
        }
      }
    } finally {
      await useImageEngine('docker');
    }
    t.diagnostic(JSON.stringify(bytes));
    assert.ok(bytes.docker > 1e6, `docker: ${bytes.docker}`);
    assert.equal(bytes.podman, bytes.docker);
  });
});

describe('make verify fails on broken projects, naming the check', { skip: imageSkip }, () => {
  const answers = { base: 'scratch', goVersion: NEWEST_GO, healthcheck: true };

  before(prepareImages);

  /**
   * A generated scratch project with each `[file, from, to]` edit applied, then `make verify`:
   * it must fail, and the failing check must be named.
   * @param {string} id @param {[string, string, string][]} edits @param {string} check
   * @param {RegExp} message @param {string[]} [makeArgs]
   */
  async function assertFails(id, edits, check, message, makeArgs = []) {
    const cell = { id: `verify-mutation-${id}`, options: answers };
    const goBin = /** @type {string} */ (goBins[NEWEST_GO]);
    const dir = join(mkdtempSync(join(tmpdir(), `gm-vmut-${id}-`)), 'mutant');
    await generate(cell, dir, [...cellFlags(cell), '--skip-install'], goBin);
    plantSecrets(dir);
    for (const [file, from, to] of edits) {
      const text = readFileSync(join(dir, file), 'utf8');
      assert.ok(text.includes(from), `${file} no longer contains ${JSON.stringify(from)}: update this mutation`);
      writeFileSync(join(dir, file), text.split(from).join(to));
    }
    const r = await makeVerify(cell, dir, `mutant-${id}`, goBin, { allowFail: true, makeArgs });
    try {
      assert.notEqual(r.code, 0, `make verify passed a broken image:\n${r.all}`);
      assert.match(r.all, new RegExp(`--- FAIL: TestImage/${check} `), r.all);
      assert.match(r.all, message, r.all);
    } finally {
      await eng.removeImage(r.ref, { force: true });
    }
  }

  it('USER 0:0 (root) fails "user"', () =>
    assertFails('root', [['Dockerfile', 'USER 65532:65532', 'USER 0:0']], 'user', /user: the image runs as root/));

  it('no HEALTHCHECK while enabled fails "healthcheck"', () =>
    assertFails(
      'nohc',
      [['Dockerfile', 'HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \\\n    CMD', '# CMD']],
      'healthcheck',
      /healthcheck: HEALTHCHECK in image = false, want true/,
    ));

  it('a SIGINT-only handler fails "run" at the stop (SIGTERM does not drain)', () =>
    assertFails(
      'sigint',
      [
        [
          'main.go',
          'signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)',
          'signal.NotifyContext(context.Background(), syscall.SIGINT)',
        ],
      ],
      'run',
      /stop: exit code [1-9]\d* after SIGTERM/,
    ));

  it('.env baked in (ignored no more, copied into the final stage) fails "files"', () =>
    assertFails(
      'dotenv',
      [
        ['.dockerignore', '.env', '.not-env'],
        ['Dockerfile', '\nUSER 65532:65532', '\nCOPY .env /etc/.env\nUSER 65532:65532'],
      ],
      'files',
      /files: the image holds files that must not ship .*\/etc\/\.env/,
    ));

  it('a budget below the image fails "size" (the bytes of its files, as on podman)', () =>
    assertFails('size', [], 'size', /size: [\d.]+ MB is over the budget of 1\.0 MB/, ['VERIFY_MAX_MB=1']));
});
