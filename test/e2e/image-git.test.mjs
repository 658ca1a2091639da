// The generated `make docker-build` from the git states a new project really is in: a repository
// with no commit yet (REVISION used to become "HEAD unknown", two positional arguments, and the
// build failed), and a remote with credentials in its URL (which must not reach the image).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { generate } from './golevel.mjs';
import { checkConfig, goBins, makeImage, prepareImages, useImageEngine } from './imagecheck.mjs';
import { E2E_GO_VERSIONS, cellAnswers, cellFlags } from './matrix.mjs';
import { have } from './tools.mjs';

const goVersion = E2E_GO_VERSIONS.at(-1);
// On Docker Engine, which most users build with.
const skip = await useImageEngine('docker', [!have('git') && 'git']);
const TOKEN = 'ghp_e2eDoNotShip';

function git(dir, ...args) {
  const env = { ...process.env, GIT_CEILING_DIRECTORIES: dirname(dir), GIT_CONFIG_NOSYSTEM: '1' };
  const r = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}

/** The image's labels, and everything the engine shows about it (config and history) as text. */
async function describeImage(ref) {
  const info = await eng.inspectImage(ref);
  const history = (await eng.engine(['history', '--no-trunc', '--format', '{{.CreatedBy}} {{.Comment}}', ref])).stdout;
  return { labels: info.Config.Labels ?? info.Labels ?? {}, text: JSON.stringify(info) + history };
}

for (const state of ['no-commit', 'credentialed-remote']) {
  describe(`make docker-build in a git repository: ${state}`, { skip }, () => {
    const cell = { id: `git-${state}`, options: { base: 'scratch', goVersion, healthcheck: true } };
    const answers = cellAnswers(cell);
    let image;

    before(async () => {
      await prepareImages();
      const dir = join(mkdtempSync(join(tmpdir(), 'gm-imgit-')), answers.name);
      await generate(cell, dir, [...cellFlags(cell), '--skip-install'], goBins[goVersion]);
      git(dir, 'init', '-q');
      if (state === 'credentialed-remote') {
        git(dir, 'remote', 'add', 'origin', `https://e2e-user:${TOKEN}@git.example/org/svc.git`);
      }
      // REVISION and SOURCE left to docker.mk, as a user's `make docker-build` does.
      image = await makeImage(cell, dir, answers.name, 'e2e', { env: { REVISION: undefined, SOURCE: undefined } });
    });
    after(async () => {
      if (image) await eng.removeImage(image.ref, { force: true });
    });

    it('builds, and is configured as generated', () =>
      checkConfig(cell, image.ref, answers, 'e2e', { revision: 'unknown' }));

    if (state === 'no-commit') {
      it('labels the revision unknown and the source empty', async () => {
        const { labels } = await describeImage(image.ref);
        assert.equal(labels['org.opencontainers.image.revision'], 'unknown');
        assert.equal(labels['org.opencontainers.image.source'], '');
      });
    } else {
      it('labels the source without the credentials, which appear nowhere in the image', async () => {
        const { labels, text } = await describeImage(image.ref);
        assert.equal(labels['org.opencontainers.image.source'], 'https://git.example/org/svc.git');
        assert.ok(!text.includes(TOKEN), 'the token is in the image config or history');
        assert.ok(!text.includes('e2e-user'), 'the user name is in the image config or history');
      });
    }
  });
}
