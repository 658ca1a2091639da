// The release path of both packages (docs/releasing.md). generator-go-minimal and
// create-go-minimal (its workspace) are released in lock-step: one version, one tag, both or
// neither.
//
//   node scripts/release.mjs check [--tag vX.Y.Z] [--out DIR]
//     What would be published, from a build (npm run build): both versions equal (and the tag's),
//     each tarball's files against its allow-list and against what package.json names, publint,
//     @arethetypeswrong/cli on the exports, `npm publish --dry-run` of the very tarball. `--out`
//     keeps the tarballs (the release workflow publishes exactly those). `npm run release:check`.
//   node scripts/release.mjs publish --tag vX.Y.Z --from DIR
//     Publishes the checked tarballs in DIR with npm provenance, the ones not yet on the registry
//     (a re-run after a failure half-way publishes the rest). Uses no package of node_modules.
//
// No registry is named here: npm's own configuration says where it publishes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'node_modules/.bin');

/**
 * What each tarball may hold; anything else fails the check. Generated Go tests are templates
 * (dist/generators/… /templates/**), not tests of ours.
 * @type {Record<string, string[]>}
 */
export const ALLOWED = {
  'generator-go-minimal': [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/**/*.js',
    'dist/**/*.d.ts',
    'dist/LICENSES.txt',
    'dist/preset.schema.json',
    'dist/generators/*/templates/**',
  ],
  'create-go-minimal': [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/cli.js',
    'dist/chunks/*.js',
    'dist/LICENSES.txt',
    'dist/preset.schema.json',
    'dist/generators/*/templates/**',
  ],
};

