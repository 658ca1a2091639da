// Stand-in recipes: base images cannot be pulled here, so local stand-ins are built from the
// host's files (busybox, a Go toolchain, the CA bundle, tzdata), tagged with the exact names a
// Dockerfile `FROM` resolves to. A recipe fills a root folder and adds Dockerfile instructions;
// standins.mjs builds it.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { errCode } from './config.mjs';
import { exec } from './exec.mjs';
import { MUSL_ARCH, debVersion, unpackDeb } from './foreign.mjs';
import { fileFingerprint } from './store.mjs';

/** Bump when a recipe changes in a way the input hashes do not capture. */
export const RECIPE_VERSION = 5;

const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const BUSYBOX = '/usr/bin/busybox';
const ZONEINFO = '/usr/share/zoneinfo';
const STD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
// The host's C toolchain for cgo stand-ins (Debian: gcc, musl-tools).
const GCC = '/usr/bin/gcc';
const MUSL_LDSO = '/lib/ld-musl-x86_64.so.1';
const MUSL_LIB = '/usr/lib/x86_64-linux-musl';
const MUSL_INCLUDE = '/usr/include/x86_64-linux-musl';
const MUSL_SPECS = `${MUSL_LIB}/musl-gcc.specs`;

/**
 * @typedef {object} StandInRecipe
 * @property {string} tag the fully qualified name the image is tagged with
 * @property {(root: string, ctx: string) => Promise<void>} fill populates `root` (copied to `/`
 *   by `COPY rootfs/ /`); may add more to the build context `ctx` for `config` to COPY
 * @property {string[]} config Dockerfile instructions after `COPY rootfs/ /` (a COPY from the
 *   context makes everything root-owned but keeps modes)
 * @property {unknown} inputs anything whose change must rebuild the image
 * @property {string} [platform] e.g. 'linux/arm64' for another architecture; the host's when absent
 */

/**
 * busybox at /bin/busybox, every applet as a symlink to it. The applet list is the host's busybox's:
 * `binary` (another architecture's build of the same Debian package) cannot run here.
 * @param {string} root @param {string} [binary]
 */
