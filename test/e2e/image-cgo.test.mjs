// Issue 9 item 8, "cgo, honestly": `go-minimal docker --yes` on a module that needs cgo
// (test/fixtures/cgo, a service whose answer is computed in C) builds a real image: gcc from the
// builder's `apk add`, a binary dynamically linked against musl, run on alpine read-only with no
// capabilities as 65532. The stand-ins carry Debian's gcc with musl-gcc's specs behind an `apk`
// that only installs what they hold (engine/recipes.mjs), so the Dockerfile runs unchanged.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BINARY_DIR } from '../../dist/generators/derive.js';
import { IMAGES } from '../../dist/image/images.js';
import * as eng from '../../engine/index.mjs';
import { CLI, ROOT } from '../helpers/generate.mjs';
import { run as runCmd } from './golevel.mjs';
import {
  checkConfig,
  checkContainer,
  checkFiles,
  fileSizeInImage,
  makeImage,
  plantSecrets,
  useImageEngine,
} from './imagecheck.mjs';
import { NEWEST_GO } from './matrix.mjs';
import { findGo, have } from './tools.mjs';

// The copy's go.mod names the newest supported Go, whose builder stand-in the matrix shares.
const GO = NEWEST_GO;
const VERSION = 'e2e-cgo';
const cell = { id: 'docker-cgo', options: {} };
const answers = { name: 'cgoapp', base: 'alpine', port: 8080, healthcheck: true };
const binaryPath = `${BINARY_DIR}/${answers.name}`;

const goBin = findGo(GO);
const cMissing = eng.cToolchainMissing();
// On Docker Engine, which most users build with.
const skip = await useImageEngine('docker', [
  !have('readelf') && 'readelf (binutils)',
  cMissing && `a C toolchain for the cgo stand-in: ${cMissing} (Debian: apt-get install gcc musl-tools)`,
]);

describe('go-minimal docker on a cgo module (test/fixtures/cgo): gcc and musl, run on alpine', { skip }, () => {
  /** @type {string} */
  let dir;
  /** @type {{ ref: string, ms: number }} set by before() */
  let image;
  /** @type {{ interp: string, needed: string[], file: string }} the binary, read from the image */
  let elf;

  before(async () => {
    await eng.ensureStandIns({
      builders: [{ goVersion: GO, goroot: join(/** @type {string} skip is set without it */ (goBin), '..') }],
      finals: [IMAGES.alpine],
    });
    dir = join(mkdtempSync(join(tmpdir(), 'gm-cgo-')), answers.name);
    cpSync(join(ROOT, 'test/fixtures/cgo'), dir, { recursive: true });
    const gomod = join(dir, 'go.mod');
    writeFileSync(gomod, readFileSync(gomod, 'utf8').replace(/^go \S+$/m, `go ${GO}`));
    plantSecrets(dir);
    await runCmd(cell, process.execPath, [CLI, 'docker', dir, '--yes']);
    // No Makefile in the fixture: docker.mk alone, as the end message says.
    image = await makeImage(cell, dir, answers.name, VERSION, { makeArgs: ['-f', 'docker.mk'] });
    elf = await eng.withImageRoot(image.ref, async (mount) => {
      const bin = join(mount, binaryPath);
      const program = (await eng.exec('readelf', ['-lW', bin])).stdout;
      const dynamic = (await eng.exec('readelf', ['-dW', bin])).stdout;
      return {
        interp: /\[Requesting program interpreter: (\S+)\]/.exec(program)?.[1] ?? '(none)',
        needed: [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[(\S+)\]/g)].map((m) => m[1] ?? ''),
        file: have('file') ? (await eng.exec('file', ['-b', bin])).stdout.trim() : '(file not installed)',
      };
    });
  });
  after(async () => {
    if (!image) return;
    const bytes = await eng.imageSize(image.ref);
    const binary = await fileSizeInImage(image.ref, binaryPath);
    console.log(
      `\ncgo image ${image.ref}: ${bytes} B (binary ${binary} B), built in ${image.ms} ms\n` +
        `  interpreter ${elf?.interp}, NEEDED ${elf?.needed.join(', ')}\n  file: ${elf?.file}`,
    );
    await eng.removeImage(image.ref, { force: true });
  });

  it('the builder runs on the target platform, installs gcc and musl-dev, builds with CGO_ENABLED=1', () => {
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    assert.ok(dockerfile.includes(`\nFROM --platform=$TARGETPLATFORM golang:${GO}-alpine AS build\n`), dockerfile);
    assert.doesNotMatch(dockerfile, /BUILDPLATFORM|cross-compiles|need no emulation|static Go binary/);
    assert.match(dockerfile, /^RUN apk add --no-cache gcc musl-dev$/m);
    assert.match(dockerfile, /CGO_ENABLED=1 GOOS/);
    assert.match(dockerfile, /^FROM --platform=\$TARGETPLATFORM alpine:\d+\.\d+$/m);
  });

  it('the binary is dynamically linked against musl: interpreter /lib/ld-musl-x86_64.so.1, only libc', () => {
    assert.equal(elf.interp, '/lib/ld-musl-x86_64.so.1', elf.file);
    assert.deepEqual(elf.needed, ['libc.so'], elf.file);
    assert.match(elf.file, /dynamically linked/);
  });

  it('is configured as derived: user 65532, entrypoint, port, healthcheck from the code, labels', () =>
    checkConfig(cell, image.ref, answers, VERSION));

  it('runs read-only with no capabilities: GET / shows what C computed, /healthz, healthy, stops with 0', () =>
    checkContainer(cell, image.ref, answers, {
      probe: async (base) => {
        const res = await eng.fetchContainer(`${base}/`);
        assert.equal(res.body, 'sum of squares 1..10 computed in C: 385\n');
      },
    }));

  it('holds none of the planted secrets', () => checkFiles(cell, image.ref, answers));
});
