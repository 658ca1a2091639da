// The image engine: what the tests and the bench use to build and run real images with the
// suite's own Docker Engine (BuildKit) or podman/buildah, with nothing pulled from a registry.
//
//   config.mjs      E2E_ROOT, the store's folders, engineEnv() (the settings podman needs here)
//   exec.mjs        the process runner (runCommand, exec) and the shell quoter (quote)
//   cli.mjs         which engine (useEngine, detectEngine) and its CLI (engine)
//   lock.mjs        inter-process locks in the shared store
//   store.mjs       stamps and image ids in the shared store
//   docker/         the suite's own Docker Engine: versions.mjs (the one table of pinned pieces),
//                   pieces.mjs (built from the Go module proxy into the store), daemon.mjs
//                   (containerd + dockerd in a network namespace), access.mjs (inNetns,
//                   fetchInNetns, imageManifests),
//                   frontend.mjs (docker/dockerfile:1 from BuildKit's frontend)
//   recipes.mjs     stand-in recipes for the base images that cannot be pulled
//   foreign.mjs     Debian .debs of another architecture (arm64) for its stand-ins
//   standins.mjs    ensureStandIns, warmBuilder
//   containers.mjs  build, run, inspect, healthcheck, stop, logs, imageFiles, imageSize, …
//   files.mjs       tree(): the one recursive directory listing
//   layers.mjs      a Docker image's own files, from `docker save` (tarEntries: the tar reader)
//
// Node built-ins only. Self-test: test/e2e/engine.test.mjs (part of `npm test`).

export { CACHE_MOUNT_DIRS, E2E_ROOT, engineEnv } from './config.mjs';
export { exec, quote, runCommand } from './exec.mjs';
export { detectEngine, engine, useEngine } from './cli.mjs';
export { DOCKER_ROOT } from './config.mjs';
export { ensureDaemon, netns, runningDaemon, stopDaemon } from './docker/daemon.mjs';
export { fetchInNetns, freePortInNetns, imageManifests, inNetns } from './docker/access.mjs';
export { ensurePiece, ensurePieces, pieceFile } from './docker/pieces.mjs';
export { MOBY, PIECES } from './docker/versions.mjs';
export { cToolchainMissing, normalizeRef } from './recipes.mjs';
export { foreignMissing } from './foreign.mjs';
export { FOREIGN_ARCH, ensureStandIns, warmBuilder } from './standins.mjs';
export {
  build,
  containerPort,
  fetchContainer,
  freePort,
  healthStatus,
  healthcheckRun,
  imageFiles,
  imageSize,
  inspectContainer,
  inspectImage,
  logs,
  remove,
  removeImage,
  run,
  stop,
  uniqueName,
  waitForContainerHttp,
  waitForHttp,
  waitHealthy,
  withImageRoot,
} from './containers.mjs';
export { tree } from './files.mjs';
export { HOST_PLATFORM, copyFromDockerImage, dockerImageEntries, tarEntries } from './layers.mjs';

/** @typedef {import('./exec.mjs').ExecResult} ExecResult */
/** @typedef {import('./exec.mjs').ExecOptions} ExecOptions */
/** @typedef {import('./exec.mjs').RunOptions} RunOptions */
/** @typedef {import('./cli.mjs').EngineDetection} EngineDetection */
/** @typedef {import('./cli.mjs').EngineKind} EngineKind */
/** @typedef {import('./recipes.mjs').GoBuilderSpec} GoBuilderSpec */
/** @typedef {import('./standins.mjs').StandInResult} StandInResult */
