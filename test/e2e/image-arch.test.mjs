// Issue 11: images for another architecture, and reproducible images, both built by the generated
// docker.mk with podman (buildah 1.28).
// - arm64: `PLATFORM=linux/arm64 make docker-build DOCKER=podman` for every base. The builder
//   runs natively and cross-compiles; the final stages use arm64 stand-ins made from Debian's
//   arm64 packages, chosen by name with `--build-context` through DOCKER_BUILD_FLAGS (a registry
//   would serve a multi-arch index; a local tag names one image). The binary taken out of the
//   image must be an AArch64 ELF that serves, probes and drains under qemu-aarch64-static (user
//   mode, run directly in an empty root as 65532: no binfmt_misc registration, which would change
//   the host for everyone). `make docker-buildx` makes a manifest list with both architectures.
// - Reproducible: two `--no-cache` builds with the same SOURCE_DATE_EPOCH give the same layers and
//   creation time in the docker format, and the same image ID in the OCI format.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BINARY_DIR } from '../../dist/generators/derive.js';
import { BASES, IMAGES, finalImage } from '../../dist/image/images.js';
import * as eng from '../../engine/index.mjs';
import { EM, checkServeProbeDrain, elfInterpreter, elfMachine, emptyRoot, generate } from './golevel.mjs';
import { DOCKER, goBins, imageSkip, makeImage, withImageMounted } from './imagecheck.mjs';
import { NEWEST_GO, cellAnswers, cellFlags } from './matrix.mjs';
import { have, missing } from './tools.mjs';

const GO = NEWEST_GO;
const VERSION = 'arch-1';
const QEMU = '/usr/bin/qemu-aarch64-static';

const skip =
  imageSkip ??
  missing([
    DOCKER !== 'podman' && 'podman (these checks build with buildah: --platform, --timestamp, manifest lists)',
    !have('qemu-aarch64-static') && 'qemu-aarch64-static (Debian qemu-user-static)',
    eng.foreignMissing('arm64'),
  ]);

/** Build times, printed at the end. @type {string[]} */
const report = [];
after(() => report.length && console.log(['', ...report].join('\n')));

/** The host's stand-ins and builder, and the arm64 finals; returns final image → arm64 stand-in. */
async function prepare() {
  const goroot = join(/** @type {string} */ (goBins[GO]), '..');
  const finals = [IMAGES.alpine, IMAGES.distroless];
  await eng.ensureStandIns({ builders: [{ goVersion: GO, goroot }], finals });
  const arm = await eng.ensureStandIns({ finals, arch: 'arm64' });
  await eng.warmBuilder(GO);
  return Object.fromEntries(finals.map((f, i) => [f, arm[i]?.ref]));
}

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

/** Copies the image's binary out. @param {string} ref @param {string} name @param {string} dest */
const binaryOf = (ref, name, dest) =>
  withImageMounted(ref, (mount) => copyFileSync(join(mount, BINARY_DIR, name), dest)).then(() => dest);

