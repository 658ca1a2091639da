// Container-engine layer of the end-to-end harness.
//
// Machines running these tests have no Docker daemon, no registry access and no systemd; the
// Debian packages buildah 1.28 / podman 4.3 work only with a handful of settings (runc instead of
// crun, lower default ulimits, storage chosen through a config file, docker image format so that
// HEALTHCHECK survives). `engineEnv()` produces those settings as plain environment variables so
// any child process (e.g. `make docker-build DOCKER=podman`) can use plain `podman build/run`.
// Base images cannot be pulled, so `ensureStandIns()` builds local stand-ins tagged with the exact
// names a Dockerfile `FROM` resolves to. Everything else is a thin, throwing wrapper around the CLI.
//
// No dependencies beyond node built-ins. Self-test: node --test test/e2e/engine.selftest.mjs

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The one shared, persistent folder holding the image store (graphroot), the run state
 * (runroot), the generated config files, buildah's cache mounts (through TMPDIR), stamps and
 * locks. Override with GO_MINIMAL_E2E_ROOT (read at import time).
 * @type {string}
 */
export const E2E_ROOT = path.resolve(process.env.GO_MINIMAL_E2E_ROOT ?? '/var/tmp/go-minimal-e2e');

const DIRS = {
  conf: path.join(E2E_ROOT, 'conf'),
  graphroot: path.join(E2E_ROOT, 'storage'),
  runroot: path.join(E2E_ROOT, 'run'),
  libpodTmp: path.join(E2E_ROOT, 'libpod-tmp'),
  tmp: path.join(E2E_ROOT, 'tmp'),
  events: path.join(E2E_ROOT, 'events'),
  stamps: path.join(E2E_ROOT, 'stamps'),
  locks: path.join(E2E_ROOT, 'locks'),
};

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
const RECIPE_VERSION = 4;

/** @param {string} s @returns {string} a TOML basic string (JSON's escaping is valid TOML) */
const toml = (s) => JSON.stringify(s);

/** @param {unknown} e @returns {string | undefined} */
const errCode = (e) => /** @type {NodeJS.ErrnoException} */ (e)?.code;

/**
 * Writes a file atomically (temp + rename) unless it already has this content.
 * @param {string} file
 * @param {string} content
 */
