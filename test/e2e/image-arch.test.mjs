// Issue 11 and 17: images for another architecture, and reproducible images, built by the
// generated docker.mk on the suite's own Docker Engine (BuildKit, containerd image store).
// - `make docker-buildx PLATFORMS=linux/amd64,linux/arm64` for every base: one image name holding
//   both platforms. The builder runs natively and cross-compiles; each final stage's base is the
//   stand-in of its platform (the stand-ins are multi-platform images, as a registry serves
//   them). Each platform's binary, taken out of the image, is an ELF of its architecture; the
//   arm64 one serves, probes and drains under qemu-aarch64-static (user mode, run directly in an
//   empty root as 65532: no binfmt_misc registration, which would change the host for everyone),
//   and the amd64 one runs in Docker.
// - Reproducible: two `--no-cache` builds with the same SOURCE_DATE_EPOCH give the same image
//   manifest digest (rewrite-timestamp), the binary's time in its layer is SOURCE_DATE_EPOCH; without
//   rewrite-timestamp (mutation) one build shows the binary stamped with its build time.
// podman's cross-platform builds (its own docker.mk branch) are not proven here any more.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BINARY_DIR } from '../../dist/generators/derive.js';
import { BASES } from '../../dist/image/images.js';
import * as eng from '../../engine/index.mjs';
import { EM, checkServeProbeDrain, elfInterpreter, elfMachine, emptyRoot, generate } from './golevel.mjs';
import { checkContainer, goBins, makeImage, prepareImages, useImageEngine } from './imagecheck.mjs';
import { NEWEST_GO, cellAnswers, cellFlags } from './matrix.mjs';
import { have } from './tools.mjs';

const GO = NEWEST_GO;
const VERSION = 'arch-1';
const QEMU = '/usr/bin/qemu-aarch64-static';
const PLATFORMS = ['linux/amd64', 'linux/arm64'];

const skip = await useImageEngine('docker', [
  !have('qemu-aarch64-static') && 'qemu-aarch64-static (Debian qemu-user-static)',
  eng.foreignMissing('arm64'),
]);

/** Build times, printed at the end. @type {string[]} */
const report = [];
after(() => report.length && console.log(['', ...report].join('\n')));

/** A generated project for a base. @param {string} id @param {string} base */
async function project(id, base) {
  const cell = { id, options: { base, goVersion: GO, healthcheck: true } };
  const answers = cellAnswers(cell);
  const dir = join(mkdtempSync(join(tmpdir(), `gm-${id}-`)), answers.name);
  await generate(cell, dir, [...cellFlags(cell), '--skip-install'], /** @type {string} */ (goBins[GO]));
  return { cell, answers, dir };
}

/** Replaces text in a generated file, failing when the text is no longer there. */
function mutate(/** @type {string} */ file, /** @type {string} */ from, /** @type {string} */ to) {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} no longer contains ${JSON.stringify(from)}: update this mutation`);
  writeFileSync(file, text.split(from).join(to));
}

/** The checks of an arm64 binary: an AArch64 ELF, static. @param {string} bin @param {string} id */
function assertAarch64(bin, id) {
  const machine = elfMachine(bin);
  assert.equal(machine, EM.aarch64, `[cell ${id}] the binary's e_machine is ${machine}, not AArch64 (183)`);
  assert.equal(elfInterpreter(bin), undefined, `[cell ${id}] the binary is dynamic`);
}

/** The image manifests under a name, by platform. @param {string} ref */
async function platformsOf(ref) {
  const images = (await eng.imageManifests(ref)).filter((m) => m.kind === 'image');
  return Object.fromEntries(images.map((m) => [m.platform, m.digest]));
}

/** `make docker-buildx` for both platforms. @param {Awaited<ReturnType<typeof project>>} p */
const buildx = (p) =>
  makeImage(p.cell, p.dir, p.answers.name, VERSION, {
    makeArgs: [`PLATFORMS=${PLATFORMS.join(',')}`],
    target: 'docker-buildx',
  });

