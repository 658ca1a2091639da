/**
 * Which package renders the merge's base: the version recorded in `.yo-rc.json` (fetched with
 * npm into a cache folder, reused next time), or what `--from` names: a version, a package
 * tarball, a package folder. Only ever the package that made the project: its name comes from the
 * running generator, never from the project's files, and a version must be a plain release
 * number (no URL, tag, range or file spec), so a cloned repository cannot choose code to run.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readJsonInput } from '../io/fs-safety.js';
import { OptionError } from '../options/table.js';
import { printable, quoteValue } from '../messages/quote.js';
import { VERSION_PATTERN } from '../options/provenance.js';

export interface PackageInfo {
  name: string;
  version: string;
}

/** A package folder's name and version (its package.json), or one line saying why not. */
export function readPackage(folder: string, what: string): PackageInfo {
  const file = join(folder, 'package.json');
  const pkg = (readJsonInput(file, `${what}: ${printable(file)}`) ?? {}) as Partial<PackageInfo>;
  if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') {
    throw new OptionError(`${what}: ${file} has no name and version.`);
  }
  return { name: pkg.name, version: pkg.version };
}

/** Where fetched versions are kept: $GO_MINIMAL_CACHE, else $XDG_CACHE_HOME/go-minimal, else ~/.cache/go-minimal. */
export function cacheRoot(): string {
  const env = process.env;
  if (env.GO_MINIMAL_CACHE) return resolve(env.GO_MINIMAL_CACHE);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'go-minimal');
}

/**
 * `npm install` of one spec into a prefix folder of the cache, without running any package's
 * install scripts; the npm cache is tried first. Returns the installed package's folder.
 */
function npmInstall(spec: string, prefix: string, name: string, what: string): string {
  const folder = join(prefix, 'node_modules', name);
  if (existsSync(join(folder, 'package.json'))) return folder;
  mkdirSync(prefix, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--ignore-scripts'];
  const r = spawnSync(npm, [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', spec], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 5 * 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error)
    throw new OptionError(`${what}: npm cannot run (${r.error.message}); name a package folder with --from.`);
  if (r.status !== 0 || !existsSync(join(folder, 'package.json'))) {
    const out = r.stderr || r.stdout;
    const first =
      out
        .trim()
        .split('\n')
        .find((l) => l.trim() !== '') ?? `exit ${r.status}`;
    const why = /\bE404\b/.test(out)
      ? 'it is not on the npm registry (E404)'
      : `npm install ${spec} failed: ${first.replace(/^npm (error|ERR!) /, '')}`;
    throw new OptionError(`${what}: ${why}; name the base with --from <tarball | package folder>.`);
  }
  return folder;
}

/** Release order of two plain versions (x.y.z, a prerelease before its release): < 0, 0, > 0. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): [number[], string] => {
    const [core = '', pre = ''] = v.split(/-(.*)/s);
    return [core.split('.').map(Number), pre];
  };
  const [ca, pa] = parts(a);
  const [cb, pb] = parts(b);
  for (let i = 0; i < 3; i++) if (ca[i] !== cb[i]) return (ca[i] ?? 0) - (cb[i] ?? 0);
  return pa === pb ? 0 : pa === '' ? 1 : pb === '' ? -1 : pa < pb ? -1 : 1;
}

/** The base's package folder, from `--from` or the recorded version (never newer than `running`). */
export function basePackage(
  name: string,
  recorded: string,
  from: string | undefined,
  running?: string,
): { folder: string; label: string } {
  const spec = from ?? recorded;
  if (from !== undefined && from.trim() === '')
    throw new OptionError('Invalid --from "": use a version, a tarball or a package folder.');
  const path = resolve(spec);
  // A bare version is always a version: a folder or tarball must look like a path (a slash, or a
  // .tgz name), so a folder named 0.1.9 in a cloned project can never stand in for the release.
  // A URL or a spec with a scheme (git+https:, file:, npm:) is neither.
  const looksLikePath =
    from !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(from) && (/[/\\]/.test(from) || /\.(tgz|tar\.gz)$/.test(from));
  if (looksLikePath) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new OptionError(`Invalid --from ${quoteValue(from)}: no such file or folder.`);
    if (stat.isDirectory()) {
      const pkg = readPackage(path, `--from ${quoteValue(from)}`);
      checkName(pkg, name, from);
      return { folder: path, label: `${pkg.name} ${pkg.version} (${from})` };
    }
    if (!stat.isFile() || !/\.(tgz|tar\.gz)$/.test(path)) {
      throw new OptionError(
        `Invalid --from ${quoteValue(from)}: use a version, a package tarball (.tgz) or a package folder.`,
      );
    }
    const digest = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
    const folder = npmInstall(path, join(cacheRoot(), 'tarballs', digest), name, `--from ${quoteValue(from)}`);
    const pkg = readPackage(folder, `--from ${quoteValue(from)}`);
    checkName(pkg, name, from);
    return { folder, label: `${pkg.name} ${pkg.version} (${from})` };
  }
  if (!VERSION_PATTERN.test(spec)) {
    throw new OptionError(
      from === undefined
        ? `Invalid generatorVersion ${quoteValue(spec)} in .yo-rc.json: use a release version such as 0.2.0.`
        : `Invalid --from ${quoteValue(from)}: use a release version (such as 0.1.0), a package tarball (.tgz) or a package folder written as a path (./${printable(from)}).`,
    );
  }
  if (running !== undefined && compareVersions(spec, running) > 0) {
    throw new OptionError(
      from === undefined
        ? `The project was made by ${name} ${spec}, newer than this one (${running}): update it with ${spec} or later.`
        : `Invalid --from ${quoteValue(from)}: newer than this version (${running}); the base is the version that made the project, or an older one.`,
    );
  }
  const what = from === undefined ? `${name} ${spec}, the version that made the project` : `--from ${quoteValue(from)}`;
  const folder = npmInstall(
    `${name}@${spec}`,
    join(cacheRoot(), 'packages', `${name.replace('/', '+')}@${spec}`),
    name,
    what,
  );
  return { folder, label: `${name} ${spec}` };
}

function checkName(pkg: PackageInfo, name: string, from: string): void {
  if (pkg.name !== name) {
    throw new OptionError(
      `Invalid --from ${quoteValue(from)}: it is ${pkg.name} ${pkg.version}, and the project was made by ${name}.`,
    );
  }
}
