// Issue 18: `go-minimal update` brings a project of 0.2.0 as it stands on main before the service
// defaults (test/fixtures/releases/generator-go-minimal-0.2.0-main-00c7200.tgz: `npm pack` of
// commit 00c7200) to this version by merge. The access log, request ID, recovery and limits arrive
// in files of their own (middleware.go, echo.go and their test), so a main.go edited where users
// edit it (a route added before `return mux`, a handler appended) merges cleanly: its few wiring
// lines change elsewhere. The result passes go vet and go test, whose new tests prove the
// middleware; the new options are stored off (a project keeps requiring nothing).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCommand } from '../../engine/index.mjs';
import { CLI, ROOT } from '../helpers/generate.mjs';
import { goBins } from './imagecheck.mjs';
import { NEWEST_GO } from './matrix.mjs';
import { goEnv, missing } from './tools.mjs';
import { files, generateWith, node, unpack } from './update-helpers.mjs';

const MAIN_TGZ = join(ROOT, 'test/fixtures/releases/generator-go-minimal-0.2.0-main-00c7200.tgz');
const FLAGS = ['--yes', '--skip-install', '--name', 'svc', '--go-version', NEWEST_GO];
const skip = missing([!goBins[NEWEST_GO] && `Go ${NEWEST_GO}`]);

const ROUTE = '\tmux.HandleFunc("GET /team", teamStatus) // a route the team added\n';
const HANDLER =
  '\n// teamStatus is a handler the team added after generating the project.\nfunc teamStatus(w http.ResponseWriter, _ *http.Request) {\n\tw.WriteHeader(http.StatusNoContent)\n}\n';
const NEW_FILES = ['middleware.go', 'middleware_test.go', 'echo.go', '.golangci.yml'];

describe('go-minimal update from 0.2.0 (main, before issue 18) to this version', { skip }, () => {
  /** @type {string} */ let basePkg;
  /** @type {Record<string, string>} */ let newRender;

  before(async () => {
    basePkg = unpack(MAIN_TGZ);
    newRender = files(await generateWith(CLI, FLAGS));
  });

  it('merges the service defaults into an edited main.go: no conflict, every edit kept, vet and test pass', async () => {
    const dir = await generateWith(join(basePkg, 'dist/cli.js'), FLAGS);
    const mainGo = join(dir, 'main.go');
    const edited = readFileSync(mainGo, 'utf8').replace('\treturn mux\n', `${ROUTE}\treturn mux\n`) + HANDLER;
    assert.ok(edited.includes(ROUTE), 'the 0.2.0 main.go has no `return mux` to add a route before');
    writeFileSync(mainGo, edited);

    const goBin = /** @type {string} */ (goBins[NEWEST_GO]);
    const env = { ...process.env, ...goEnv(goBin) };
    const r = await node([CLI, 'update', dir, '--from', basePkg, '--no-verify'], env);
    assert.equal(r.code, 0, r.all);
    assert.doesNotMatch(r.stdout, /CONFLICT/, r.all);
    assert.match(r.stdout, /merged\s+main\.go/, r.all);
    for (const f of NEW_FILES) assert.match(r.stdout, new RegExp(`added\\s+${f.replace('.', '\\.')}`), r.all);

    const after = files(dir);
    // The user's lines are there, and removing them gives exactly this version's main.go.
    assert.ok(after['main.go'].includes(ROUTE) && after['main.go'].includes(HANDLER), 'an edit was lost');
    assert.equal(after['main.go'].replace(ROUTE, '').replace(HANDLER, ''), newRender['main.go']);
    for (const f of NEW_FILES) assert.equal(after[f], newRender[f], `${f} is not this version's`);
    assert.doesNotMatch(after['go.mod'], /require/, 'the default project requires a module');
    const rc = JSON.parse(after['.yo-rc.json'])['generator-go-minimal'];
    assert.deepEqual([rc.metrics, rc.tracing, rc.pprof, rc.openapi], ['none', 'none', false, false]);

    // The merged project is proven by its own tools: the new middleware tests run on the user's mux.
    for (const args of [
      ['vet', './...'],
      ['test', '-count=1', './...'],
    ]) {
      const g = await runCommand('go', args, { cwd: dir, env, allowFail: true, timeoutMs: 5 * 60_000 });
      assert.equal(g.code, 0, `go ${args.join(' ')}:\n${g.all}`);
    }
  });
});
