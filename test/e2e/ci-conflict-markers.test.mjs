// Issue 19, item 4: the generated CI fails a commit that still holds merge conflict markers in
// any tracked text file, naming the file and the line. The step passes actionlint (with
// shellcheck on its script), and its script, taken from the generated ci.yml and .gitlab-ci.yml,
// is run in a git repository of the project: clean → exit 0; markers as `go-minimal update`
// writes them → exit 1 with file and line; untracked files, binary files and a Markdown
// heading's `=======` are left alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ACTIONLINT_BIN, actionlintMissing } from './citools.mjs';
import { have, missing } from './tools.mjs';
import { runYes } from '../helpers/generate.mjs';

/** A project with --yes, kept, in a git repository with one commit. @param {Record<string, unknown>} options */
async function repo(options) {
  const dir = join(mkdtempSync(join(tmpdir(), 'gm-markers-')), 'svc');
  cpSync((await runYes(options)).cwd, dir, { recursive: true });
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'generated');
  return dir;
}
/** @param {string} dir @param {string[]} args */
function git(dir, ...args) {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
}
/** The step's script in the generated GitHub workflow. @param {string} dir */
function githubScript(dir) {
  const wf = parse(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8'));
  const step = wf.jobs.go.steps.find((/** @type {{ name?: string }} */ s) => /conflict markers/.test(s.name ?? ''));
  assert.ok(step, 'no conflict-marker step in ci.yml');
  return step.run;
}
/** The script item of GitLab's test job. @param {string} dir */
function gitlabScript(dir) {
  const ci = parse(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8'));
  const item = ci.test.script.find((/** @type {string} */ s) => s.includes('git grep'));
  assert.ok(item, 'no conflict-marker script in .gitlab-ci.yml');
  return item;
}
/** The script under sh (dash: POSIX), in the repository, bounded in time. @param {string} dir @param {string} script */
const run = (dir, script) => spawnSync('sh', ['-c', script], { cwd: dir, encoding: 'utf8', timeout: 30_000 });

/** Adds conflict markers as update writes them to a tracked file, at line 3. @param {string} dir */
function conflict(dir) {
  const text = 'a\nb\n<<<<<<< yours\nmine\n||||||| 0.1.0\nbase\n=======\nnew\n>>>>>>> 0.2.0\n';
  writeFileSync(join(dir, 'NOTES.md'), text);
  git(dir, 'add', 'NOTES.md');
}

describe('CI: no merge conflict markers in tracked files', { skip: missing([!have('git') && 'git']) }, () => {
  it(
    'actionlint (with shellcheck) passes the workflow with the step',
    { skip: missing([actionlintMissing()]) },
    async () => {
      const dir = await repo({});
      const r = spawnSync(ACTIONLINT_BIN, ['-no-color', '.github/workflows/ci.yml'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    },
  );

  for (const ci of /** @type {const} */ (['github', 'gitlab'])) {
    it(`${ci}: clean → 0; markers in a tracked file → 1, naming file and line`, async () => {
      const dir = await repo({ ci, bot: 'none' });
      const script = ci === 'github' ? githubScript(dir) : gitlabScript(dir);
      const clean = run(dir, script);
      assert.equal(clean.status, 0, clean.stdout + clean.stderr);
      assert.equal(clean.stdout, '');
      conflict(dir);
      const r = run(dir, script);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.deepEqual(
        lines,
        ci === 'github'
          ? [3, 5, 9].map((n) => `::error file=NOTES.md,line=${n}::merge conflict marker`)
          : [3, 5, 9].map((n) => `NOTES.md:${n}: merge conflict marker`),
      );
    });
  }

  it('leaves untracked files, binary files and a Markdown heading underline alone', async () => {
    const dir = await repo({ bot: 'none' });
    const script = githubScript(dir);
    writeFileSync(join(dir, 'heading.md'), 'Title\n=======\n\ntext\n');
    writeFileSync(join(dir, 'blob.bin'), Buffer.concat([Buffer.from('<<<<<<< yours\n'), Buffer.from([0, 1, 2])]));
    git(dir, 'add', 'heading.md', 'blob.bin');
    writeFileSync(join(dir, 'untracked.txt'), '<<<<<<< yours\n');
    const r = run(dir, script);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('mutation: a script that looks for eight < finds nothing, so the marker test above would fail', async () => {
    const dir = await repo({ bot: 'none' });
    conflict(dir);
    const r = run(dir, githubScript(dir).replace('<{7}', '<{8}').replace('[|]{7}', '[|]{8}').replace('>{7}', '>{8}'));
    assert.equal(r.status, 0, r.stdout);
  });
});
