import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { accessSync, constants } from 'node:fs';

/** Lowest Go minor version the generated code supports (1.22: method patterns in ServeMux). */
export const MIN_GO_MINOR = 22;

/**
 * The Go releases the Go team supports (its two newest), oldest first: the builder images a new
 * project defaults to. The last is the default without a local Go. Go ships a release every
 * February and August; bump this (and the e2e toolchains in test/e2e/toolchains.mjs) then.
 */
export const GO_VERSIONS = ['1.26', '1.27'] as const;

/** Absolute path of an executable on PATH, or undefined. */
export function which(command: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Parses `go1.23.5` / `go1.23rc1` / `go1.22` into `1.N`, or undefined. */
export function minorOf(goVersionOutput: string): string | undefined {
  const m = /^go1\.([0-9]+)/.exec(goVersionOutput.trim());
  return m ? `1.${m[1]}` : undefined;
}

/** N of `1.N` or `1.N.P`. */
export const minorNumber = (version: string): number => Number(version.split('.')[1]);

let localCache: string | undefined | null = null;

/** The local Go toolchain's `1.N`, if Go is on PATH; never triggers a toolchain download. Cached. */
export function localGoMinor(): string | undefined {
  if (localCache !== null) return localCache;
  localCache = undefined;
  if (!which('go')) return localCache;
  const out = spawnSync('go', ['env', 'GOVERSION'], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local' },
    timeout: 10_000,
  });
  if (out.status === 0) localCache = minorOf(out.stdout);
  return localCache;
}

const NEWEST = GO_VERSIONS[GO_VERSIONS.length - 1]!;
const OLDEST_SUPPORTED = GO_VERSIONS[0]!;

/**
 * Default goVersion: the local toolchain's `1.N` when Go still supports it (or it is newer than
 * the table), else the newest supported release. `note` says why the local Go was passed over.
 */
export function defaultGoVersion(local: string | undefined): { version: string; note?: string } {
  if (!local) return { version: NEWEST };
  if (minorNumber(local) >= minorNumber(OLDEST_SUPPORTED)) return { version: local };
  return {
    version: NEWEST,
    note: `The local Go is ${local}, older than the oldest supported release (${OLDEST_SUPPORTED}): using Go ${NEWEST}.`,
  };
}

/**
 * The builder's Go version for an existing module, from {@link buildGoVersion}'s reading of its
 * go.mod. A module older than the Dockerfile supports builds with the default Go instead: the go
 * line is a minimum and a newer Go builds an older module (Go 1 compatibility); `note` says so.
 */
export function goVersionForModule(
  fromGoMod: string | undefined,
  local: string | undefined,
): { version: string; note?: string } {
  const fallback = defaultGoVersion(local);
  if (!fromGoMod)
    return { version: fallback.version, note: `go.mod has no go line: building with Go ${fallback.version}.` };
  if (minorNumber(fromGoMod) >= MIN_GO_MINOR) return { version: fromGoMod };
  return {
    version: fallback.version,
    note: [
      `go.mod asks for Go ${fromGoMod}, older than the Go 1.${MIN_GO_MINOR} this Dockerfile supports: building with Go ${fallback.version} (the go line is a minimum, and a newer Go builds the module).`,
      fallback.note,
    ]
      .filter(Boolean)
      .join(' '),
  };
}
