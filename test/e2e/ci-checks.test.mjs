// Issue 18, item 8: what the generated CI checks besides gofmt, vet and tests, with the very pins
// it names (src/image/ci.ts GO_TOOLS, built once by test/e2e/citools.mjs). golangci-lint passes on
// every matrix cell (go.test.mjs); here it is shown failing on a planted unchecked error, and
// govulncheck runs offline against a small OSV database this test writes (-db file://…): clean
// on the generated project, failing (exit 3, naming the entry and the call) once the service calls
// a planted vulnerable module, clean again at its fixed version. The modules come from a file://
// module proxy the test writes: nothing leaves the machine.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { GO_TOOLS } from '../../dist/image/ci.js';
import { CI_GO_TOOLS, goToolBin, goToolMissing } from './citools.mjs';
import { generate } from './golevel.mjs';
import { writeProxyModule } from './modproxy.mjs';
import { NEWEST_GO } from './matrix.mjs';
import { findGo, goEnv, missing } from './tools.mjs';

const goBin = findGo(NEWEST_GO);
const skip = missing([!goBin && `Go ${NEWEST_GO}`, goToolMissing('golangciLint'), goToolMissing('govulncheck')]);
const VULN = 'gm-e2e.invalid/vulnerable';
const ID = 'GO-2099-0001';
const NOW = '2026-12-01T00:00:00Z';

/** A v1 vulnerability database (the layout govulncheck reads) with one entry: VULN below 1.0.1, Bad. @param {string} dir */
function writeVulnDb(dir) {
  mkdirSync(join(dir, 'index'), { recursive: true });
  mkdirSync(join(dir, 'ID'), { recursive: true });
  writeFileSync(join(dir, 'index/db.json'), JSON.stringify({ modified: NOW }));
  writeFileSync(
    join(dir, 'index/modules.json'),
    JSON.stringify([{ path: VULN, vulns: [{ id: ID, modified: NOW, fixed: '1.0.1' }] }]),
  );
  writeFileSync(join(dir, 'index/vulns.json'), JSON.stringify([{ id: ID, modified: NOW, aliases: [] }]));
  const entry = {
    schema_version: '1.3.1',
    id: ID,
    modified: NOW,
    published: NOW,
    details: 'Bad does something bad (planted by the e2e test).',
    affected: [
      {
        package: { name: VULN, ecosystem: 'Go' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.1' }] }],
        ecosystem_specific: { imports: [{ path: VULN, symbols: ['Bad'] }] },
      },
    ],
    // govulncheck 1.9.0's text output dereferences it ("More info:"): a real entry always has one.
    database_specific: { url: `https://vuln.example.invalid/${ID}` },
  };
  writeFileSync(join(dir, `ID/${ID}.json`), JSON.stringify(entry));
}

describe('the generated CI’s linters, offline', { skip }, () => {
  /** @type {string} */ let tmp;
  /** @type {string} */ let dir;
  /** @type {NodeJS.ProcessEnv} */ let env;
  const cell = { id: 'ci-checks' };
  const vulncheck = () =>
    eng.runCommand(goToolBin('govulncheck'), ['-db', `file://${join(tmp, 'vulndb')}`, './...'], {
      cwd: dir,
      env: { ...process.env, ...env },
      allowFail: true,
      timeoutMs: 5 * 60_000,
    });

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gm-cichecks-'));
    dir = join(tmp, 'svc');
    const bin = /** @type {string} */ (goBin);
    await generate(cell, dir, ['--yes', '--name', 'svc', '--go-version', NEWEST_GO], bin);
    writeVulnDb(join(tmp, 'vulndb'));
    const bad = 'package vulnerable\n\n// Bad is what the planted entry names.\nfunc Bad() string { return "bad" }\n';
    writeProxyModule(join(tmp, 'proxy'), VULN, 'v1.0.0', { 'vulnerable.go': bad });
    writeProxyModule(join(tmp, 'proxy'), VULN, 'v1.0.1', { 'vulnerable.go': bad.replace('"bad"', '"fixed"') });
    // The planted module only, from a file:// proxy; no checksum database (it knows nothing of it).
    env = { ...goEnv(bin), GOPROXY: `file://${join(tmp, 'proxy')}`, GOFLAGS: '-mod=mod', GONOSUMDB: VULN };
  });

  it('the tools this test runs are the pins the generated CI names', () => assert.deepEqual(CI_GO_TOOLS, GO_TOOLS));

  it('golangci-lint fails on a planted unchecked error (the config is in force)', async () => {
    const file = join(dir, 'planted.go');
    // (os.Remove would not do: the std-error-handling preset excludes it, as errcheck users expect.)
    writeFileSync(file, 'package main\n\nimport "os"\n\nfunc leave() { os.Chdir("/") }\n\nvar _ = leave\n');
    const r = await eng.runCommand(goToolBin('golangciLint'), ['run', '--allow-serial-runners', './...'], {
      cwd: dir,
      env: { ...process.env, ...env },
      allowFail: true,
      timeoutMs: 5 * 60_000,
    });
    rmSync(file);
    assert.notEqual(r.code, 0, r.all);
    assert.match(r.all, /planted\.go:5:\d+: Error return value of `os\.Chdir` is not checked \(errcheck\)/);
  });

  it('govulncheck passes the generated project', async () => {
    const r = await vulncheck();
    assert.equal(r.code, 0, r.all);
    assert.match(r.all, /No vulnerabilities found/);
  });

  it('govulncheck fails (exit 3) once the service calls the vulnerable function, naming it; the fixed version passes', async () => {
    writeFileSync(
      join(dir, 'deps.go'),
      `package main\n\nimport "${VULN}"\n\n// Called at start: reachable from main.\nvar dependency = vulnerable.Bad()\n`,
    );
    await eng.runCommand('go', ['get', `${VULN}@v1.0.0`], { cwd: dir, env: { ...process.env, ...env } });
    const bad = await vulncheck();
    assert.equal(bad.code, 3, bad.all);
    assert.match(bad.all, new RegExp(`Vulnerability #1: ${ID}`));
    assert.match(bad.all, /vulnerable\.Bad/);
    assert.match(bad.all, /Fixed in: gm-e2e\.invalid\/vulnerable@v1\.0\.1/);

    await eng.runCommand('go', ['get', `${VULN}@v1.0.1`], { cwd: dir, env: { ...process.env, ...env } });
    const fixed = await vulncheck();
    assert.equal(fixed.code, 0, fixed.all);
  });
});
