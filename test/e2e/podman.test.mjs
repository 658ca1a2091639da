// podman 4.3 / buildah 1.28 (Debian 12's), which Fedora and RHEL users build with, on a smaller
// matrix than Docker's (image.test.mjs, verify.test.mjs): the default scratch image and alpine,
// each through the generated `make docker-build DOCKER=podman` and `make verify DOCKER=podman`.
// Kubernetes' kube play and podman-compose stay podman's (kubernetes.test.mjs).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { generate } from './golevel.mjs';
import { describeCells } from './imagecells.mjs';
import { goBins, makeThere, plantSecrets, prepareImages, useImageEngine } from './imagecheck.mjs';
import { MATRIX, NEWEST_GO, cellAnswers, cellFlags } from './matrix.mjs';
import { goEnv } from './tools.mjs';

const skip = await useImageEngine('podman');
const CELLS = MATRIX.filter((c) => [`scratch-go${NEWEST_GO}-hc`, `alpine-go${NEWEST_GO}-hc`].includes(c.id));

describe('generated images on podman (scratch and alpine)', { skip }, () => {
  before(prepareImages);
  it('the smaller matrix has its two cells', () => assert.equal(CELLS.length, 2));
  describeCells(CELLS);
});

describe('make verify DOCKER=podman (scratch and alpine)', { skip }, () => {
  before(prepareImages);
  for (const cell of CELLS) {
    it(`cell ${cell.id}: passes every check`, async () => {
      const answers = cellAnswers(cell);
      const goBin = /** @type {string} skip is set without it */ (goBins[answers.goVersion]);
      const dir = join(mkdtempSync(join(tmpdir(), 'gm-pverify-')), answers.name);
      await generate(cell, dir, [...cellFlags(cell), '--skip-install'], goBin);
      plantSecrets(dir);
      const args = ['verify', 'DOCKER=podman', `IMAGE=${answers.name}`, 'VERSION=pverify'];
      const r = await makeThere(cell, args, {
        cwd: dir,
        env: { ...eng.engineEnv(), ...goEnv(goBin), REVISION: 'e2e-revision' },
        timeoutMs: 8 * 60_000,
      });
      try {
        for (const check of ['user', 'entrypoint', 'port', 'healthcheck', 'run', 'files', 'size'])
          assert.match(r.stdout, new RegExp(`--- PASS: TestImage/${check} `), `[cell ${cell.id}] ${check}`);
        console.log(`# ${cell.id}: ${/size: .*/.exec(r.stdout)?.[0]}`);
      } finally {
        await eng.removeImage(`localhost/${answers.name}:pverify`, { force: true });
      }
    });
  }
});