function writeIfChanged(file, content) {
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

/** @type {Record<string, string> | undefined} */
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
 *
 * @returns {Record<string, string>} a fresh copy; does not include process.env.
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
      `# generated by test/e2e/engine.mjs
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
      `# generated by test/e2e/engine.mjs
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
      `# generated by test/e2e/engine.mjs
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
    };
  }
  return { ...envCache };
}

// ---------------------------------------------------------------------------------------------
// Process helper

/** @param {string} a @returns {string} */
const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/**
 * @typedef {object} ExecResult
 * @property {number} code exit code (128+n when killed by signal n)
 * @property {string} stdout
 * @property {string} stderr
 * @property {string} all stdout and stderr interleaved in arrival order
 * @property {string} cmdline the command line, shell-quoted
 */

/**
 * @typedef {object} ExecOptions
 * @property {Record<string, string>} [env] added on top of process.env and engineEnv()
 * @property {string} [cwd]
 * @property {string | Buffer} [input] written to stdin
 * @property {number} [timeoutMs] default 10 minutes; the child is SIGKILLed after it
 * @property {boolean} [allowFail] resolve with the result instead of throwing on a non-zero exit
 */

/**
 * Runs a command (no shell) with the engine environment merged in. Throws an Error whose message
 * holds the command line and its combined output when it fails.
 * @param {string} cmd
 * @param {string[]} args
 * @param {ExecOptions} [opts]
 * @returns {Promise<ExecResult>}
 */
export function exec(cmd, args, opts = {}) {
  const { env, cwd, input, timeoutMs = 10 * 60_000, allowFail = false } = opts;
  const cmdline = [cmd, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...engineEnv(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    /** @type {Buffer[]} */ const out = [];
    /** @type {Buffer[]} */ const err = [];
    /** @type {Buffer[]} */ const all = [];
    child.stdout.on('data', (/** @type {Buffer} */ b) => (out.push(b), all.push(b)));
    child.stderr.on('data', (/** @type {Buffer} */ b) => (err.push(b), all.push(b)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run: ${cmdline}\n${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      /** @type {ExecResult} */
      const res = {
        code: code ?? 128 + (signal ? os.constants.signals[signal] : 0),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        all: Buffer.concat(all).toString(),
        cmdline,
      };
      if (timedOut) reject(new Error(`timed out after ${timeoutMs} ms: ${cmdline}\n${res.all}`));
      else if (res.code !== 0 && !allowFail)
        reject(new Error(`command failed (exit ${res.code}): ${cmdline}\n${res.all}`));
      else resolve(res);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

// ---------------------------------------------------------------------------------------------
// Engine detection

/**
 * @typedef {{ ok: true, kind: 'docker' | 'podman' } | { ok: false, reason: string }} EngineDetection
 */

/** @type {Promise<EngineDetection> | undefined} */
let detectPromise;

/**
 * Detects a usable container engine (cached per process). Docker only when `docker info`
 * reaches a daemon; otherwise podman + buildah + runc when present and a smoke test passes
 * (`podman info` on the configured overlay store, `buildah from scratch` + `buildah rm`).
 * GO_MINIMAL_E2E_ENGINE=podman skips the docker probe; =docker requires docker.
 * @returns {Promise<EngineDetection>}
 */
export function detectEngine() {
  detectPromise ??= (async () => {
    const forced = process.env.GO_MINIMAL_E2E_ENGINE;
    if (forced !== 'podman') {
      const d = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], {
        allowFail: true,
        timeoutMs: 15_000,
      }).catch(() => null);
      if (d && d.code === 0 && d.stdout.trim()) return { ok: true, kind: 'docker' };
      if (forced === 'docker')
        return {
          ok: false,
          reason: `GO_MINIMAL_E2E_ENGINE=docker but \`docker info\` failed: ${d?.all.trim() ?? 'no docker CLI'}`,
        };
    }
    const missing = [];
    for (const tool of ['podman', 'buildah', 'runc']) {
      const r = await exec(tool, ['--version'], { allowFail: true, timeoutMs: 15_000 }).catch(() => null);
      if (!r || r.code !== 0) missing.push(tool);
    }
    if (missing.length)
      return {
        ok: false,
        reason:
          `no Docker daemon answered \`docker info\`, and ${missing.join(', ')} ` +
          `${missing.length > 1 ? 'are' : 'is'} missing (apt-get install podman buildah runc uidmap)`,
      };
    try {
      const info = await exec('podman', ['info', '--format', 'json'], { timeoutMs: 60_000 });
      const driver = JSON.parse(info.stdout).store?.graphDriverName;
      if (driver !== 'overlay') return { ok: false, reason: `podman storage driver is ${driver}, expected overlay` };
      const ctr = (await exec('buildah', ['from', '--pull-never', 'scratch'], { timeoutMs: 60_000 })).stdout.trim();
      await exec('buildah', ['rm', ctr], { timeoutMs: 60_000 });
    } catch (e) {
      return { ok: false, reason: `podman/buildah smoke test failed: ${/** @type {Error} */ (e).message}` };
    }
    return { ok: true, kind: 'podman' };
  })();
  return detectPromise;
}

/** @returns {Promise<'docker' | 'podman'>} */
async function cli() {
  const d = await detectEngine();
  if (!d.ok) throw new Error(`no usable container engine: ${d.reason}`);
  return d.kind;
}

/**
 * Runs the detected engine CLI (`podman` or `docker`) with the engine environment.
 * @param {string[]} args
 * @param {ExecOptions} [opts]
 * @returns {Promise<ExecResult>}
 */
export async function engine(args, opts) {
  return exec(await cli(), args, opts);
}

// ---------------------------------------------------------------------------------------------
// Locks and stamps (several test processes may share the store)

/**
 * Runs fn holding an inter-process lock (a directory with the holder's pid; stale locks of dead
 * processes are broken).
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} fn
 * @param {{ timeoutMs?: number }} [o]
 * @returns {Promise<T>}
 */
