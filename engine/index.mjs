// The image engine: what the tests and the bench use to build and run real images with
// podman/buildah (or Docker), with nothing pulled from a registry.
//
//   config.mjs      E2E_ROOT, the store's folders, engineEnv() (the settings podman needs here)
//   exec.mjs        the process runner (runCommand, exec) and the shell quoter (quote)
//   cli.mjs         which engine (detectEngine) and its CLI (engine)
//   store.mjs       locks, stamps and image ids in the shared store
//   recipes.mjs     stand-in recipes for the base images that cannot be pulled
//   foreign.mjs     Debian .debs of another architecture (arm64) for its stand-ins
//   standins.mjs    ensureStandIns, warmBuilder
//   containers.mjs  build, run, inspect, healthcheck, stop, logs, imageFiles, imageSize, …
//   files.mjs       tree(): the one recursive directory listing
//
// Node built-ins only. Self-test: test/e2e/engine.test.mjs (part of `npm test`).

export { CACHE_MOUNT_DIRS, E2E_ROOT, engineEnv } from './config.mjs';
export { exec, quote, runCommand } from './exec.mjs';
export { detectEngine, engine } from './cli.mjs';
export { cToolchainMissing, normalizeRef } from './recipes.mjs';
export { foreignMissing } from './foreign.mjs';
export { ensureStandIns, warmBuilder } from './standins.mjs';
export {
  build,
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
  waitForHttp,
} from './containers.mjs';
export { tree } from './files.mjs';

/** @typedef {import('./exec.mjs').ExecResult} ExecResult */
/** @typedef {import('./exec.mjs').ExecOptions} ExecOptions */
/** @typedef {import('./exec.mjs').RunOptions} RunOptions */
/** @typedef {import('./cli.mjs').EngineDetection} EngineDetection */
/** @typedef {import('./recipes.mjs').GoBuilderSpec} GoBuilderSpec */
/** @typedef {import('./standins.mjs').StandInResult} StandInResult */
