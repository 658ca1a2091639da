// The image proof of one matrix cell, shared by the Docker matrix (image.test.mjs) and podman's
// smaller one (podman.test.mjs): the generated `make docker-build` builds a real image; it runs
// read-only with no capabilities as 65532:65532, answers /healthz, reports healthy, stops with
// exit code 0 on SIGTERM, and holds none of the secrets put next to the sources.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BINARY_DIR } from '../../dist/generators/derive.js';
import { IMAGES } from '../../dist/image/images.js';
import * as eng from '../../engine/index.mjs';
import { generate } from './golevel.mjs';
import {
  checkConfig,
  checkContainer,
  checkContext,
  checkFiles,
  fileSizeInImage,
  goBins,
  makeImage,
  plantSecrets,
} from './imagecheck.mjs';
import { cellAnswers, cellFlags } from './matrix.mjs';

export const VERSION = 'e2e-1.2.3';
const SLACK = 300 * 1024;

/** Bytes of the final stage's base as built here (its stand-in); scratch adds none. */
const baseBytes = async (/** @type {string} */ base) =>
  base === 'scratch' ? 0 : eng.imageSize(IMAGES[/** @type {keyof typeof IMAGES} */ (base)]);

/**
 * One describe per cell, and a table of every image's size and build time after them.
 * @param {import('./matrix.mjs').Cell[]} cells
 */
export function describeCells(cells) {
  /** @type {{ id: string, image: number, binary: number, ms: number }[]} */
  const report = [];
  after(() => {
    if (report.length === 0) return;
    const lines = ['', 'cell                          image bytes   binary bytes  image-binary  build ms'];
    for (const r of report) {
      lines.push(
        `${r.id.padEnd(29)} ${String(r.image).padStart(11)} ${String(r.binary).padStart(14)} ${String(r.image - r.binary).padStart(13)} ${String(r.ms).padStart(9)}`,
      );
    }
    console.log(lines.join('\n'));
  });
  for (const cell of cells) {
    describe(`cell ${cell.id}`, () => {
      const answers = cellAnswers(cell);
      const binaryPath = `${BINARY_DIR}/${answers.name}`;
      /** @type {string} */
      let dir;
      /** @type {{ ref: string, ms: number }} set by before() */
      let image;

      before(async () => {
        dir = join(mkdtempSync(join(tmpdir(), 'gm-img-')), answers.name);
        await generate(cell, dir, [...cellFlags(cell), '--skip-install'], goBins[answers.goVersion] ?? '/usr/bin');
        plantSecrets(dir);
        image = await makeImage(cell, dir, answers.name, VERSION);
      });
      after(async () => {
        if (image) await eng.removeImage(image.ref, { force: true });
      });

      it('is configured as generated: numeric user, entrypoint, port, healthcheck, OCI labels', () =>
        checkConfig(cell, image.ref, answers, VERSION));

      it('runs read-only with no capabilities: /healthz from the host, healthy, stop -t 10 exits 0', () =>
        checkContainer(cell, image.ref, answers));

      it('holds none of .env, secret.pem, .git', () => checkFiles(cell, image.ref, answers));

      it('.dockerignore keeps them out of the build context too (builder stage)', () =>
        checkContext(cell, dir, answers.name));

      // The base's own files, the binary, and at most 300 KB besides (scratch: the CA bundle and
      // passwd/group; alpine: a CA bundle over the base's; distroless: nothing but metadata).
      it('size: ≤ base + binary + 300 KB (scratch: base 0; every size reported)', async () => {
        const imageBytes = await eng.imageSize(image.ref);
        const binaryBytes = await fileSizeInImage(image.ref, binaryPath);
        const base = await baseBytes(answers.base);
        report.push({ id: cell.id, image: imageBytes, binary: binaryBytes, ms: image.ms });
        assert.ok(
          imageBytes <= base + binaryBytes + SLACK,
          `[cell ${cell.id}] image ${imageBytes} B > ${answers.base} ${base} B + binary ${binaryBytes} B + ${SLACK} B`,
        );
      });
    });
  }
}
