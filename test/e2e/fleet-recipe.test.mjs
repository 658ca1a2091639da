// Issue 10 item 4: the fleet recipe in docs/updates.md (a scheduled workflow: update --check,
// update, pull request) is real YAML that actionlint (with shellcheck for the run: scripts)
// accepts, and its actions are pinned exactly as the one pins table (src/image/ci.ts) pins them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CLI, ROOT } from '../helpers/generate.mjs';
import { ACTIONLINT_BIN, actionlintMissing } from './citools.mjs';
import { have, missing } from './tools.mjs';
import { USES } from '../../dist/image/ci.js';

const MARKER = '<!-- fleet-recipe:';

/** The YAML block after the marker in docs/updates.md. */
function recipe() {
  const page = readFileSync(join(ROOT, 'docs/updates.md'), 'utf8');
  const at = page.indexOf(MARKER);
  assert.ok(at >= 0, 'docs/updates.md has no fleet recipe marker');
  const m = /```yaml\n([\s\S]*?)```/.exec(page.slice(at));
  assert.ok(m, 'no ```yaml block after the marker');
  return /** @type {string} */ (m[1]);
}

/** actionlint on the text, as the workflow file it would be. @param {string} text */
function actionlint(text) {
  const dir = join(mkdtempSync(join(tmpdir(), 'gm-fleet-')), '.github/workflows');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'go-minimal-update.yml');
  writeFileSync(file, text);
  return spawnSync(ACTIONLINT_BIN, ['-no-color', file], { encoding: 'utf8' });
}

describe('the fleet recipe (docs/updates.md)', () => {
  const skip = missing([actionlintMissing(), !have('shellcheck') && 'shellcheck (Debian package)']);
  it('passes actionlint (and shellcheck on its scripts)', { skip }, () => {
    const r = actionlint(recipe());
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  it('mutation: a misnamed step output fails actionlint', { skip }, () => {
    const r = actionlint(recipe().replace('steps.update.outputs.status', 'steps.updated.outputs.status'));
    assert.notEqual(r.status, 0, 'actionlint accepted a reference to a step that does not exist');
  });
  it('uses the pins of src/image/ci.ts, and runs update --check before update', () => {
    const text = recipe();
    const uses = [...text.matchAll(/uses: (.*)$/gm)].map((m) => m[1]);
    assert.ok(uses.length >= 3);
    for (const u of uses) assert.ok(Object.values(USES).includes(u), `${u} is not pinned as in src/image/ci.ts`);
    assert.ok(text.indexOf('update --check') < text.indexOf('update --yes'));
  });
  it(
    "its check step's script reads a real --check --json report: the version for the title, each file's change",
    {
      skip: missing([!have('jq') && 'jq (Debian package)']),
    },
    () => {
      // The step's script, with this version's bin in place of npx's download.
      const wf = parse(recipe());
      const step = wf.jobs.update.steps.find((/** @type {{ id?: string }} */ s) => s.id === 'check');
      const dir = mkdtempSync(join(tmpdir(), 'gm-fleet-run-'));
      const project = join(dir, 'svc');
      assert.equal(spawnSync(process.execPath, [CLI, project, '--yes', '--skip-install']).status, 0);
      const bin = join(dir, 'npx');
      writeFileSync(
        bin,
        `#!/bin/sh\nshift 2\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@" --set port=9090\n`,
      );
      chmodSync(bin, 0o755);
      const out = join(dir, 'out');
      const r = spawnSync('bash', ['-e', '-c', step.run], {
        cwd: project,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, RUNNER_TEMP: dir, GITHUB_OUTPUT: out },
      });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
      assert.equal(readFileSync(out, 'utf8'), `status=1\navailable=${version}\n`);
      assert.match(r.stdout, /^updated\tDockerfile$/m);
    },
  );
});
