// Issue 18: each of the generated service's own tests can fail. A copy of the every-option
// project (matrix.mjs SERVICE_CELLS[0]) broken in one place makes the test written for that
// trap fail, naming it; the unbroken copy passes them all.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { SERVICE_CELLS, cellFlags } from './matrix.mjs';
import { findGo, goEnv, missing } from './tools.mjs';
import { generate, moduleEnv } from './golevel.mjs';
import { runCommand } from '../../engine/index.mjs';

const cell = SERVICE_CELLS[0];
const goBin = findGo(cell.options.goVersion);
const skip = missing([!goBin && `Go ${cell.options.goVersion}`]);

/** [id, file, from, to, the tests to run, what their failure says] */
const MUTATIONS = [
  [
    'raw-path-label',
    'middleware.go',
    'metrics.observe(route,',
    'metrics.observe(r.URL.Path,',
    'TestMetricsCardinality',
    /200 series/,
  ],
  [
    'request-id-dropped',
    'middleware.go',
    'r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))',
    '_ = requestIDKey{}',
    'TestEcho|TestRequestID',
    /request_id/,
  ],
  [
    'no-recovery',
    'middleware.go',
    'if v := recover(); v != nil {',
    'if v := any(nil); v != nil {',
    'TestPanicAnswers500',
    /status = 0|EOF|connection/,
  ],
  [
    'pprof-public',
    'middleware.go',
    '\tmux := newHandler(ready)\n',
    '\tmux := newHandler(ready)\n\tmux.Handle("/debug/pprof/", http.DefaultServeMux)\n',
    'TestPprofServesOnItsOwnListenerOnly',
    /service port: GET \/debug\/pprof\/ = 200, want 404/,
  ],
  [
    'tracing-always-on',
    'tracing.go',
    'if endpoint == "" ||',
    'if false && endpoint == "" ||',
    'TestTracingIsOffWithoutAnEndpoint',
    /want off|installed an SDK/,
  ],
  [
    'route-not-in-spec',
    'api/openapi.yaml',
    '  /echo:\n',
    '  /echo-renamed:\n',
    'TestEveryRoute',
    /route "POST \/echo" is served but not in api\/openapi\.yaml/,
  ],
  [
    'response-off-schema',
    'main.go',
    '\tVersion string `json:"version"`\n',
    '\tVersion string `json:"version"`\n\tCommit  string `json:"commit"`\n',
    'TestResponsesMatchTheSpec',
    /does not match api\/openapi\.yaml/,
  ],
];

describe('the generated service’s tests fail on broken copies', { skip }, () => {
  /** @type {string} */ let pristine;
  /** @type {NodeJS.ProcessEnv} */ let env;
  const goTest = (/** @type {string} */ dir, /** @type {string} */ pattern) =>
    runCommand('go', ['test', '-count=1', '-run', pattern, '.'], {
      cwd: dir,
      env,
      allowFail: true,
      timeoutMs: 5 * 60_000,
    });

  before(async () => {
    pristine = join(mkdtempSync(join(tmpdir(), 'gm-svcmut-')), 'svc');
    await generate(cell, pristine, cellFlags(cell), /** @type {string} */ (goBin), moduleEnv(cell));
    env = { ...process.env, ...goEnv(/** @type {string} */ (goBin)) };
  });

  it('the unbroken project passes every test the mutations aim at', async () => {
    const r = await goTest(pristine, MUTATIONS.map((m) => m[4]).join('|'));
    assert.equal(r.code, 0, r.all);
  });

  for (const [id, file, from, to, pattern, says] of MUTATIONS) {
    it(`${id}: ${pattern} fails`, async () => {
      const dir = join(mkdtempSync(join(tmpdir(), `gm-svcmut-${id}-`)), 'svc');
      cpSync(pristine, dir, { recursive: true });
      const text = readFileSync(join(dir, file), 'utf8');
      assert.ok(text.includes(from), `${file} no longer contains ${JSON.stringify(from)}: update this mutation`);
      writeFileSync(join(dir, file), text.replace(from, to));
      const r = await goTest(dir, pattern);
      assert.notEqual(r.code, 0, `${id}: the tests passed on the broken copy`);
      assert.match(r.all, says, r.all);
    });
  }
});
