// Every kind of image-level check can fail: a deliberately broken Dockerfile or .dockerignore in
// a generated project makes the check that exists for that trap fail, on Docker Engine.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { generate } from './golevel.mjs';
import {
  checkConfig,
  checkContainer,
  checkContext,
  goBins,
  makeImage,
  plantSecrets,
  prepareImages,
  useImageEngine,
} from './imagecheck.mjs';
import { NEWEST_GO, cellFlags } from './matrix.mjs';

const VERSION = 'mutant';
// On Docker Engine, the engine users build with; each check also fails there.
const imageSkip = await useImageEngine('docker');
const answers = { name: 'mutant', base: 'scratch', goVersion: NEWEST_GO, healthcheck: true, port: 8080 };

/**
 * A generated scratch project with `from` replaced by `to` in `file`, built into an image.
 * @param {string} id @param {string} file @param {string} from @param {string} to
 */
async function brokenImage(id, file, from, to) {
  const cell = { id: `image-mutation-${id}`, options: answers };
  const dir = join(mkdtempSync(join(tmpdir(), `gm-imut-${id}-`)), 'mutant');
  await generate(
    cell,
    dir,
    [...cellFlags(cell), '--skip-install'],
    /** @type {string} imageSkip is set without it */ (goBins[NEWEST_GO]),
  );
  plantSecrets(dir);
  const text = readFileSync(join(dir, file), 'utf8');
  assert.ok(text.includes(from), `${file} no longer contains ${JSON.stringify(from)}: update this mutation`);
  writeFileSync(join(dir, file), text.split(from).join(to));
  return { cell, dir, build: () => makeImage(cell, dir, `mutant-${id}`, VERSION) };
}

describe('image checks fail on broken projects', { skip: imageSkip }, () => {
  before(prepareImages);

  it('USER nonroot (a named user) fails the numeric-user check', async () => {
    const m = await brokenImage('user', 'Dockerfile', 'USER 65532:65532', 'USER nonroot');
    const { ref } = await m.build();
    try {
      await assert.rejects(checkConfig(m.cell, ref, { ...answers, name: 'mutant' }, VERSION), /image user/);
    } finally {
      await eng.removeImage(ref, { force: true });
    }
  });
  it('a shell-form ENTRYPOINT on scratch fails the run check (no shell to run it)', async () => {
    const m = await brokenImage(
      'shellform',
      'Dockerfile',
      'ENTRYPOINT ["/usr/local/bin/mutant"]',
      'ENTRYPOINT /usr/local/bin/mutant',
    );
    const { ref } = await m.build();
    try {
      // No shell in scratch: the engine cannot start `/bin/sh -c …`.
      await assert.rejects(checkContainer(m.cell, ref, answers), /\/bin\/sh\b[\s\S]*no such file or directory/);
    } finally {
      await eng.removeImage(ref, { force: true });
    }
  });
  it('a .dockerignore without the secrets fails the build-context check', async () => {
    const m = await brokenImage('ignore', '.dockerignore', '.env', '.not-env');
    await assert.rejects(checkContext(m.cell, m.dir, 'mutant-ignore'), /leaked into the build context/);
  });
  it('COPY go.mod go.sum (no glob) fails the build of a standard-library module', async () => {
    const m = await brokenImage('gosum', 'Dockerfile', 'COPY go.mod go.sum* ./', 'COPY go.mod go.sum ./');
    await assert.rejects(m.build(), /\[cell image-mutation-gosum\] command failed[\s\S]*go\.sum/);
  });
  it('a HEALTHCHECK that cannot succeed fails the healthy check', async () => {
    const m = await brokenImage('health', 'Dockerfile', '"-healthcheck"]', '"-healthcheck", "-nonsense"]');
    const { ref } = await m.build();
    try {
      await assert.rejects(checkContainer(m.cell, ref, answers), /healthcheck run/);
    } finally {
      await eng.removeImage(ref, { force: true });
    }
  });
});
