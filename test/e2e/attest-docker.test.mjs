// Issue 17: what only BuildKit does with an image, proven from a registry. A generated project is
// built by its own `make docker-build` with the push output its docker.mk names, plus
// `--provenance=mode=max --sbom=true`, into a local registry (distribution v3, pinned in
// engine/docker/versions.mjs) that listens on 127.0.0.1 inside the Docker Engine's network
// namespace. Read back from the registry: the image index holds the image and an attestation
// manifest for it, whose layers are a SLSA provenance (mode=max: the build's definition, the build
// args, the Dockerfile frontend as a material) and an SPDX SBOM.
// The SBOM generator BuildKit runs by default, docker/buildkit-syft-scanner, cannot be pulled
// here: a stand-in of that name (test/fixtures/sbom-scanner) follows BuildKit's SBOM generator
// protocol and catalogues the Go binaries it finds (module, dependencies, Go version) - so the
// attachment of an SBOM is proven, not syft's catalogue.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as eng from '../../engine/index.mjs';
import { generate } from './golevel.mjs';
import { sbomScannerBin } from './gotools.mjs';
import { goBins, makeImage, prepareImages, useImageEngine } from './imagecheck.mjs';
import { NEWEST_GO, cellAnswers, cellFlags } from './matrix.mjs';

const SCANNER = 'docker.io/docker/buildkit-syft-scanner:stable-1';
const skip = await useImageEngine('docker');
const cell = { id: 'attest', options: { base: 'scratch', goVersion: NEWEST_GO, healthcheck: true } };
const answers = cellAnswers(cell);

/** GET from the registry, inside the daemon's network namespace. @param {string} url @param {string} [accept] */
async function registryGet(url, accept) {
  const r = await eng.inNetns(
    'curl',
    ['-sSf', '--max-time', '10', ...(accept ? ['-H', `Accept: ${accept}`] : []), url],
    {
      timeoutMs: 30_000,
    },
  );
  return JSON.parse(r.stdout);
}

const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * The attestations the registry holds for an image: predicate type → predicate.
 * @param {string} base registry URL @param {string} repo @param {string} tag
 */
async function attestations(base, repo, tag) {
  const index = await registryGet(`${base}/v2/${repo}/manifests/${tag}`, INDEX);
  const image = index.manifests.find((/** @type {any} */ m) => m.platform?.architecture === 'amd64');
  assert.ok(image, `no amd64 image in the index: ${JSON.stringify(index)}`);
  const att = index.manifests.find(
    (/** @type {any} */ m) =>
      m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' &&
      m.annotations?.['vnd.docker.reference.digest'] === image.digest,
  );
  assert.ok(att, 'no attestation manifest for the image in the index');
  const manifest = await registryGet(`${base}/v2/${repo}/manifests/${att.digest}`, MANIFEST);
  /** @type {Record<string, any>} */
  const out = {};
  for (const layer of manifest.layers) {
    const stmt = await registryGet(`${base}/v2/${repo}/blobs/${layer.digest}`);
    assert.deepEqual(
      stmt.subject.map((/** @type {any} */ s) => `sha256:${s.digest.sha256}`),
      [image.digest],
      'the statement is about the image',
    );
    out[layer.annotations['in-toto.io/predicate-type']] = stmt.predicate;
  }
  return out;
}

/** The checks: a mode=max provenance and an SPDX SBOM naming the service's module. @param {Record<string, any>} att */
function checkAttestations(att, modulePath, version) {
  const provenance = att['https://slsa.dev/provenance/v0.2'] ?? att['https://slsa.dev/provenance/v1'];
  assert.ok(provenance, `no SLSA provenance (predicate types: ${Object.keys(att).join(', ')})`);
  const text = JSON.stringify(provenance);
  assert.ok(/"buildConfig"|"llbDefinition"/.test(text), 'mode=max: the provenance holds the build definition');
  assert.ok(text.includes(`"build-arg:VERSION":"${version}"`), 'the provenance records the build args');
  assert.ok(text.includes('docker/dockerfile'), 'the provenance names the Dockerfile frontend');
  const sbom = att['https://spdx.dev/Document'];
  assert.ok(sbom, `no SPDX SBOM (predicate types: ${Object.keys(att).join(', ')})`);
  const names = sbom.packages.map((/** @type {any} */ p) => p.name);
  assert.ok(names.includes(modulePath), `the SBOM lists ${modulePath}: ${names.join(', ')}`);
  assert.ok(names.includes('stdlib'), 'the SBOM lists the Go standard library');
}

