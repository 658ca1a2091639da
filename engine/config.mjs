// Engine configuration: the one persistent folder every image build and run shares, and the
// environment that makes buildah and podman work on these machines.
//
// Machines running these builds have no Docker daemon, no registry access and no systemd; the
// Debian packages buildah 1.28 / podman 4.3 work only with a handful of settings (runc instead of
// crun, lower default ulimits, storage chosen through a config file, docker image format so that
// HEALTHCHECK survives). `engineEnv()` produces those settings as plain environment variables so
// any child process (e.g. `make docker-build DOCKER=podman`) can use plain `podman build/run`.

import fs from 'node:fs';
import path from 'node:path';

/**
 * The one shared, persistent folder holding the image store (graphroot), the run state
 * (runroot), the generated config files, buildah's cache mounts (through TMPDIR), stamps and
 * locks. Override with GO_MINIMAL_E2E_ROOT (read at import time).
 * @type {string}
 */
export const E2E_ROOT = path.resolve(process.env.GO_MINIMAL_E2E_ROOT ?? '/var/tmp/go-minimal-e2e');

/** The folders inside {@link E2E_ROOT}, by use. */
export const DIRS = {
  conf: path.join(E2E_ROOT, 'conf'),
  graphroot: path.join(E2E_ROOT, 'storage'),
  runroot: path.join(E2E_ROOT, 'run'),
  libpodTmp: path.join(E2E_ROOT, 'libpod-tmp'),
  tmp: path.join(E2E_ROOT, 'tmp'),
  events: path.join(E2E_ROOT, 'events'),
  stamps: path.join(E2E_ROOT, 'stamps'),
  locks: path.join(E2E_ROOT, 'locks'),
};

/** The suite's Docker Engine (engine/docker/daemon.mjs): its data, sockets and CLI config. */
export const DOCKER_ROOT = path.join(E2E_ROOT, 'docker');
/** The daemon's API socket and the docker CLI's config folder (cli-plugins: buildx, compose). */
export const DOCKER_SOCK = path.join(DOCKER_ROOT, 'run', 'docker.sock');
export const DOCKER_CONFIG = path.join(DOCKER_ROOT, 'config');

/**
 * Where buildah keeps `RUN --mount=type=cache` directories: $TMPDIR/buildah-cache (buildah 1.28;
 * later versions append -<uid>, so both are handled). A cache mount without `id=` lives at
 * `<dir>/<target path>` and is shared by every build that uses the same target.
 */
export const CACHE_MOUNT_DIRS = [
  path.join(DIRS.tmp, 'buildah-cache'),
  path.join(DIRS.tmp, `buildah-cache-${process.getuid?.() ?? 0}`),
];

/** Bump when a recipe changes in a way the input hashes do not capture. */
/** @param {string} s @returns {string} a TOML basic string (JSON's escaping is valid TOML) */
const toml = (s) => JSON.stringify(s);

/** @param {unknown} e @returns {string | undefined} */
export const errCode = (e) => /** @type {NodeJS.ErrnoException} */ (e)?.code;

/**
 * Writes a file atomically (temp + rename) unless it already has this content.
 * @param {string} file
 * @param {string} content
 */