async function withLock(name, fn, { timeoutMs = 15 * 60_000 } = {}) {
  engineEnv();
  const dir = path.join(DIRS.locks, `${name.replace(/[^\w.-]+/g, '_')}.lock`);
  const start = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
      let stale = false;
      try {
        const pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
        process.kill(pid, 0); // throws ESRCH when the holder is gone
      } catch (k) {
        if (errCode(k) === 'ESRCH') stale = true;
        else if (errCode(k) === 'ENOENT') {
          // created but no pid yet: normal for a few ms; stale if it stays that way
          try {
            stale = Date.now() - fs.statSync(dir).mtimeMs > 30_000;
          } catch {
            /* vanished: retry */
          }
        }
      }
      if (stale) fs.rmSync(dir, { recursive: true, force: true });
      else if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for lock ${dir}`, { cause: e });
      else await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {string} key */
const stampFile = (key) => path.join(DIRS.stamps, `${key.replace(/[^\w.-]+/g, '_')}.json`);

/** @param {string} key @returns {Record<string, any> | null} */
const readStamp = (key) => {
  try {
    return JSON.parse(fs.readFileSync(stampFile(key), 'utf8'));
  } catch {
    return null;
  }
};

/** @param {string} key @param {object} value */
const writeStamp = (key, value) => writeIfChanged(stampFile(key), JSON.stringify(value, null, 2) + '\n');

/** @param {string} ref @returns {Promise<string | null>} image id, or null when absent */
async function imageId(ref) {
  const r = await engine(['image', 'inspect', '--format', '{{.Id}}', ref], { allowFail: true });
  return r.code === 0 ? r.stdout.trim().replace(/^sha256:/, '') : null;
}

/** @param {...unknown} parts @returns {string} */
const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : JSON.stringify(p)).update('\0');
  return h.digest('hex');
};

/** @param {string} f @returns {string} cheap identity of a host file (path, size, mtime) */
const fileFingerprint = (f) => {
  const st = fs.statSync(f);
  return `${f}:${st.size}:${st.mtimeMs}`;
};

// ---------------------------------------------------------------------------------------------
// Stand-in images

const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const BUSYBOX = '/usr/bin/busybox';
const ZONEINFO = '/usr/share/zoneinfo';
const STD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * @typedef {object} StandInRecipe
 * @property {string} tag the fully qualified name the image is tagged with
 * @property {(root: string, ctx: string) => Promise<void>} fill populates `root` (copied to `/`
 *   by `COPY rootfs/ /`); may add more to the build context `ctx` for `config` to COPY
 * @property {string[]} config Dockerfile instructions after `COPY rootfs/ /` (a COPY from the
 *   context makes everything root-owned but keeps modes)
 * @property {unknown} inputs anything whose change must rebuild the image
 */

/** @typedef {{ ref: string, built: boolean, ms: number }} StandInResult */

/** @param {string} root busybox at /bin/busybox, every applet as a symlink to it */
async function addBusybox(root) {
  await fsp.mkdir(path.join(root, 'bin'), { recursive: true });
  await fsp.copyFile(BUSYBOX, path.join(root, 'bin/busybox'));
  await fsp.chmod(path.join(root, 'bin/busybox'), 0o755);
  const list = (await exec(BUSYBOX, ['--list-full'])).stdout.split('\n').filter(Boolean);
  for (const rel of list) {
    if (rel === 'linuxrc' || rel === 'bin/busybox') continue;
    const dest = path.join(root, rel);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    await fsp.symlink('/bin/busybox', dest).catch((e) => {
      if (errCode(e) !== 'EEXIST') throw e;
    });
  }
}

/**
 * CA bundle, passwd, group, /tmp (1777), more empty dirs, optionally busybox.
 * @param {string} root
 * @param {{ passwd: string, group: string, busybox: boolean, extraDirs?: string[] }} o
 */
async function addBase(root, { passwd, group, busybox, extraDirs = [] }) {
  for (const d of ['etc/ssl/certs', 'tmp', ...extraDirs]) await fsp.mkdir(path.join(root, d), { recursive: true });
  await fsp.chmod(path.join(root, 'tmp'), 0o1777);
  await fsp.copyFile(CA_BUNDLE, path.join(root, 'etc/ssl/certs/ca-certificates.crt'));
  await fsp.writeFile(path.join(root, 'etc/passwd'), passwd);
  await fsp.writeFile(path.join(root, 'etc/group'), group);
  if (busybox) await addBusybox(root);
}

/**
 * @typedef {object} GoBuilderSpec
 * @property {string} goVersion e.g. '1.23' (the image is tagged golang:<goVersion>-alpine)
 * @property {string} goroot a host GOROOT of that version, e.g. '/usr/lib/go-1.23'
 */

/** @param {GoBuilderSpec} b @returns {StandInRecipe} */
function goBuilderRecipe({ goVersion, goroot }) {
  if (!/^\d+\.\d+(\.\d+)?$/.test(goVersion)) throw new Error(`bad goVersion ${JSON.stringify(goVersion)}`);
  const gobin = path.join(goroot, 'bin/go');
  if (!fs.existsSync(gobin)) throw new Error(`no Go toolchain at ${goroot} (missing ${gobin}) for Go ${goVersion}`);
  const fullVersion = (fs.readFileSync(path.join(goroot, 'VERSION'), 'utf8').split('\n')[0] ?? '').trim(); // go1.23.5
  if (!fullVersion.startsWith(`go${goVersion}`)) throw new Error(`${goroot} holds ${fullVersion}, not Go ${goVersion}`);
  return {
    tag: `docker.io/library/golang:${goVersion}-alpine`,
    inputs: {
      fullVersion,
      go: fileFingerprint(gobin),
      busybox: fileFingerprint(BUSYBOX),
      ca: fileFingerprint(CA_BUNDLE),
    },
    config: [
      `ENV PATH=/go/bin:/usr/local/go/bin:${STD_PATH}`,
      `ENV GOLANG_VERSION=${fullVersion.replace(/^go/, '')}`,
      'ENV GOPATH=/go',
      'ENV GOTOOLCHAIN=local',
      'WORKDIR /go',
      'CMD ["/bin/sh"]',
    ],
    async fill(root) {
      await addBase(root, {
        passwd: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n',
        group: 'root:x:0:root\nnobody:x:65534:\n',
        busybox: true,
        extraDirs: ['root', 'go/bin', 'go/src', 'usr/local'],
      });
      for (const d of ['go', 'go/bin', 'go/src']) await fsp.chmod(path.join(root, d), 0o1777); // as upstream
      // Debian's GOROOT links into /usr/share/go-X (src, misc, pkg/include, …): dereference (-L).
      // Hard links (-l) make this instant; fall back to a real copy across file systems.
      // test/ and api/ are not needed to build.
      const dest = path.join(root, 'usr/local/go');
      await fsp.mkdir(dest);
      const srcs = (await fsp.readdir(goroot))
        .filter((e) => !['test', 'api'].includes(e))
        .map((e) => path.join(goroot, e));
      const r = await exec('cp', ['-rLl', ...srcs, dest + '/'], { allowFail: true });
      if (r.code !== 0) {
        await fsp.rm(dest, { recursive: true, force: true });
        await fsp.mkdir(dest);
        await exec('cp', ['-rL', ...srcs, dest + '/']);
      }
    },
  };
}

/** @param {string} tag @param {string} version e.g. '3.24' @returns {StandInRecipe} */
function alpineRecipe(tag, version) {
  return {
    tag,
    inputs: { busybox: fileFingerprint(BUSYBOX), ca: fileFingerprint(CA_BUNDLE), version },
    config: [`ENV PATH=${STD_PATH}`, 'CMD ["/bin/sh"]'],
    async fill(root) {
      await addBase(root, {
        passwd:
          'root:x:0:0:root:/root:/bin/sh\n' +
          'nobody:x:65534:65534:nobody:/:/sbin/nologin\n' +
          'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
        group: 'root:x:0:root\nnobody:x:65534:\nnonroot:x:65532:\n',
        busybox: true,
        extraDirs: ['root', 'home', 'var/tmp', 'etc/apk'],
      });
      await fsp.writeFile(path.join(root, 'etc/alpine-release'), `${version}.0\n`);
      await fsp.writeFile(
        path.join(root, 'etc/os-release'),
        `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=${version}.0\n` +
          `PRETTY_NAME="Alpine Linux v${version} (e2e stand-in: busybox only, no apk)"\n`,
      );
    },
  };
}

/** @param {string} tag @param {boolean} nonroot @returns {StandInRecipe} */
function distrolessStaticRecipe(tag, nonroot) {
  return {
    tag,
    inputs: { ca: fileFingerprint(CA_BUNDLE), tz: fs.existsSync(ZONEINFO) && fileFingerprint(ZONEINFO), nonroot },
    config: [
      `ENV PATH=${STD_PATH}`,
      'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
      // /home/nonroot owned by 65532 with mode 0700, as in distroless (the mode comes from the source)
      'COPY --chown=65532:65532 nonroot-home/ /home/',
      ...(nonroot ? ['USER 65532:65532', 'WORKDIR /home/nonroot'] : []),
    ],
    async fill(root, ctx) {
      await addBase(root, {
        passwd:
          'root:x:0:0:root:/root:/sbin/nologin\n' +
          'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' +
          'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
        group: 'root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n',
        busybox: false,
        extraDirs: ['root', 'home'],
      });
      await fsp.chmod(path.join(root, 'root'), 0o700);
      if (fs.existsSync(ZONEINFO)) {
        // distroless static ships tzdata: time.LoadLocation works without importing time/tzdata
        await fsp.mkdir(path.join(root, 'usr/share'), { recursive: true });
        await exec('cp', ['-a', ZONEINFO, path.join(root, 'usr/share/')]);
      }
      await fsp.mkdir(path.join(ctx, 'nonroot-home/nonroot'), { recursive: true });
      await fsp.chmod(path.join(ctx, 'nonroot-home/nonroot'), 0o700);
      await fsp.writeFile(
        path.join(root, 'etc/os-release'),
        'PRETTY_NAME="Distroless (e2e stand-in)"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="13"\n' +
          'HOME_URL="https://github.com/GoogleContainerTools/distroless"\n',
      );
      await fsp.writeFile(path.join(root, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
    },
  };
}

/**
 * Splits an image reference into its fully qualified form (docker.io rules) and parts.
 * A digest (`@sha256:…`) is dropped: stand-ins cannot match real digests.
 * @param {string} ref e.g. 'alpine:3.24', 'gcr.io/distroless/static-debian13:nonroot'
 * @returns {{ full: string, registry: string, repository: string, tag: string }}
 */
export function normalizeRef(ref) {
  let rest = ref.split('@')[0] ?? ref;
  let tag = 'latest';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split('/')[0] ?? '';
  let registry = 'docker.io';
  if (rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    rest = rest.slice(first.length + 1);
  } else if (!rest.includes('/')) rest = `library/${rest}`;
  return { full: `${registry}/${rest}:${tag}`, registry, repository: rest, tag };
}

/** @param {string} tag @param {string} full @returns {StandInRecipe} */
function distrolessStaticRecipeFor(tag, full) {
  if (!['nonroot', 'latest'].includes(tag))
    throw new Error(`the distroless static stand-in supports the tags nonroot and latest, got ${JSON.stringify(tag)}`);
  return distrolessStaticRecipe(full, tag === 'nonroot');
}

/**
 * Known final (runtime) base images, keyed by `registry/repository`.
 * @type {Record<string, (tag: string, full: string) => StandInRecipe>}
 */
const FINAL_RECIPES = {
  'docker.io/library/alpine': (tag, full) => {
    const v = /^\d+\.\d+/.exec(tag)?.[0];
    if (!v) throw new Error(`the alpine stand-in needs a version tag like 3.24, got ${JSON.stringify(tag)}`);
    return alpineRecipe(full, v);
  },
  'gcr.io/distroless/static-debian13': distrolessStaticRecipeFor,
  'gcr.io/distroless/static': distrolessStaticRecipeFor,
};

/** @param {StandInRecipe} recipe @returns {Promise<StandInResult>} */
async function ensureStandIn(recipe) {
  const t0 = Date.now();
  const hash = sha256(RECIPE_VERSION, recipe.inputs, recipe.config, recipe.fill.toString());
  const key = `standin-${recipe.tag}`;
  const fresh = async () => {
    const s = readStamp(key);
    return s?.hash === hash && !!s.id && (await imageId(recipe.tag)) === s.id;
  };
  if (await fresh()) return { ref: recipe.tag, built: false, ms: Date.now() - t0 };
  return withLock(key, async () => {
    if (await fresh()) return { ref: recipe.tag, built: false, ms: Date.now() - t0 };
    const previous = await imageId(recipe.tag);
    const ctx = await fsp.mkdtemp(path.join(DIRS.tmp, 'standin-'));
    try {
      const root = path.join(ctx, 'rootfs');
      await fsp.mkdir(root);
      await recipe.fill(root, ctx);
      await fsp.writeFile(
        path.join(ctx, 'Dockerfile'),
        ['FROM scratch', 'COPY rootfs/ /', ...recipe.config, ''].join('\n'),
      );
      const iid = path.join(ctx, 'iid');
      const args = ['build', '--iidfile', iid, '-t', recipe.tag, '-f', path.join(ctx, 'Dockerfile')];
      if ((await cli()) === 'podman') args.push('--format', 'docker', '--layers=false', '--pull=never');
      await engine([...args, ctx]);
      const id = (await fsp.readFile(iid, 'utf8')).trim().replace(/^sha256:/, '');
      writeStamp(key, { ref: recipe.tag, hash, id, builtAt: new Date().toISOString() });
      // drop the previous stand-in unless something still uses it (then rmi fails harmlessly)
      if (previous && previous !== id) await engine(['rmi', previous], { allowFail: true });
      return { ref: recipe.tag, built: true, ms: Date.now() - t0 };
    } finally {
      await fsp.rm(ctx, { recursive: true, force: true });
    }
  });
}

/**
 * Makes sure local stand-ins exist for base images that cannot be pulled, tagged with the exact
 * names a Dockerfile `FROM` resolves to. Built once per store: skipped when the stamp file in
 * `<E2E_ROOT>/stamps` records the same recipe hash and the tag still points at the same image.
 * Safe to call from several processes at once (per-image lock).
 *
 * - builders `{ goVersion: '1.23', goroot: '/usr/lib/go-1.23' }` → `docker.io/library/golang:1.23-alpine`:
 *   busybox applets, Go at /usr/local/go, CA bundle, root in passwd/group, /tmp 1777,
 *   PATH=/go/bin:/usr/local/go/bin:…, GOPATH=/go, GOTOOLCHAIN=local, WORKDIR /go. No GOPROXY, as
 *   upstream: the build's GOPROXY build arg decides (an ENV would override it in every RUN).
 * - finals (full or short refs): `alpine:<x.y>` → busybox (no apk, no adduser), CA bundle,
 *   passwd/group with root, nobody, nonroot 65532; `gcr.io/distroless/static-debian13:nonroot`
 *   (and `:latest`, `gcr.io/distroless/static`) → no shell, CA bundle, tzdata, passwd/group with
 *   root, nobody, nonroot 65532, /tmp 1777, /home/nonroot, USER 65532:65532. Unknown refs throw.
 *
 * @param {{ builders?: GoBuilderSpec[], finals?: string[] }} [spec]
 * @returns {Promise<StandInResult[]>} one entry per image, in order (builders first)
 */
export async function ensureStandIns({ builders = [], finals = [] } = {}) {
  const recipes = builders.map(goBuilderRecipe);
  for (const ref of finals) {
    const n = normalizeRef(ref);
    const make = FINAL_RECIPES[`${n.registry}/${n.repository}`];
    if (!make)
      throw new Error(
        `no stand-in recipe for final image ${JSON.stringify(ref)} (resolves to ${n.full}); ` +
          `known repositories: ${Object.keys(FINAL_RECIPES).join(', ')}`,
      );
    recipes.push(make(n.tag, n.full));
  }
  await cli();
  const results = [];
  for (const r of recipes) results.push(await ensureStandIn(r)); // sequential: 2 cores, disk-bound
  return results;
}

// ---------------------------------------------------------------------------------------------
// Build cache warm-up

const WARM_MAIN_GO = `package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"
)

