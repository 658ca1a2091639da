// Before any section runs: the machine's description, the tools the bench needs, the generated
// services and the peers' build contexts, and the container engine's stand-ins.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as E from '../engine/index.mjs';
import { NOBODY, nobodyBlocker } from '../test/e2e/tools.mjs';
import {
  BASES,
  GO,
  GO_VERSION,
  GOLANG_ALIAS,
  GOLANG_STANDIN,
  GOROOT,
  ROOT,
  SECTIONS,
  STANDIN_REFS,
  WORK,
  YO,
} from './config.mjs';
import { copyFiles, onPath } from './lib.mjs';
import { runCommand as sh } from '../engine/index.mjs';
import { PEERS } from './peers.mjs';

/** The files of the service source, the same in every image: go.mod and every Go file (main.go,
 * middleware.go, echo.go and their tests; a list written by hand went stale when the service grew). */
export const serviceSource = (dir) =>
  fs
    .readdirSync(dir)
    .filter((f) => f === 'go.mod' || f.endsWith('.go'))
    .sort();

async function version(cmd, args, re = /.*/) {
  const r = await sh(cmd, args, { allowFail: true }).catch(() => null);
  return r ? ((r.stdout + r.stderr).match(re)?.[0] ?? '').trim() : 'missing';
}

export async function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const osRelease = fs.readFileSync('/etc/os-release', 'utf8');
  return {
    cpu: cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1]?.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 1e8) / 10,
    os: osRelease.match(/^PRETTY_NAME="?([^"\n]*)"?/m)?.[1] ?? 'unknown',
    kernel: os.release(),
    node: process.version,
    go: await version(GO, ['version'], /go\d+\.\d+(\.\d+)?/),
    buildah: await version('buildah', ['--version'], /\d+\.\d+\.\d+/),
    podman: await version('podman', ['--version'], /\d+\.\d+\.\d+/),
    runc: await version('runc', ['--version'], /\d+\.\d+\.\d+/),
    wrk: await version('wrk', ['-v'], /wrk \S+/),
    npm: await version('npm', ['--version'], /\d+\.\d+\.\d+/),
    yo: YO,
  };
}

export function preflight() {
  const missing = [];
  if (!fs.existsSync(GO)) missing.push(`Go ${GO_VERSION} (${GO}; see test/e2e/toolchains.mjs)`);
  for (const tool of ['podman', 'buildah', 'runc', 'make', 'npm', 'tar']) if (!onPath(tool)) missing.push(tool);
  if (SECTIONS.includes('service') && !onPath('wrk')) missing.push('wrk');
  if (missing.length) throw new Error(`bench needs ${missing.join(', ')}: run bash .ci/install-system`);
  const blocker = SECTIONS.includes('scaffold') && nobodyBlocker();
  if (blocker) throw new Error(`the scaffold section runs yo as uid ${NOBODY}: ${blocker}`);
  if (!fs.existsSync(path.join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is not built: npm run bench builds it');
}

/** Ours for every base, and each peer's context (our source with its Dockerfile), under WORK. */
export async function generate() {
  const dirs = {};
  for (const base of BASES) {
    const dir = path.join(WORK, `ours-${base}`);
    const flags = ['--yes', '--go-version', GO_VERSION, '--skip-install', '--base', base, '--name', 'hello'];
    await sh(process.execPath, [path.join(ROOT, 'dist/cli.js'), dir, ...flags]);
    dirs[base] = dir;
  }
  // Same service source in every image: only the Dockerfile differs.
  const source = serviceSource(dirs.scratch);
  for (const base of BASES.slice(1))
    for (const f of source)
      if (!fs.readFileSync(path.join(dirs[base], f)).equals(fs.readFileSync(path.join(dirs.scratch, f))))
        throw new Error(`${f} differs between --base scratch and --base ${base}`);
  for (const peer of PEERS) {
    const dir = path.join(WORK, peer.id);
    copyFiles(dirs.scratch, dir, source);
    // A standard-library module has no go.sum, and `COPY go.mod go.sum ./` (or a bind mount of
    // go.sum) fails without one (docker/roadmap#611): the peers get an empty one.
    fs.writeFileSync(path.join(dir, 'go.sum'), '');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), peer.dockerfile);
    dirs[peer.id] = dir;
  }
  return dirs;
}

export async function prepareEngine() {
  const d = await E.detectEngine();
  if (!d.ok) throw new Error(`no container engine: ${d.reason}`);
  if (d.kind !== 'podman') throw new Error(`the bench measures with podman/buildah, found ${d.kind}`);
  await E.ensureStandIns({
    builders: [{ goVersion: GO_VERSION, goroot: GOROOT }],
    finals: [STANDIN_REFS.alpine, STANDIN_REFS.distroless],
  });
  await E.warmBuilder(GO_VERSION);
  await E.engine(['tag', GOLANG_STANDIN, GOLANG_ALIAS]);
}

/** One file inside an image (podman image mount), read by `fn`. */
export async function readInImage(ref, file, fn) {
  const mnt = (await E.engine(['image', 'mount', ref])).stdout.trim();
  try {
    return fn(path.join(mnt, file));
  } finally {
    await E.engine(['image', 'unmount', ref], { allowFail: true });
  }
}

/** Size in bytes of one file inside an image. */
export const fileSizeInImage = (ref, file) => readInImage(ref, file, (p) => fs.statSync(p).size);

/** `podman build` of a context folder; its duration in ms. */
export async function podmanBuild(context, tag, extraArgs = []) {
  const t = performance.now();
  await E.build({ context, tag, extraArgs });
  return performance.now() - t;
}