/** What no tarball may hold, whatever its allow-list says: source maps, tests, fixtures, sources, tarballs. */
export const NEVER = [/\.map$/, /(^|\/)(test|tests|__tests__|fixtures|src)\//, /\.test\.[cm]?[jt]s$/, /\.tgz$/];

/** A release version: X.Y.Z, or X.Y.Z-pre (published under the npm dist-tag `next`). */
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

/** `dist/**\/*.js`-style glob → RegExp: `**\/` any folders (or none), `**` anything, `*` within a folder. @param {string} glob */
export function globRegExp(glob) {
  const parts = glob.split(/(\*\*\/|\*\*|\*)/);
  const wild = { '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*' };
  const source = parts.map((p) =>
    p in wild ? wild[/** @type {keyof typeof wild} */ (p)] : p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
  );
  return new RegExp(`^${source.join('')}$`);
}

/** The files of a tarball its allow-list does not allow, or that no package may hold. @param {string} name @param {string[]} files */
export function disallowedFiles(name, files) {
  const allow = (ALLOWED[name] ?? []).map(globRegExp);
  return files.filter((f) => NEVER.some((r) => r.test(f)) || !allow.some((r) => r.test(f)));
}

/** Every path an `exports` value names. @param {unknown} exports @returns {string[]} */
function exportTargets(exports) {
  if (typeof exports === 'string') return [exports];
  if (exports && typeof exports === 'object') return Object.values(exports).flatMap(exportTargets);
  return [];
}

/**
 * The files package.json names (bin, main, types, exports) and every package's README, LICENSE
 * and package.json, that the tarball lacks.
 * @param {Record<string, any>} pkg @param {string[]} files
 */
export function missingFiles(pkg, files) {
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
  const named = ['package.json', 'README.md', 'LICENSE', ...bins, pkg.main, pkg.types, ...exportTargets(pkg.exports)];
  const have = new Set(files);
  return [...new Set(named.filter(Boolean).map((f) => String(f).replace(/^\.\//, '')))].filter((f) => !have.has(f));
}

/**
 * Why these packages cannot be released together at this tag, one line each (none: they can).
 * @param {{ name: string, version: string }[]} packages @param {Record<string, string>} lockVersions where → version, from package-lock.json
 * @param {string} [tag]
 */
export function versionProblems(packages, lockVersions, tag) {
  const problems = [];
  const versions = new Set([...packages.map((p) => p.version), ...Object.values(lockVersions)]);
  if (versions.size !== 1) {
    const all = [...packages.map((p) => `${p.name} ${p.version}`)];
    for (const [where, v] of Object.entries(lockVersions)) all.push(`package-lock.json "${where || '.'}" ${v}`);
    problems.push(`the packages are released with one version, but they have: ${all.join(', ')}`);
  }
  for (const p of packages) {
    if (!VERSION.test(p.version)) problems.push(`${p.name}: version "${p.version}" is not X.Y.Z or X.Y.Z-pre`);
  }
  if (tag !== undefined && !packages.every((p) => tag === `v${p.version}`)) {
    problems.push(`tag "${tag}" does not match the version: expected v${packages[0]?.version} for every package`);
  }
  return problems;
}

/**
 * Why npm would refuse the provenance of these packages built in `repository` (the workflow's
 * `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY`): npm requires package.json's repository.url to name the
 * repository the provenance says it was built in. One line per package (none: it matches).
 * @param {{ name: string, repository?: string | { url?: string } }[]} packages @param {string} repository
 */
export function repositoryProblems(packages, repository) {
  const normal = (/** @type {string} */ url) =>
    url
      .replace(/^git\+/, '')
      .replace(/\.git$/, '')
      .replace(/\/$/, '');
  return packages.flatMap((p) => {
    const url = typeof p.repository === 'string' ? p.repository : p.repository?.url;
    if (url && normal(url) === normal(repository)) return [];
    return [
      `${p.name}: package.json's repository.url is ${url ? `"${url}"` : 'missing'}; npm's provenance needs "git+${normal(repository)}.git" (docs/releasing.md, first release)`,
    ];
  });
}

/** npm's dist-tag for a version: a pre-release must not become `latest`. @param {string} version */
export const distTag = (version) => (version.includes('-') ? 'next' : 'latest');

/**
 * A command's result; a failure (or a run past its time) is an Error with its output's last lines.
 * @param {string} cmd @param {string[]} args @param {{ cwd?: string, timeoutMs?: number, env?: NodeJS.ProcessEnv, allowFail?: boolean }} [o]
 */
function sh(cmd, args, o = {}) {
  const r = spawnSync(cmd, args, {
    cwd: o.cwd ?? ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: o.timeoutMs ?? 180_000,
    env: o.env ?? process.env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if ((r.status !== 0 || r.error) && !o.allowFail) {
    const why = r.error ? r.error.message : `exit ${r.status}`;
    throw new Error(`${cmd} ${args.join(' ')}: ${why}\n${out.trim().split('\n').slice(-15).join('\n')}`);
  }
  return { status: r.status, stdout: r.stdout ?? '', out };
}

/** @param {string} file */
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The packages released together: this one and its workspaces. @param {string} [root] */
export function releasedPackages(root = ROOT) {
  const top = readJson(join(root, 'package.json'));
  const lock = readJson(join(root, 'package-lock.json'));
  const where = ['', ...(top.workspaces ?? [])];
  return {
    packages: where.map((w) => ({ where: w, pkg: readJson(join(root, w, 'package.json')) })),
    lockVersions: Object.fromEntries(where.map((w) => [w, lock.packages?.[w]?.version])),
  };
}

/**
 * `npm pack` of one package into dir, scripts off (the build ran before): its tarball and files.
 * @param {string} where '' or a workspace folder @param {string} dir
 */
export function pack(where, dir, root = ROOT) {
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', dir];
  const [r] = JSON.parse(sh('npm', where ? [...args, '--workspace', where] : args, { cwd: root }).stdout);
  return { tarball: join(dir, r.filename), files: r.files.map((/** @type {{ path: string }} */ f) => f.path).sort() };
}

/** Whether name@version is on the registry: true, false, or an Error (no answer). @param {string} name @param {string} version */
function published(name, version) {
  const r = sh('npm', ['view', `${name}@${version}`, 'version', '--json'], { allowFail: true, timeoutMs: 60_000 });
  if (r.status === 0) return r.stdout.trim() !== '';
  if (/\bE404\b/.test(r.out)) return false;
  throw new Error(`npm view ${name}@${version} gave no answer: ${r.out.trim().split('\n').slice(-3).join(' ')}`);
}

/** The package.json inside a tarball. @param {string} tarball */
function tarballPackage(tarball) {
  return JSON.parse(sh('tar', ['-xzOf', tarball, 'package/package.json']).stdout);
}

/**
 * The checks of one tarball that need no registry: its files (allow-list, what package.json
 * names), create-go-minimal's promise of no dependencies, publint, and attw where there are
 * exports. Returns the problems (none: it may be published) and a line per check passed.
 * @param {{ name: string, tarball: string, files: string[], pkg: Record<string, any> }} t
 */
export function tarballProblems(t) {
  const problems = [];
  const extra = disallowedFiles(t.name, t.files);
  if (extra.length) problems.push(`files not on its allow-list (scripts/release.mjs ALLOWED): ${extra.join(', ')}`);
  const lacking = missingFiles(t.pkg, t.files);
  if (lacking.length)
    problems.push(`files its package.json names, missing (run npm run build?): ${lacking.join(', ')}`);
  if (t.name === 'create-go-minimal' && Object.keys(t.pkg.dependencies ?? {}).length > 0) {
    problems.push('create-go-minimal promises no dependencies (the bundle holds them), but has some');
  }
  const lint = sh(join(BIN, 'publint'), ['run', t.tarball, '--strict'], { allowFail: true });
  if (lint.status !== 0) problems.push(`publint: ${lint.out.trim()}`);
  const lines = [`${t.files.length} files allowed`, 'publint ok'];
  if (t.pkg.exports || t.pkg.types) {
    // esm-only: the package is ESM ("type": "module", no require condition); CJS consumers import().
    const args = [t.tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color'];
    const attw = sh(join(BIN, 'attw'), args, { allowFail: true });
    if (attw.status !== 0) problems.push(`@arethetypeswrong/cli: ${attw.out.trim()}`);
    lines.push('attw ok (esm-only)');
  }
  return { problems, lines };
}

/**
 * Every check of one tarball, `npm publish --dry-run` included (skipped for a version already on
 * the registry: after a release, until the next bump). Throws with every problem found.
 * @param {{ name: string, tarball: string, files: string[], pkg: Record<string, any>, isPublished: boolean }} t
 */
function checkTarball(t) {
  const { problems, lines } = tarballProblems(t);
  if (t.isPublished) {
    lines.push('already on the registry (publish --dry-run skipped: the next release needs a new version)');
  } else {
    const dry = sh('npm', ['publish', t.tarball, '--dry-run', '--tag', distTag(t.pkg.version)], { allowFail: true });
    if (dry.status !== 0) problems.push(`npm publish --dry-run: ${dry.out.trim().split('\n').slice(-10).join('\n')}`);
    lines.push(`publish --dry-run ok (dist-tag ${distTag(t.pkg.version)})`);
  }
  if (problems.length) throw new Error(`${t.name}@${t.pkg.version}: ${problems.join('\n')}`);
  return lines;
}

/** @param {{ tag?: string, out?: string }} o */
function check(o) {
  const { packages, lockVersions } = releasedPackages();
  const problems = versionProblems(
    packages.map((p) => ({ name: p.pkg.name, version: p.pkg.version })),
    lockVersions,
    o.tag,
  );
  // In the release workflow: the repository npm's provenance will name.
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = process.env;
  if (o.tag && server && repo)
    problems.push(
      ...repositoryProblems(
        packages.map((p) => p.pkg),
        `${server}/${repo}`,
      ),
    );
  if (problems.length) throw new Error(problems.join('\n'));
  const dir = o.out ? resolve(o.out) : mkdtempSync(join(tmpdir(), 'release-check-'));
  mkdirSync(dir, { recursive: true });
  try {
    const states = packages.map((p) => published(p.pkg.name, p.pkg.version));
    if (o.tag && states.every(Boolean)) throw new Error(`${o.tag}: both packages are already on the registry`);
    packages.forEach((p, i) => {
      const { tarball, files } = pack(p.where, dir);
      const lines = checkTarball({ name: p.pkg.name, tarball, files, pkg: p.pkg, isPublished: Boolean(states[i]) });
      console.log(`release check: ${p.pkg.name}@${p.pkg.version}: ${lines.join('; ')}`);
    });
  } finally {
    if (!o.out) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * npm's auth for a token given as NODE_AUTH_TOKEN (the first publish of a package, before a
 * trusted publisher can be set up on it): a user config for the registry npm is configured with.
 * Trusted publishing (OIDC) needs none. Returns the environment for npm.
 */
function authEnv() {
  if (!process.env.NODE_AUTH_TOKEN) return process.env;
  const registry = new URL(sh('npm', ['config', 'get', 'registry']).stdout.trim());
  const file = join(mkdtempSync(join(tmpdir(), 'release-npmrc-')), 'npmrc');
  // npm expands ${NODE_AUTH_TOKEN} when it reads the file: the token is never written.
  writeFileSync(file, `//${registry.host}${registry.pathname.replace(/\/?$/, '/')}:_authToken=\${NODE_AUTH_TOKEN}\n`, {
    mode: 0o600,
  });
  return { ...process.env, NPM_CONFIG_USERCONFIG: file };
}

/** @param {{ tag?: string, from?: string }} o */
function publish(o) {
  if (!o.tag || !o.from) throw new Error('publish needs --tag vX.Y.Z and --from DIR (the checked tarballs)');
  const tarballs = readdirSync(o.from)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(/** @type {string} */ (o.from), f));
  const found = tarballs.map((tarball) => ({ tarball, pkg: tarballPackage(tarball) }));
  const { packages } = releasedPackages();
  const names = packages.map((p) => p.pkg.name);
  const foundNames = found.map((f) => f.pkg.name).sort();
  if (JSON.stringify([...names].sort()) !== JSON.stringify(foundNames)) {
    throw new Error(`${o.from} holds ${foundNames.join(', ') || 'no tarball'}; a release is ${names.join(' and ')}`);
  }
  const problems = versionProblems(
    found.map((f) => ({ name: f.pkg.name, version: f.pkg.version })),
    {},
    o.tag,
  );
  if (problems.length) throw new Error(problems.join('\n'));
  // generator-go-minimal first: create-go-minimal's README sends readers to it.
  found.sort((a, b) => names.indexOf(a.pkg.name) - names.indexOf(b.pkg.name));
  const env = authEnv();
  const done = [];
  for (const { tarball, pkg } of found) {
    const id = `${pkg.name}@${pkg.version}`;
    if (published(pkg.name, pkg.version)) {
      console.log(`release: ${id} is already on the registry (an earlier run published it)`);
      done.push(id);
      continue;
    }
    const args = ['publish', tarball, '--provenance', '--access', 'public', '--tag', distTag(pkg.version)];
    const r = sh('npm', args, { env, allowFail: true, timeoutMs: 300_000 });
    if (r.status !== 0) {
      throw new Error(
        `npm publish ${id} failed${done.length ? ` after ${done.join(', ')} was published` : ''}: re-run this job, which publishes only what is missing.\n${r.out.trim().split('\n').slice(-15).join('\n')}`,
      );
    }
    console.log(`release: ${id} published with provenance (dist-tag ${distTag(pkg.version)})`);
    done.push(id);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { tag: { type: 'string' }, out: { type: 'string' }, from: { type: 'string' } },
  });
  try {
    if (positionals[0] === 'check') check(values);
    else if (positionals[0] === 'publish') publish(values);
    else
      throw new Error(
        'usage: node scripts/release.mjs check [--tag vX.Y.Z] [--out DIR] | publish --tag vX.Y.Z --from DIR',
      );
  } catch (error) {
    console.error(`release: ${(error instanceof Error ? error.message : String(error)).trim()}`);
    process.exit(1);
  }
}