func main() {
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok", "n": strconv.Itoa(1)})
	})
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	_, _ = debug.ReadBuildInfo()
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error(fmt.Sprint(err))
	}
}
`;

/**
 * Pre-warms buildah's cache mounts `/go/pkg/mod` and `/root/.cache/go-build` (the targets the
 * generated Dockerfiles use; they are shared by all builds of this store) by compiling a
 * net/http + log/slog + encoding/json + os/signal program with
 * `CGO_ENABLED=0 go build -trimpath -ldflags "-s -w"` in the stand-in builder. (A GOCACHE baked
 * into the image would be hidden by the cache mount.) Skipped when already done for the same
 * builder image and the cache still exists. The builder must exist ({@link ensureStandIns}).
 * @param {string} goVersion e.g. '1.23'
 * @returns {Promise<{ warmed: boolean, ms: number }>}
 */
export async function warmBuilder(goVersion) {
  const t0 = Date.now();
  const ref = `docker.io/library/golang:${goVersion}-alpine`;
  const id = await imageId(ref);
  if (!id) throw new Error(`warmBuilder: ${ref} does not exist; call ensureStandIns({ builders }) first`);
  const key = `warm-go${goVersion}`;
  const fresh = () =>
    readStamp(key)?.id === id &&
    CACHE_MOUNT_DIRS.some((d) => fs.existsSync(path.join(d, 'root/.cache/go-build/README')));
  if (fresh()) return { warmed: false, ms: Date.now() - t0 };
  return withLock(key, async () => {
    if (fresh()) return { warmed: false, ms: Date.now() - t0 };
    const ctx = await fsp.mkdtemp(path.join(DIRS.tmp, 'warm-'));
    try {
      await fsp.writeFile(path.join(ctx, 'go.mod'), `module example.com/warm\n\ngo ${goVersion}\n`);
      await fsp.writeFile(path.join(ctx, 'main.go'), WARM_MAIN_GO);
      await fsp.writeFile(
        path.join(ctx, 'Dockerfile'),
        [
          `FROM ${ref}`,
          'WORKDIR /src',
          'COPY . .',
          'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\',
          '    CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -buildvcs=false -ldflags "-s -w" -o /tmp/app .',
          '',
        ].join('\n'),
      );
      const iid = path.join(ctx, 'iid');
      const args = ['build', '--iidfile', iid, '--no-cache'];
      if ((await cli()) === 'podman') args.push('--layers=false', '--pull=never');
      await engine([...args, ctx]);
      await engine(['rmi', (await fsp.readFile(iid, 'utf8')).trim()], { allowFail: true });
      writeStamp(key, { ref, id, warmedAt: new Date().toISOString() });
      return { warmed: true, ms: Date.now() - t0 };
    } finally {
      await fsp.rm(ctx, { recursive: true, force: true });
    }
  });
}

/**
 * Empties buildah's cache mounts (module and build caches of every builder) and forgets the
 * warm-ups, so that the next build is cold. For measurements; disturbs concurrent builds.
 * @returns {Promise<void>}
 */
export async function clearBuildCache() {
  engineEnv();
  for (const d of CACHE_MOUNT_DIRS) await fsp.rm(d, { recursive: true, force: true });
  for (const f of await fsp.readdir(DIRS.stamps))
    if (f.startsWith('warm-')) await fsp.rm(path.join(DIRS.stamps, f), { force: true });
}

// ---------------------------------------------------------------------------------------------
// Test helpers

/**
 * `podman build` (or `docker build`) of a context folder, run from inside it. No `--format` is
 * passed: the docker format comes from BUILDAH_FORMAT in {@link engineEnv}, exactly as for
 * `make docker-build DOCKER=podman`.
 * @param {{ context: string, tag: string, buildArgs?: Record<string, string | number>, file?: string, extraArgs?: string[] }} o
 * @returns {Promise<ExecResult>}
 */
export async function build({ context, tag, buildArgs = {}, file, extraArgs = [] }) {
  const args = ['build'];
  for (const [k, v] of Object.entries(buildArgs)) args.push('--build-arg', `${k}=${v}`);
  if (file) args.push('-f', file);
  args.push(...extraArgs, '-t', tag, '.');
  return engine(args, { cwd: context });
}

/**
 * Starts a detached container with `--pull=never`. Published ports bind to 127.0.0.1.
 * @param {{ image: string, name: string, env?: Record<string, string>, publish?: Record<number | string, number | string>, args?: string[], cmd?: string[] }} o
 *   publish maps host port → container port; args are extra flags placed before the image (e.g.
 *   ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges']); cmd follows it.
 * @returns {Promise<string>} the container id
 */
export async function run({ image, name, env = {}, publish = {}, args = [], cmd = [] }) {
  const a = ['run', '-d', '--pull=never', '--name', name];
  for (const [k, v] of Object.entries(env)) a.push('-e', `${k}=${v}`);
  for (const [h, c] of Object.entries(publish)) a.push('-p', `127.0.0.1:${h}:${c}`);
  a.push(...args, image, ...cmd);
  const r = await engine(a);
  return r.stdout.trim().split('\n').pop() ?? '';
}

/** @param {string[]} args @returns {Promise<any>} */
async function inspectJson(args) {
  const j = JSON.parse((await engine(args)).stdout);
  return Array.isArray(j) ? j[0] : j;
}

/**
 * `image inspect`, parsed and normalised to docker's shape: Config.User, Config.Healthcheck
 * (podman reports it only at the top level `.Healthcheck`; both are set), Config.Labels and
 * Labels, Config.Entrypoint, Config.ExposedPorts, Size (bytes), …
 * @param {string} ref
 * @returns {Promise<any>}
 */
export async function inspectImage(ref) {
  const img = await inspectJson(['image', 'inspect', ref]);
  img.Config ??= {};
  if (img.Config.Healthcheck == null && img.Healthcheck != null) img.Config.Healthcheck = img.Healthcheck;
  if (img.Healthcheck == null && img.Config.Healthcheck != null) img.Healthcheck = img.Config.Healthcheck;
  if (img.Config.Labels == null && img.Labels != null) img.Config.Labels = img.Labels;
  if (img.Labels == null && img.Config.Labels != null) img.Labels = img.Config.Labels;
  return img;
}

/**
 * `container inspect`, parsed: State.Status, State.ExitCode, State.Health, Config, HostConfig, …
 * @param {string} name
 * @returns {Promise<any>}
 */
export async function inspectContainer(name) {
  return inspectJson(['container', 'inspect', name]);
}

/**
 * Runs the container's healthcheck once, now. podman: `podman healthcheck run` (0 healthy,
 * 1 unhealthy, 125 no healthcheck / engine error). docker, which has no such command: runs the
 * HEALTHCHECK command with `docker exec`. Never throws for a failing check.
 * @param {string} name
 * @returns {Promise<number>} exit code
 */
export async function healthcheckRun(name) {
  if ((await cli()) === 'podman') return (await engine(['healthcheck', 'run', name], { allowFail: true })).code;
  const c = await inspectContainer(name);
  /** @type {string[]} */
  const test = c.Config?.Healthcheck?.Test ?? [];
  if (!test.length || test[0] === 'NONE') throw new Error(`container ${name} has no healthcheck`);
  const cmd = test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test[1] ?? ''] : test.slice(1);
  return (await engine(['exec', name, ...cmd], { allowFail: true })).code;
}

/**
 * Health status recorded by the engine: 'starting' | 'healthy' | 'unhealthy' | '' (none).
 * Without systemd podman does not schedule the periodic check (it logs "unable to get systemd
 * connection"): the status changes only through {@link healthcheckRun}.
 * @param {string} name
 * @returns {Promise<string>}
 */
export async function healthStatus(name) {
  const s = (await inspectContainer(name)).State ?? {};
  return (s.Health ?? s.Healthcheck)?.Status ?? '';
}

/**
 * Stops a container with a grace period (`stop -t seconds`: SIGTERM, SIGKILL after it).
 * @param {string} name
 * @param {number} [seconds=10]
 * @returns {Promise<number>} the container's exit code (State.ExitCode; 137 = killed)
 */
export async function stop(name, seconds = 10) {
  await engine(['stop', '-t', String(seconds), name], { timeoutMs: (seconds + 60) * 1000 });
  return (await inspectContainer(name)).State.ExitCode;
}

const ENGINE_NOISE = /^.*(unable to get systemd connection|Removing timer for container).*\n?/gm;

/**
 * The container's stdout and stderr (interleaved), minus podman's harmless systemd warnings.
 * @param {string} name
 * @returns {Promise<string>}
 */
export async function logs(name) {
  return (await engine(['logs', name])).all.replace(ENGINE_NOISE, '');
}

/**
 * Removes a container, running or not (no grace period); a missing one is ignored.
 * @param {string} name
 * @returns {Promise<void>}
 */
export async function remove(name) {
  const r = await engine(['rm', '-f', '-v', name], { allowFail: true });
  if (r.code !== 0 && !/no such container|no container with name or id/i.test(r.all))
    throw new Error(`command failed (exit ${r.code}): ${r.cmdline}\n${r.all}`);
}

/**
 * Removes an image tag (and the image with its last tag); a missing one is ignored.
 * @param {string} ref
 * @param {{ force?: boolean }} [o] force: also remove containers using it
 * @returns {Promise<void>}
 */
export async function removeImage(ref, { force = false } = {}) {
  const r = await engine(['rmi', ...(force ? ['-f'] : []), ref], { allowFail: true });
  if (r.code !== 0 && !/image not known|no such image/i.test(r.all))
    throw new Error(`command failed (exit ${r.code}): ${r.cmdline}\n${r.all}`);
}

/**
 * Every path in the image's file system (files, directories, links), absolute, sorted, without
 * '/' itself. podman: `podman image mount` + a walk (≈ 0.2 s); docker: `create` + `export` + `tar -t`.
 * @param {string} ref
 * @returns {Promise<string[]>}
 */
export async function imageFiles(ref) {
  if ((await cli()) === 'podman') {
    const mnt = (await engine(['image', 'mount', ref])).stdout.trim();
    try {
      return (await fsp.readdir(mnt, { recursive: true })).map((p) => `/${p}`).sort();
    } finally {
      await engine(['image', 'unmount', ref], { allowFail: true });
    }
  }
  const ctr = (await engine(['create', ref, 'x'])).stdout.trim();
  const tar = path.join(os.tmpdir(), `e2e-export-${process.pid}-${Date.now()}.tar`);
  try {
    await engine(['export', '-o', tar, ctr]);
    const names = (await exec('tar', ['-tf', tar])).stdout.split('\n').filter(Boolean);
    const set = new Set(names.map((n) => '/' + n.replace(/^\.?\/+/, '').replace(/\/+$/, '')));
    set.delete('/');
    return [...set].sort();
  } finally {
    await fsp.rm(tar, { force: true });
    await engine(['rm', '-f', ctr], { allowFail: true });
  }
}

/**
 * Image size in bytes as the engine reports it (uncompressed layers, `.Size`).
 * @param {string} ref
 * @returns {Promise<number>}
 */
export async function imageSize(ref) {
  return Number((await inspectImage(ref)).Size);
}

/**
 * A TCP port that is free on 127.0.0.1 right now.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls a URL until it answers with a status < 500 (or exactly `status` when given).
 * @param {string} url
 * @param {{ timeoutMs?: number, status?: number }} [o]
 * @returns {Promise<{ status: number, body: string, ms: number }>}
 */
export async function waitForHttp(url, { timeoutMs = 15_000, status } = {}) {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (status === undefined ? res.status < 500 : res.status === status)
        return { status: res.status, body, ms: Date.now() - t0 };
      last = `HTTP ${res.status}: ${body}`;
    } catch (e) {
      last = String(/** @type {Error} */ (e).cause ?? e);
    }
    await sleep(100);
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms (last: ${last})`);
}

/**
 * A container/image name unlikely to collide across concurrent test processes.
 * @param {string} [prefix='e2e']
 * @returns {string}
 */
export function uniqueName(prefix = 'e2e') {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