/** The checks of an arm64 binary: an AArch64 ELF, static. @param {string} bin @param {string} id */
function assertAarch64(bin, id) {
  const machine = elfMachine(bin);
  assert.equal(machine, EM.aarch64, `[cell ${id}] the binary's e_machine is ${machine}, not AArch64 (183)`);
  assert.equal(elfInterpreter(bin), undefined, `[cell ${id}] the binary is dynamic`);
}

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
describe('arm64 images: PLATFORM=linux/arm64 make docker-build DOCKER=podman', { skip }, () => {
  /** @type {Record<string, string | undefined>} */
  let armStandIn = {};
  before(async () => {
    armStandIn = await prepare();
  });

  /** `make docker-build` for arm64, the arm64 stand-in of a base selected by its FROM name. */
  const buildArm64 = (/** @type {Awaited<ReturnType<typeof project>>} */ p, extra = /** @type {string[]} */ ([])) => {
    const from = finalImage(/** @type {any} */ (p.answers.base));
    const flags =
      p.answers.base === 'scratch' ? '' : `--pull=never --build-context ${from}=docker-image://${armStandIn[from]}`;
    return makeImage(p.cell, p.dir, p.answers.name, VERSION, {
      makeArgs: ['PLATFORM=linux/arm64', `DOCKER_BUILD_FLAGS=${flags}`, ...extra],
    });
  };

  for (const base of BASES) {
    // One test per base: building, taking the binary out and running it are one behaviour.
    it(`${base}: an arm64 image whose AArch64 binary serves, probes and drains under qemu-aarch64-static`, async () => {
      const p = await project(`arm64-${base}`, base);
      const image = await buildArm64(p);
      report.push(`arm64 ${base}: make docker-build ${image.ms} ms`);
      try {
        const info = await eng.inspectImage(image.ref);
        assert.equal(info.Architecture, 'arm64');
        const bin = await binaryOf(image.ref, p.answers.name, join(p.dir, '..', 'bin-arm64'));
        assertAarch64(bin, p.cell.id);
        if (base === 'alpine') {
          // The base's own programs are arm64 too: the stand-in of the right architecture was used.
          const busybox = join(p.dir, '..', 'busybox');
          await withImageMounted(image.ref, (m) => copyFileSync(join(m, 'bin/busybox'), busybox));
          assert.equal(elfMachine(busybox), EM.aarch64, 'the alpine base in the image is not arm64');
        }
        const binaryPath = `${BINARY_DIR}/${p.answers.name}`;
        const root = emptyRoot(bin, binaryPath);
        copyFileSync(QEMU, join(root, 'qemu-aarch64-static'));
        const t0 = Date.now();
        await checkServeProbeDrain(p.cell, root, binaryPath, p.answers, VERSION, { emulator: '/qemu-aarch64-static' });
        report.push(`arm64 ${base}: serve, probe and drain under qemu ${Date.now() - t0} ms`);
        // buildah 1.28's cache ignores the platform: a native build right after must still be native.
        const native = await makeImage(p.cell, p.dir, p.answers.name, `${VERSION}-native`);
        try {
          const host = process.arch === 'x64' ? 'amd64' : process.arch;
          assert.equal((await eng.inspectImage(native.ref)).Architecture, host, 'a native build after arm64');
        } finally {
          await eng.removeImage(native.ref, { force: true });
        }
      } finally {
        await eng.removeImage(image.ref, { force: true });
      }
    });
  }

  it('a builder with GOARCH=amd64 hard-coded (mutation): the arm64 image carries an x86-64 binary, and the check fails', async () => {
    const p = await project('arm64-mutant-goarch', 'scratch');
    mutate(join(p.dir, 'Dockerfile'), 'GOARCH=$TARGETARCH', 'GOARCH=amd64');
    const image = await buildArm64(p);
    try {
      assert.equal((await eng.inspectImage(image.ref)).Architecture, 'arm64');
      const bin = await binaryOf(image.ref, p.answers.name, join(p.dir, '..', 'bin-mutant'));
      assert.throws(() => assertAarch64(bin, p.cell.id), /e_machine is 62, not AArch64/);
    } finally {
      await eng.removeImage(image.ref, { force: true });
    }
  });

  it('make docker-buildx PLATFORMS=linux/amd64,linux/arm64: a manifest list with one image per platform, each with its own binary', async () => {
    const p = await project('buildx', 'scratch');
    const list = `localhost/${p.answers.name}:${VERSION}`;
    // The name already names an image, as after `make docker-build`: docker-buildx must free it.
    await eng.engine(['tag', IMAGES.alpine, list]);
    const t0 = Date.now();
    await makeImage(p.cell, p.dir, p.answers.name, VERSION, {
      makeArgs: ['PLATFORMS=linux/amd64,linux/arm64'],
      target: 'docker-buildx',
    });
    report.push(`make docker-buildx (amd64 + arm64, scratch): ${Date.now() - t0} ms`);
    try {
      const manifests = JSON.parse((await eng.engine(['manifest', 'inspect', list])).stdout).manifests;
      const arches = manifests.map((/** @type {any} */ m) => m.platform.architecture).sort();
      assert.deepEqual(arches, ['amd64', 'arm64']);
      for (const m of manifests) {
        const bin = await binaryOf(
          `${list}@${m.digest}`,
          p.answers.name,
          join(p.dir, '..', `bin-${m.digest.slice(7, 19)}`),
        );
        const want = m.platform.architecture === 'arm64' ? EM.aarch64 : EM.x86_64;
        assert.equal(elfMachine(bin), want, `the ${m.platform.architecture} image's binary`);
      }
    } finally {
      await eng.engine(['manifest', 'rm', list], { allowFail: true });
    }
  });
});

describe('reproducible images: two --no-cache builds, same sources and SOURCE_DATE_EPOCH', { skip }, () => {
  const EPOCH = '1700000000';
  /** @type {Awaited<ReturnType<typeof project>>} */
  let p;
  before(async () => {
    await prepare();
    p = await project('repro', 'scratch');
  });

  /** A --no-cache `make docker-build` as IMAGE=name; returns its ID, diff IDs and creation time. */
  async function buildOnce(
    /** @type {string} */ dir,
    /** @type {string} */ name,
    extra = /** @type {string[]} */ ([]),
  ) {
    const image = await makeImage(p.cell, dir, name, VERSION, {
      makeArgs: [`SOURCE_DATE_EPOCH=${EPOCH}`, 'DOCKER_BUILD_FLAGS=--no-cache', ...extra],
    });
    try {
      const info = await eng.inspectImage(image.ref);
      report.push(
        `reproducible ${name}: ${image.ms} ms, ID ${info.Id.slice(0, 12)}, layers ${info.RootFS.Layers.join(',')}`,
      );
      return { id: info.Id, layers: info.RootFS.Layers, created: new Date(info.Created).getTime() / 1000, info };
    } finally {
      await eng.removeImage(image.ref, { force: true });
    }
  }

  it('docker format: the same layer diff IDs and creation time (the IDs differ: buildah writes a random container ID)', async () => {
    const a = await buildOnce(p.dir, 'repro-docker-a');
    const b = await buildOnce(p.dir, 'repro-docker-b');
    assert.deepEqual(b.layers, a.layers);
    assert.equal(a.created, Number(EPOCH));
    assert.equal(b.created, Number(EPOCH));
    assert.ok(a.info.Config.Healthcheck, 'the docker format keeps HEALTHCHECK');
  });

  it('OCI format (IMAGE_FORMAT=oci): the same image ID', async () => {
    const a = await buildOnce(p.dir, 'repro-oci-a', ['IMAGE_FORMAT=oci']);
    const b = await buildOnce(p.dir, 'repro-oci-b', ['IMAGE_FORMAT=oci']);
    assert.equal(b.id, a.id);
  });

  it('docker.mk without --timestamp (mutation): the layers and the creation time differ', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-repro-mutant-')), p.answers.name);
    cpSync(p.dir, dir, { recursive: true });
    mutate(join(dir, 'docker.mk'), "--timestamp '$(SOURCE_DATE_EPOCH)'", '');
    const good = await buildOnce(p.dir, 'repro-good');
    const bad = await buildOnce(dir, 'repro-mutant');
    assert.notDeepEqual(bad.layers, good.layers);
    assert.notEqual(bad.created, Number(EPOCH));
  });
});
