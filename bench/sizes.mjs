// Section 1: image sizes. Ours (scratch, distroless, alpine) built with the generated `make
// docker-build DOCKER=podman`; the peers of bench/peers.mjs built with podman, or, where the final
// stage needs apk, their builder stage built and the published base size added.
import { performance } from 'node:perf_hooks';
import * as E from '../engine/index.mjs';
import { BASES, STANDIN_REFS, TAG, engineEnv, log } from './config.mjs';
import { runCommand as sh } from '../engine/index.mjs';
import { PEERS, PUBLISHED_BASES } from './peers.mjs';
import { fileSizeInImage, podmanBuild } from './setup.mjs';

async function oursRow(dir, base, standIn) {
  const image = TAG(`ours-${base}`).replace(/:bench$/, '');
  const t = performance.now();
  await sh('make', ['docker-build', 'DOCKER=podman', `IMAGE=${image}`, 'VERSION=bench'], { cwd: dir, env: engineEnv });
  const ms = performance.now() - t;
  const ref = `${image}:bench`;
  const measured = await E.imageSize(ref);
  const binary = await fileSizeInImage(ref, '/usr/local/bin/hello');
  const sb = base === 'scratch' ? null : base;
  return {
    id: `ours-${base}`,
    label: `ours, ${base}${base === 'scratch' ? ' (default)' : ''}`,
    summary: '`-trimpath -ldflags "-s -w"`, CA bundle, passwd, no RUN in the final stage',
    how: 'measured',
    base: sb,
    binary,
    measured,
    standInBase: sb ? standIn[sb] : 0,
    published: sb ? measured - standIn[sb] + PUBLISHED_BASES[sb].bytes : measured,
    firstBuildMs: ms,
  };
}

async function peerRow(dir, peer, standIn) {
  const ref = TAG(peer.id);
  log(`sizes: building ${peer.label}${peer.target ? ` (its ${peer.target} stage)` : ''}`);
  const ms = await podmanBuild(dir, ref, peer.target ? ['--target', peer.target] : []);
  const binary = await fileSizeInImage(ref, peer.binaryPath);
  const row = { id: peer.id, label: peer.label, summary: peer.summary, how: peer.how, base: peer.base, binary };
  Object.assign(row, { note: peer.note, firstBuildMs: ms });
  if (peer.how === 'measured') {
    row.measured = await E.imageSize(ref);
    row.standInBase = peer.base ? standIn[peer.base] : 0;
    row.published = peer.base ? row.measured - standIn[peer.base] + PUBLISHED_BASES[peer.base].bytes : row.measured;
  } else {
    row.measured = null;
    row.standInBase = null;
    row.published = binary + PUBLISHED_BASES[peer.base].bytes;
  }
  return row;
}

export async function sizes(dirs) {
  log('sizes: building ours with make docker-build DOCKER=podman');
  const standIn = {
    alpine: await E.imageSize(STANDIN_REFS.alpine),
    distroless: await E.imageSize(STANDIN_REFS.distroless),
  };
  const rows = [];
  for (const base of BASES) {
    const row = await oursRow(dirs[base], base, standIn);
    rows.push(row);
    log(`  ${row.label}: ${row.measured} B (binary ${row.binary} B), ${(row.firstBuildMs / 1000).toFixed(1)} s`);
  }
  for (const peer of PEERS) {
    const row = await peerRow(dirs[peer.id], peer, standIn);
    rows.push(row);
    log(`  ${peer.label}: binary ${row.binary} B, image ${row.measured ?? '(computed)'} → ${row.published} B`);
  }
  const floor = rows.find((r) => r.id === 'ours-scratch').binary;
  rows.push({
    id: 'floor',
    label: 'floor: the stripped binary alone',
    summary: 'ours, as in the scratch image',
    how: 'measured',
    base: null,
    binary: floor,
    measured: floor,
    standInBase: 0,
    published: floor,
  });
  const dockerInit = rows.find((r) => r.id === 'docker-init').published;
  for (const r of rows) r.vsDockerInit = r.published / dockerInit;
  return { rows, standIn };
}
