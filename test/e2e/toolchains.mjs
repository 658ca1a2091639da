// The Go toolchains the e2e proof builds with: one per Go minor of the matrix. The machine's own
// Go serves its minor; the others come from the Go module proxy as `golang.org/toolchain`
// modules (what `GOTOOLCHAIN=go1.N.P go version` downloads, about 75 MB and a few seconds each)
// and live in the module cache. This is the one place the tests reach the network for a
// toolchain: the first lookup of a minor fetches it, later ones find it in the cache.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The patch release used for each minor the matrix tests (test/e2e/matrix.mjs: Go's supported
 * releases, the generator's GO_VERSIONS, and the oldest version it still accepts) when the
 * machine's own Go is another minor. Newest patches served by the module proxy on 2026-11-28.
 */
export const TOOLCHAIN_PATCHES = ['1.22.12', '1.26.11', '1.27.4'];

/** @param {string} minor @returns {string | undefined} the pinned patch of a minor */
const patchOf = (minor) => TOOLCHAIN_PATCHES.find((p) => p.startsWith(`${minor}.`));

const hostGo = () => {
  const r = spawnSync('go', ['env', 'GOVERSION', 'GOMODCACHE', 'GOOS', 'GOARCH'], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local' },
  });
  if (r.status !== 0) return undefined;
  const [version = '', modcache = '', goos = '', goarch = ''] = r.stdout.trim().split('\n');
  return { version, modcache, goos, goarch };
};

/** @param {string} goroot @returns {string} e.g. go1.27.4 */
const versionAt = (goroot) => (readFileSync(join(goroot, 'VERSION'), 'utf8').split('\n')[0] ?? '').trim();

/**
 * The GOROOT of a Go toolchain of this minor (`1.27`), or undefined: the host's `go` when its
 * minor matches, else the pinned patch from the module cache, fetched there when missing.
 * @param {string} minor
 * @returns {string | undefined}
 */
export function findGoroot(minor) {
  const host = hostGo();
  if (!host) return undefined;
  if (host.version === `go${minor}` || host.version.startsWith(`go${minor}.`)) {
    const r = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    if (r.status === 0) return r.stdout.trim();
  }
  const patch = patchOf(minor);
  if (!patch) return undefined;
  const dir = join(host.modcache, `golang.org/toolchain@v0.0.1-go${patch}.${host.goos}-${host.goarch}`);
  const ok = () => existsSync(join(dir, 'bin/go')) && versionAt(dir) === `go${patch}`;
  if (!ok()) {
    // The go command verifies the download against the checksum database; concurrent fetches
    // from several test files are safe (the module cache locks).
    spawnSync('go', ['version'], {
      stdio: 'ignore',
      timeout: 5 * 60_000,
      env: { ...process.env, GOTOOLCHAIN: `go${patch}` },
    });
  }
  return ok() ? dir : undefined;
}

/** The bin folder of {@link findGoroot}'s toolchain, or undefined. */
export const findGo = (/** @type {string} */ minor) => {
  const root = findGoroot(minor);
  return root && join(root, 'bin');
};

// `node test/e2e/toolchains.mjs fetch`: fetch every pinned toolchain the machine's Go does not
// provide (.ci/install-system runs it next to apt, so the tests find them in the cache).
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'fetch') {
  for (const minor of TOOLCHAIN_PATCHES.map((p) => p.split('.').slice(0, 2).join('.'))) {
    const root = findGoroot(minor);
    if (!root) {
      console.error(`toolchains: could not fetch Go ${minor}`);
      process.exit(1);
    }
    console.log(`Go ${minor}: ${versionAt(root)} in ${root}`);
  }
}