async function addBusybox(root, binary = BUSYBOX) {
  await fsp.mkdir(path.join(root, 'bin'), { recursive: true });
  await fsp.copyFile(binary, path.join(root, 'bin/busybox'));
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
 * CA bundle, passwd, group, /tmp (1777), more empty dirs, optionally busybox (the host's, or the
 * binary named).
 * @param {string} root
 * @param {{ passwd: string, group: string, busybox: boolean | string, extraDirs?: string[] }} o
 */
async function addBase(root, { passwd, group, busybox, extraDirs = [] }) {
  for (const d of ['etc/ssl/certs', 'tmp', ...extraDirs]) await fsp.mkdir(path.join(root, d), { recursive: true });
  await fsp.chmod(path.join(root, 'tmp'), 0o1777);
  await fsp.copyFile(CA_BUNDLE, path.join(root, 'etc/ssl/certs/ca-certificates.crt'));
  await fsp.writeFile(path.join(root, 'etc/passwd'), passwd);
  await fsp.writeFile(path.join(root, 'etc/group'), group);
  if (busybox) await addBusybox(root, typeof busybox === 'string' ? busybox : BUSYBOX);
}

/**
 * Why the host cannot give the stand-ins a C toolchain that links musl, or '' when it can.
 * @returns {string}
 */
export function cToolchainMissing() {
  const need = [
    [GCC, 'gcc'],
    [MUSL_SPECS, 'musl-tools (musl-gcc.specs)'],
    [MUSL_LDSO, 'musl (ld-musl-x86_64.so.1)'],
  ];
  return need
    .filter(([f]) => !fs.existsSync(/** @type {string} */ (f)))
    .map(([, what]) => what)
    .join(', ');
}

/** Fingerprints of the host's gcc and musl, or false without them. */
const cToolchainInputs = () =>
  !cToolchainMissing() && {
    gcc: fileFingerprint(fs.realpathSync(GCC)),
    musl: fileFingerprint(fs.realpathSync(MUSL_LDSO)),
    specs: fileFingerprint(MUSL_SPECS),
  };

/** Copies host paths (files or folders, symlinks followed) into `root` at the same paths. @param {string} root @param {string[]} paths */
async function copyHostPaths(root, paths) {
  // Hard links (-l) make this instant; fall back to a real copy across file systems.
  const r = await exec('cp', ['-rLl', '--parents', ...paths, root + '/'], { allowFail: true });
  if (r.code !== 0) await exec('cp', ['-rL', '--parents', '-f', ...paths, root + '/']);
}

/**
 * musl as alpine has it: the libc that is also the dynamic linker, /lib/ld-musl-x86_64.so.1, and
 * its other name /lib/libc.musl-x86_64.so.1. Added only when the host has musl.
 * @param {string} root
 */
async function addMusl(root) {
  if (!fs.existsSync(MUSL_LDSO)) return;
  await fsp.mkdir(path.join(root, 'lib'), { recursive: true });
  await fsp.copyFile(fs.realpathSync(MUSL_LDSO), path.join(root, MUSL_LDSO));
  await fsp.chmod(path.join(root, MUSL_LDSO), 0o755);
  await fsp.symlink('ld-musl-x86_64.so.1', path.join(root, 'lib/libc.musl-x86_64.so.1'));
}

/**
 * The C toolchain behind the builder stand-in's `apk add gcc musl-dev`: the host's Debian gcc
 * (driver, cc1, collect2, binutils' as and ld, the glibc libraries they load), musl's headers,
 * crt files and libc from musl-tools, and /usr/libexec/standin-apk/gcc, a wrapper that runs gcc
 * with musl-gcc's specs, so everything it compiles and links targets musl as alpine's gcc does.
 * Nothing is on PATH until `apk add gcc` links gcc, cc, as and ld into /usr/bin.
 * @param {string} root
 */
async function addCToolchain(root) {
  const gccDir = path.dirname((await exec(GCC, ['-print-libgcc-file-name'])).stdout.trim());
  const driver = fs.realpathSync(GCC);
  const as = fs.realpathSync('/usr/bin/as');
  const ld = fs.realpathSync('/usr/bin/ld');
  const elves = [
    driver,
    as,
    ld,
    ...['cc1', 'collect2', 'lto-wrapper', 'liblto_plugin.so'].map((f) => path.join(gccDir, f)),
  ];
  const support = ['libgcc.a', 'libgcc_eh.a', 'crtbeginS.o', 'crtendS.o', 'crtbegin.o', 'crtend.o', 'crtbeginT.o']
    .map((f) => path.join(gccDir, f))
    .filter((f) => fs.existsSync(f));
  // The libraries the ELF files load, and the glibc dynamic linker (the line without "=>").
  /** @type {Set<string>} */
  const libs = new Set();
  for (const f of elves) {
    for (const line of (await exec('ldd', [f])).stdout.split('\n')) {
      const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
      if (m?.[1]) libs.add(m[1]);
    }
  }
  await copyHostPaths(root, [...elves, ...support, path.join(gccDir, 'include'), MUSL_LIB, MUSL_INCLUDE, ...libs]);
  const wrapper = path.join(root, 'usr/libexec/standin-apk/gcc');
  await fsp.mkdir(path.dirname(wrapper), { recursive: true });
  await fsp.writeFile(wrapper, `#!/bin/sh\nexec ${driver} "$@" -specs ${MUSL_SPECS}\n`, { mode: 0o755 });
  await fsp.symlink(as, path.join(path.dirname(wrapper), 'as'));
  await fsp.symlink(ld, path.join(path.dirname(wrapper), 'ld'));
}

/**
 * /sbin/apk of the builder stand-in (real alpine has apk; nothing can be fetched here): `apk add`
 * with packages this stand-in provides (`provides`) makes them usable, anything else fails with a
 * line naming the package; options such as --no-cache are accepted and ignored.
 * @param {string} root @param {string[]} provides @param {string} why what is missing, when nothing is provided
 */
async function addApkShim(root, provides, why) {
  const cases = provides.includes('gcc')
    ? [
        '    gcc) for t in gcc as ld; do ln -sf /usr/libexec/standin-apk/$t /usr/bin/$t; done',
        '         ln -sf /usr/libexec/standin-apk/gcc /usr/bin/cc ;;',
        '    musl-dev) ;; # headers, crt files and libc are in place with the toolchain',
      ]
    : [];
  const script = [
    '#!/bin/sh',
    '# apk of the e2e stand-in image: installs only what the stand-in carries, fetches nothing.',
    `provides='${provides.join(' ')}'`,
    'if [ "$1" != add ]; then echo "apk (e2e stand-in): only \'apk add\' is supported" >&2; exit 1; fi',
    'shift',
    'for p in "$@"; do',
    '  case "$p" in',
    '    -*) ;;',
    ...cases,
    `    *) echo "apk (e2e stand-in): package '$p' is not in this stand-in (it provides: \${provides:-nothing${why ? `; the host lacked ${why}` : ''}})" >&2; exit 1 ;;`,
    '  esac',
    'done',
    '',
  ].join('\n');
  await fsp.mkdir(path.join(root, 'sbin'), { recursive: true });
  await fsp.writeFile(path.join(root, 'sbin/apk'), script, { mode: 0o755 });
}

/**
 * @typedef {object} GoBuilderSpec
 * @property {string} goVersion e.g. '1.23' (the image is tagged golang:<goVersion>-alpine)
 * @property {string} goroot a host GOROOT of that version, e.g. '/usr/lib/go-1.23'
 */

/** @param {GoBuilderSpec} b @returns {StandInRecipe} */
export function goBuilderRecipe({ goVersion, goroot }) {
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
      c: cToolchainInputs(),
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
      await addMusl(root);
      const missingC = cToolchainMissing();
      if (!missingC) await addCToolchain(root);
      await addApkShim(root, missingC ? [] : ['gcc', 'musl-dev'], missingC);
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

/**
 * musl of another architecture, from Debian's musl:ARCH, as alpine has it (see addMusl).
 * @param {string} root @param {string} debs the unpacked .debs @param {string} arch
 */
async function addForeignMusl(root, debs, arch) {
  const m = MUSL_ARCH[arch];
  await fsp.mkdir(path.join(root, 'lib'), { recursive: true });
  await fsp.copyFile(path.join(debs, `lib/${m}-linux-musl/libc.so`), path.join(root, `lib/ld-musl-${m}.so.1`));
  await fsp.chmod(path.join(root, `lib/ld-musl-${m}.so.1`), 0o755);
  await fsp.symlink(`ld-musl-${m}.so.1`, path.join(root, `lib/libc.musl-${m}.so.1`));
}

/**
 * @param {string} tag @param {string} version e.g. '3.24'
 * @param {string} [arch] another architecture (busybox and musl from its Debian packages)
 * @returns {StandInRecipe}
 */
function alpineRecipe(tag, version, arch) {
  return {
    tag,
    platform: arch && `linux/${arch}`,
    inputs: {
      busybox: arch ? debVersion('busybox-static', arch) : fileFingerprint(BUSYBOX),
      ca: fileFingerprint(CA_BUNDLE),
      musl: arch ? debVersion('musl', arch) : fs.existsSync(MUSL_LDSO) && fileFingerprint(fs.realpathSync(MUSL_LDSO)),
      version,
      arch,
    },
    config: [`ENV PATH=${STD_PATH}`, 'CMD ["/bin/sh"]'],
    async fill(root, ctx) {
      const debs = path.join(ctx, 'debs');
      if (arch) for (const p of ['busybox-static', 'musl']) await unpackDeb(p, arch, debs);
      await addBase(root, {
        passwd:
          'root:x:0:0:root:/root:/bin/sh\n' +
          'nobody:x:65534:65534:nobody:/:/sbin/nologin\n' +
          'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
        group: 'root:x:0:root\nnobody:x:65534:\nnonroot:x:65532:\n',
        busybox: arch ? path.join(debs, 'bin/busybox') : true,
        extraDirs: ['root', 'home', 'var/tmp', 'etc/apk'],
      });
      await (arch ? addForeignMusl(root, debs, arch) : addMusl(root));
      await fsp.writeFile(path.join(root, 'etc/alpine-release'), `${version}.0\n`);
      await fsp.writeFile(
        path.join(root, 'etc/os-release'),
        `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=${version}.0\n` +
          `PRETTY_NAME="Alpine Linux v${version} (e2e stand-in: busybox and musl, no apk)"\n`,
      );
    },
  };
}

/**
 * @param {string} tag @param {boolean} nonroot
 * @param {string} [arch] another architecture: the same files (none is a program), its platform
 * @returns {StandInRecipe}
 */
function distrolessStaticRecipe(tag, nonroot, arch) {
  return {
    tag,
    platform: arch && `linux/${arch}`,
    inputs: { ca: fileFingerprint(CA_BUNDLE), tz: fs.existsSync(ZONEINFO) && fileFingerprint(ZONEINFO), nonroot, arch },
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

/** @param {string} tag @param {string} full @param {string} [arch] @returns {StandInRecipe} */
function distrolessStaticRecipeFor(tag, full, arch) {
  if (!['nonroot', 'latest'].includes(tag))
    throw new Error(`the distroless static stand-in supports the tags nonroot and latest, got ${JSON.stringify(tag)}`);
  return distrolessStaticRecipe(full, tag === 'nonroot', arch);
}

/**
 * Known final (runtime) base images, keyed by `registry/repository`. `arch`: another
 * architecture than the host's; `full` is then the stand-in's own tag.
 * @type {Record<string, (tag: string, full: string, arch?: string) => StandInRecipe>}
 */
export const FINAL_RECIPES = {
  'docker.io/library/alpine': (tag, full, arch) => {
    const v = /^\d+\.\d+/.exec(tag)?.[0];
    if (!v) throw new Error(`the alpine stand-in needs a version tag like 3.24, got ${JSON.stringify(tag)}`);
    return alpineRecipe(full, v, arch);
  },
  'gcr.io/distroless/static-debian13': distrolessStaticRecipeFor,
  'gcr.io/distroless/static': distrolessStaticRecipeFor,
};