export function writeIfChanged(file, content) {
  try {
    if (fs.readFileSync(file, 'utf8') === content) return;
  } catch {
    /* missing: write it */
  }
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/**
 * runroot and libpod's tmp dir are meant to be tmpfs: they hold run state that podman expects
 * to vanish at reboot. Here they persist, so after a reboot (a new kernel boot id) empty them
 * once, under a lock, before any engine command uses them.
 */
function resetRunStateAfterReboot() {
  /** @type {string} */
  let bootId;
  try {
    bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return;
  }
  const file = path.join(E2E_ROOT, 'boot_id');
  const current = () => {
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch {
      return '';
    }
  };
  if (current() === bootId) return;
  const lock = path.join(DIRS.locks, 'boot.lock');
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; ; i++) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
      if (i > 200) fs.rmSync(lock, { recursive: true, force: true }); // ~10 s: the holder died
      Atomics.wait(cell, 0, 0, 50); // synchronous sleep: engineEnv() is synchronous
    }
  }
  try {
    if (current() === bootId) return;
    const hadState = current() !== '';
    for (const d of [DIRS.runroot, DIRS.libpodTmp]) {
      if (hadState) fs.rmSync(d, { recursive: true, force: true });
      fs.mkdirSync(d, { recursive: true });
    }
    writeIfChanged(file, bootId + '\n');
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * @typedef {{ CONTAINERS_CONF: string, CONTAINERS_STORAGE_CONF: string, CONTAINERS_REGISTRIES_CONF: string,
 *   BUILDAH_ISOLATION: string, BUILDAH_FORMAT: string, TMPDIR: string, DOCKER_HOST: string,
 *   DOCKER_CONFIG: string }} EngineEnv
 */

/** @type {EngineEnv | undefined} */
let envCache;

/**
 * Environment variables that make buildah and podman work on these machines. Merge them into the
 * environment of any child process that runs `podman`/`buildah` (including `make docker-build
 * DOCKER=podman`): `{ ...process.env, ...engineEnv() }`. Writes the referenced config files on
 * first call (idempotent, atomic; safe with concurrent processes).
 *
 * - CONTAINERS_CONF: runc, cgroupfs, file events logger, default ulimits nofile=20000:20000 and
 *   nproc=4096:4096, libpod tmp dir inside {@link E2E_ROOT}, pull_policy "never" (`podman run`
 *   and `create` never try a registry; `podman build` ignores that setting and tries to pull a
 *   missing `FROM` image, which fails at once here with "no such host").
 * - CONTAINERS_STORAGE_CONF: overlay driver, graphroot and runroot inside {@link E2E_ROOT}.
 * - CONTAINERS_REGISTRIES_CONF: unqualified names resolve through docker.io, so
 *   `FROM golang:1.23-alpine` finds `docker.io/library/golang:1.23-alpine` in local storage.
 * - BUILDAH_ISOLATION=chroot.
 * - BUILDAH_FORMAT=docker: keeps HEALTHCHECK. Verified to be honoured by plain `podman build`
 *   (podman 4.3.1) as well as `buildah bud`; without it podman warns "HEALTHCHECK is not
 *   supported for OCI image format and will be ignored".
 * - TMPDIR: inside {@link E2E_ROOT}; buildah keeps `RUN --mount=type=cache` directories under
 *   $TMPDIR/buildah-cache, so every build shares (and {@link warmBuilder} warms) the same caches.
 * - DOCKER_HOST, DOCKER_CONFIG: the docker CLI talks to the suite's own dockerd (never a system
 *   daemon) and finds the buildx and compose plugins built for it (engine/docker/).
 *
 * @returns {EngineEnv} a fresh copy; does not include process.env.
 */
export function engineEnv() {
  if (!envCache) {
    for (const d of Object.values(DIRS)) fs.mkdirSync(d, { recursive: true });
    fs.chmodSync(DIRS.tmp, 0o1777);
    resetRunStateAfterReboot();
    const containersConf = path.join(DIRS.conf, 'containers.conf');
    const storageConf = path.join(DIRS.conf, 'storage.conf');
    const registriesConf = path.join(DIRS.conf, 'registries.conf');
    writeIfChanged(
      containersConf,
      `# generated by engine/config.mjs
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
pull_policy = "never"
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = ${toml(path.join(DIRS.events, 'events.log'))}
tmp_dir = ${toml(DIRS.libpodTmp)}
image_copy_tmp_dir = ${toml(DIRS.tmp)}
`,
    );
    writeIfChanged(
      storageConf,
      `# generated by engine/config.mjs
[storage]
driver = "overlay"
graphroot = ${toml(DIRS.graphroot)}
runroot = ${toml(DIRS.runroot)}

[storage.options.overlay]
mountopt = "nodev"
`,
    );
    writeIfChanged(
      registriesConf,
      `# generated by engine/config.mjs
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
`,
    );
    envCache = {
      CONTAINERS_CONF: containersConf,
      CONTAINERS_STORAGE_CONF: storageConf,
      CONTAINERS_REGISTRIES_CONF: registriesConf,
      BUILDAH_ISOLATION: 'chroot',
      BUILDAH_FORMAT: 'docker',
      TMPDIR: DIRS.tmp,
      DOCKER_HOST: `unix://${DOCKER_SOCK}`,
      DOCKER_CONFIG,
    };
  }
  return { ...envCache };
}
