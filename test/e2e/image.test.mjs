// Issue "prove every generated project", image level, on the suite's own Docker Engine 29
// (BuildKit; engine/docker/): for every matrix cell the generated `make docker-build DOCKER=docker`,
// Dockerfile as generated (its `# syntax` line included), builds a real image that runs read-only
// with no capabilities as 65532:65532, answers /healthz, reports healthy by Docker's own health
// check, stops with exit code 0 on SIGTERM, and contains none of the secrets put next to the
// sources. podman proves a smaller matrix: podman.test.mjs.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { run as runCmd } from './golevel.mjs';
import { CLI, ROOT } from '../helpers/generate.mjs';
import { VERSION, describeCells } from './imagecells.mjs';
import {
  checkConfig,
  checkContainer,
  checkFiles,
  makeImage,
  plantSecrets,
  prepareImages,
  useImageEngine,
} from './imagecheck.mjs';
import { MATRIX } from './matrix.mjs';

const imageSkip = await useImageEngine('docker');

describe('generated images on Docker Engine', { skip: imageSkip }, () => {
  before(prepareImages);
  describeCells(MATRIX);
});

describe('go-minimal docker on an existing module (test/fixtures/cmd-api)', { skip: imageSkip }, () => {
  const cell = { id: 'docker-cmd-api', options: {} };
  const answers = { name: 'api', base: 'scratch', port: 8080, healthcheck: true };
  /** @type {string} */
  let dir;
  /** @type {{ ref: string, ms: number }} set by before() */
  let image;

  before(async () => {
    await prepareImages();
    dir = join(mkdtempSync(join(tmpdir(), 'gm-img-')), 'platform');
    cpSync(join(ROOT, 'test/fixtures/cmd-api'), dir, { recursive: true });
    plantSecrets(dir);
    // --force: the fixture's own Makefile gets the include line, so `make docker-build` works.
    await runCmd(cell, process.execPath, [CLI, 'docker', dir, '--yes', '--main', './cmd/api', '--force']);
    image = await makeImage(cell, dir, answers.name, VERSION);
  });
  after(async () => {
    if (image) await eng.removeImage(image.ref, { force: true });
  });

  it('its own Makefile kept its targets and gained the image targets', () => {
    assert.match(
      readFileSync(join(dir, 'Makefile'), 'utf8'),
      /^test:\n\tgo test \.\/\.\.\.\n[\s\S]*^-include docker\.mk$/m,
    );
  });
  it('is configured as derived: user, entrypoint, port, healthcheck from the code, labels', () =>
    checkConfig(cell, image.ref, answers, VERSION));
  it('runs read-only with no capabilities, healthy, stops with 0', () => checkContainer(cell, image.ref, answers));
  it('holds none of the planted secrets', () => checkFiles(cell, image.ref, answers));
});
