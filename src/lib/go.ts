import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { accessSync, constants } from 'node:fs';
import { MIN_GO_MINOR } from './validate.js';

/** Go versions the generator knows builder images for, oldest first. The last is the default without a local Go. */
export const GO_VERSIONS = ['1.22', '1.23', '1.24', '1.25'] as const;

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

/** The local Go toolchain's `1.N`, if Go is on PATH; never triggers a toolchain download. */
export function localGoMinor(): string | undefined {
  if (!which('go')) return undefined;
  const out = spawnSync('go', ['env', 'GOVERSION'], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local' },
    timeout: 10_000,
  });
  return out.status === 0 ? minorOf(out.stdout) : undefined;
}

/** Default goVersion: the local toolchain's `1.N` if it is supported, else the newest known version. */
export function defaultGoVersion(local: string | undefined): string {
  if (local && Number(local.split('.')[1]) >= MIN_GO_MINOR) return local;
  return GO_VERSIONS[GO_VERSIONS.length - 1]!;
}
