/**
 * The module's packages as the Go tool sees them: `go list` applies build constraints (`//go:build`,
 * `_linux.go` suffixes, the `cgo` tag) exactly as `go build` will in the image.
 */
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { which } from '../image/go.js';

/** One package of the module, with files relative to its folder. */
export interface ListedPackage {
  /** Folder relative to the module root, `.` for the root. */
  dir: string;
  /** Package name; empty when build constraints exclude every file. */
  name: string;
  /** Non-test Go files that build for linux, including those importing "C". */
  files: string[];
  /** Files among `files` that import "C". */
  cgoFiles: string[];
  /** `//go:embed` patterns, relative to the package folder. */
  embedPatterns: string[];
}

interface GoListJson {
  Dir?: string;
  Name?: string;
  GoFiles?: string[];
  CgoFiles?: string[];
  EmbedPatterns?: string[];
}

/**
 * What `go list` may see of the environment. Plain `go list` (no -compiled, -export, -deps on
 * missing code) only parses files: it runs no compiler, no cgo and no `#cgo pkg-config` lines
 * (the docker tests check that with stand-in cc and pkg-config). The rest keeps the repository we
 * were pointed at from choosing what runs or what is fetched: GOTOOLCHAIN=local (a `toolchain`
 * line downloads nothing), GOPROXY=off (no module fetch; a missing one is a package error, -e),
 * GOENV=off and no GOFLAGS (no -toolexec or -overlay from a config file), GOWORK=off (this module
 * only). CGO_ENABLED=1 so files importing "C" are listed as such instead of excluded, and
 * GOOS=linux because the image is linux.
 */
export function goListEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env.GOFLAGS;
  return {
    ...env,
    GOENV: 'off',
    GOTOOLCHAIN: 'local',
    GOPROXY: 'off',
    GOWORK: 'off',
    GOOS: 'linux',
    CGO_ENABLED: '1',
  };
}

/** Splits go list's stream of indented JSON objects (each closes with `}` at column 0). */
export function parseGoListStream(text: string): GoListJson[] {
  const body = text.trim();
  if (body === '') return [];
  return JSON.parse(`[${body.replace(/^}\s*\n{/gm, '},{')}]`) as GoListJson[];
}

/**
 * The module's packages under root from `go list -e -json ./...`, or undefined when Go is not on
 * PATH or the listing fails (a go.mod newer than the local Go, inconsistent vendoring): the caller
 * then reads the files itself.
 */
export function goListPackages(dir: string): ListedPackage[] | undefined {
  if (!which('go')) return undefined;
  // go list reports folders by their real path.
  const root = realpathSync(dir);
  const fields = 'Dir,Name,GoFiles,CgoFiles,EmbedPatterns';
  const out = spawnSync('go', ['list', '-e', `-json=${fields}`, './...'], {
    cwd: root,
    encoding: 'utf8',
    env: goListEnv(),
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (out.status !== 0 || out.error) return undefined;
  let listed: GoListJson[];
  try {
    listed = parseGoListStream(out.stdout);
  } catch {
    return undefined;
  }
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return listed
    .filter((p) => p.Dir === root || p.Dir?.startsWith(prefix))
    .map((p) => {
      const cgoFiles = p.CgoFiles ?? [];
      return {
        dir: p.Dir === root ? '.' : p.Dir!.slice(prefix.length),
        name: p.Name ?? '',
        files: [...(p.GoFiles ?? []), ...cgoFiles],
        cgoFiles,
        embedPatterns: p.EmbedPatterns ?? [],
      };
    });
}