describe('provenance (mode=max) and an SBOM, pushed to a local registry and read back', { skip }, () => {
  /** @type {import('node:child_process').ChildProcess} */ let registry;
  /** @type {string} */ let base;
  /** @type {string} */ let dir;

  before(async () => {
    await prepareImages();
    const bin = join((await eng.ensurePiece('registry')).dir, 'registry');
    const port = await eng.containerPort();
    const root = mkdtempSync(join(tmpdir(), 'gm-registry-'));
    writeFileSync(
      join(root, 'config.yml'),
      `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${root}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
    );
    registry = spawn('nsenter', [`--net=${await eng.netns()}`, '--', bin, 'serve', join(root, 'config.yml')], {
      stdio: 'ignore',
    });
    base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && (await eng.fetchInNetns(`${base}/v2/`)).status !== 200; i++) await sleep(100);
    // The stand-in scanner under the default generator's name.
    const ctx = mkdtempSync(join(tmpdir(), 'gm-scanner-'));
    copyFileSync(await sbomScannerBin(), join(ctx, 'sbom-scanner'));
    writeFileSync(
      join(ctx, 'Dockerfile'),
      'FROM scratch\nCOPY sbom-scanner /sbom-scanner\nENTRYPOINT ["/sbom-scanner"]\n',
    );
    await eng.build({ context: ctx, tag: SCANNER });
    dir = join(mkdtempSync(join(tmpdir(), 'gm-attest-')), answers.name);
    await generate(cell, dir, [...cellFlags(cell), '--skip-install'], /** @type {string} */ (goBins[NEWEST_GO]));
  });
  after(() => registry?.kill('SIGTERM'));

  /**
   * make docker-build pushing to the registry with the OUTPUT docker.mk's comment gives, IMAGE
   * naming the registry.
   */
  const push = (/** @type {string} */ tag, /** @type {string} */ flags) => {
    const mk = readFileSync(join(dir, 'docker.mk'), 'utf8');
    const output = /Push instead: OUTPUT=(\S+)/.exec(mk)?.[1];
    assert.ok(output, 'docker.mk names a push output');
    return makeImage(cell, dir, `${base.replace('http://', '')}/${answers.name}`, tag, {
      makeArgs: [`OUTPUT=${output}`, `DOCKER_BUILD_FLAGS=${flags}`],
    });
  };

  it('--provenance=mode=max --sbom=true: the registry holds both, about the image', async (t) => {
    const image = await push('att', '--provenance=mode=max --sbom=true');
    t.diagnostic(`pushed in ${image.ms} ms`);
    const att = await attestations(base, answers.name, 'att');
    t.diagnostic(`predicate types: ${Object.keys(att).join(', ')}`);
    checkAttestations(att, answers.modulePath, 'att');
  });

  it('without --sbom (mutation) the check fails, naming the SBOM', async () => {
    await push('nosbom', '--provenance=mode=max');
    const att = await attestations(base, answers.name, 'nosbom');
    assert.throws(() => checkAttestations(att, answers.modulePath, 'nosbom'), /no SPDX SBOM/);
  });

  it('with provenance mode=min (mutation) the check fails: no build definition', async () => {
    await push('min', '--provenance=mode=min --sbom=true');
    const att = await attestations(base, answers.name, 'min');
    assert.throws(() => checkAttestations(att, answers.modulePath, 'min'), /mode=max/);
  });
});