describe('make docker-buildx PLATFORMS=linux/amd64,linux/arm64 on Docker Engine', { skip }, () => {
  before(prepareImages);

  for (const base of BASES) {
    // One test per base: building, taking the binaries out and running them are one behaviour.
    it(`${base}: one image for both platforms; each binary its own; arm64 serves, probes and drains under qemu, amd64 in Docker`, async () => {
      const p = await project(`buildx-${base}`, base);
      const image = await buildx(p);
      report.push(`docker-buildx ${base} (amd64 + arm64): ${image.ms} ms`);
      try {
        assert.deepEqual(Object.keys(await platformsOf(image.ref)).sort(), PLATFORMS);
        const binaryPath = `${BINARY_DIR}/${p.answers.name}`;
        const amd = await eng.copyFromDockerImage(image.ref, binaryPath, join(p.dir, '..', 'bin-amd64'), 'linux/amd64');
        assert.equal(elfMachine(amd), EM.x86_64, 'the amd64 image holds an x86-64 binary');
        const arm = await eng.copyFromDockerImage(image.ref, binaryPath, join(p.dir, '..', 'bin-arm64'), 'linux/arm64');
        assertAarch64(arm, p.cell.id);
        if (base === 'alpine') {
          // The base's own programs are arm64 too: the stand-in's arm64 image was used.
          const bb = await eng.copyFromDockerImage(
            image.ref,
            '/bin/busybox',
            join(p.dir, '..', 'busybox'),
            'linux/arm64',
          );
          assert.equal(elfMachine(bb), EM.aarch64, 'the alpine base in the arm64 image is not arm64');
        }
        const root = emptyRoot(arm, binaryPath);
        copyFileSync(QEMU, join(root, 'qemu-aarch64-static'));
        const t0 = Date.now();
        await checkServeProbeDrain(p.cell, root, binaryPath, p.answers, VERSION, { emulator: '/qemu-aarch64-static' });
        report.push(`arm64 ${base}: serve, probe and drain under qemu ${Date.now() - t0} ms`);
        await checkContainer(p.cell, image.ref, p.answers);
      } finally {
        await eng.removeImage(image.ref, { force: true });
      }
    });
  }

  it('a builder with GOARCH=amd64 hard-coded (mutation): the arm64 image carries an x86-64 binary, and the check fails', async () => {
    const p = await project('buildx-mutant-goarch', 'scratch');
    mutate(join(p.dir, 'Dockerfile'), 'GOARCH=$TARGETARCH', 'GOARCH=amd64');
    const image = await buildx(p);
    try {
      const bin = await eng.copyFromDockerImage(
        image.ref,
        `${BINARY_DIR}/${p.answers.name}`,
        join(p.dir, '..', 'bin-mutant'),
        'linux/arm64',
      );
      assert.throws(() => assertAarch64(bin, p.cell.id), /e_machine is 62, not AArch64/);
    } finally {
      await eng.removeImage(image.ref, { force: true });
    }
  });
});

describe(
  'reproducible images on Docker Engine: two --no-cache builds, same sources and SOURCE_DATE_EPOCH',
  { skip },
  () => {
    const EPOCH = '1700000000';
    /** @type {Awaited<ReturnType<typeof project>>} */
    let p;
    before(async () => {
      await prepareImages();
      p = await project('repro', 'scratch');
    });

    /** A --no-cache `make docker-build` as IMAGE=name: the time of the binary in its layer. */
    async function binaryTime(
      /** @type {string} */ dir,
      /** @type {string} */ name,
      extra = /** @type {string[]} */ ([]),
    ) {
      const image = await makeImage(p.cell, dir, name, VERSION, {
        makeArgs: [`SOURCE_DATE_EPOCH=${EPOCH}`, 'DOCKER_BUILD_FLAGS=--no-cache', ...extra],
      });
      try {
        const entries = await eng.dockerImageEntries(image.ref);
        const bin = entries.get(`/usr/local/bin/${p.answers.name}`);
        assert.ok(bin, `no binary in ${image.ref}`);
        return bin.mtime;
      } finally {
        await eng.removeImage(image.ref, { force: true });
      }
    }

    /** A --no-cache `make docker-build` as IMAGE=name: its image manifest digest and creation time. */
    async function buildOnce(
      /** @type {string} */ dir,
      /** @type {string} */ name,
      extra = /** @type {string[]} */ ([]),
    ) {
      const image = await makeImage(p.cell, dir, name, VERSION, {
        makeArgs: [`SOURCE_DATE_EPOCH=${EPOCH}`, 'DOCKER_BUILD_FLAGS=--no-cache', ...extra],
      });
      try {
        const digest = (await platformsOf(image.ref))[eng.HOST_PLATFORM];
        const info = await eng.inspectImage(image.ref);
        report.push(`reproducible ${name}: ${image.ms} ms, image manifest ${digest}`);
        const bin = (await eng.dockerImageEntries(image.ref)).get(`/usr/local/bin/${p.answers.name}`);
        return { digest, created: new Date(info.Created).getTime() / 1000, binaryTime: bin?.mtime };
      } finally {
        await eng.removeImage(image.ref, { force: true });
      }
    }

    it("rewrite-timestamp (docker.mk's default output): the same image manifest digest, created at SOURCE_DATE_EPOCH", async () => {
      const a = await buildOnce(p.dir, 'repro-a');
      const b = await buildOnce(p.dir, 'repro-b');
      assert.match(a.digest ?? '', /^sha256:[0-9a-f]{64}$/);
      assert.equal(b.digest, a.digest);
      assert.equal(a.created, Number(EPOCH));
      assert.equal(a.binaryTime, Number(EPOCH), "the binary's time in the layer is SOURCE_DATE_EPOCH");
    });

    it('without rewrite-timestamp (mutation: OUTPUT=type=docker): the binary keeps its build time, so the layer cannot repeat', async () => {
      // One build is enough: rewrite-timestamp is what clamps the files' times to
      // SOURCE_DATE_EPOCH; without it the go build's output is stamped now.
      const dir = join(mkdtempSync(join(tmpdir(), 'gm-repro-mutant-')), p.answers.name);
      cpSync(p.dir, dir, { recursive: true });
      const plain = await binaryTime(dir, 'repro-plain', ['OUTPUT=type=docker']);
      assert.ok(plain > Number(EPOCH), `the binary's time ${plain} is SOURCE_DATE_EPOCH without rewrite-timestamp`);
    });
  },
);
