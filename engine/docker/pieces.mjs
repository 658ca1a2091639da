// Building the Docker Engine pieces (engine/docker/versions.mjs) from the Go module proxy into
// the e2e store, once per version: bin/<name>-<version>/<file>. A build lands in a temporary
// folder renamed into place, so a concurrent or interrupted build never leaves half a piece, and
// a second run builds nothing. Node built-ins only, so .ci/install-system runs it before npm ci:
//   node engine/docker/pieces.mjs build [name ...]

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2E_ROOT } from '../config.mjs';
import { runCommand } from '../exec.mjs';
import { withLock } from '../lock.mjs';
import { MOBY, PIECES, piece } from './versions.mjs';

/** @typedef {import('./versions.mjs').Piece} Piece */

/** The store's folder of built binaries. */
export const BIN_ROOT = path.join(E2E_ROOT, 'bin');

/** @param {Piece} p @returns {string} where a piece's files are */
export const pieceDir = (p) => path.join(BIN_ROOT, `${p.name}-${p.version}`);

/** @param {string} name @param {string} [file] @returns {string} the path of one built file */
export function pieceFile(name, file) {
  const p = piece(name);
  return path.join(pieceDir(p), file ?? Object.keys(p.packages)[0] ?? name);
}

/** @param {Piece} p @returns {boolean} every file of the piece is in the store */
const present = (p) => Object.keys(p.packages).every((f) => fs.existsSync(path.join(pieceDir(p), f)));

/** The go command's environment: the machine's Go and module proxy, static binaries.
 * GOTOOLCHAIN=auto: a module whose go line asks for a newer Go (compose v5.7.2: 1.26.11) gets it
 * through the module proxy. */
const goEnv = () => ({ ...process.env, GOTOOLCHAIN: 'auto', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' });

/** @param {string} args @param {string} [cwd] */
const go = async (/** @type {string[]} */ args, cwd = BIN_ROOT) =>
  (await runCommand('go', args, { cwd, env: goEnv(), timeoutMs: 40 * 60_000 })).stdout;

/**
 * The scratch module a piece is built in: it requires the piece's module (for the engine pieces:
 * moby and the versions of containerd and BuildKit that moby's build list selects) and copies
 * that module's go line and exclude directives, so the build list is the one the module's own
 * go.mod gives. (`go install module@version` would do the same, but refuses a module with
 * exclude directives, as compose and BuildKit have.)
 * @param {Piece} p @returns {Promise<string>} the module's folder
 */
async function moduleFor(p) {
  const main = p.inEngineModule ? { name: 'docker-engine', ...MOBY } : p;
  const members = p.inEngineModule ? PIECES.filter((x) => x.inEngineModule) : [p];
  const requires = [...new Map(members.map((x) => [x.module, x.version])).entries()];
  const sources = Object.assign({}, ...members.map((x) => x.sources ?? {}));
  const dir = path.join(E2E_ROOT, 'src', `${main.name}-${main.version}`);
  const stamp = path.join(dir, '.requires');
  const want = JSON.stringify({ requires, sources });
  if ((await fsp.readFile(stamp, 'utf8').catch(() => '')) !== want) {
    await fsp.rm(dir, { recursive: true, force: true });
    await fsp.mkdir(dir, { recursive: true });
    await fsp.mkdir(BIN_ROOT, { recursive: true });
    const info = JSON.parse(await go(['mod', 'download', '-json', `${main.module}@${main.version}`]));
    const mod = JSON.parse(await go(['mod', 'edit', '-json', info.GoMod]));
    if (mod.Replace?.length)
      throw new Error(`${main.module}@${main.version} has replace directives: build it another way`);
    await fsp.writeFile(path.join(dir, 'go.mod'), `module go-minimal.local/${main.name}\n\ngo ${mod.Go}\n`);
    for (const [file, text] of Object.entries(sources)) {
      await fsp.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await fsp.writeFile(path.join(dir, file), text);
    }
    await go(
      [
        'mod',
        'edit',
        ...requires.map(([m, v]) => `-require=${m}@${v}`),
        ...(mod.Exclude ?? []).map(
          (/** @type {{ Path: string, Version: string }} */ e) => `-exclude=${e.Path}@${e.Version}`,
        ),
      ],
      dir,
    );
    await fsp.writeFile(stamp, want);
  }
  // MVS must select exactly the table's versions: a higher one required by moby means the table
  // is out of date, and the binaries would not be what it says.
  const selected = (await go(['list', '-m', ...requires.map(([m]) => m)], dir)).trim().split('\n');
  const expected = requires.map(([m, v]) => `${m} ${v}`);
  if (selected.join('\n') !== expected.join('\n'))
    throw new Error(
      `engine/docker/versions.mjs is out of step with ${main.module}@${main.version}'s go.mod: ` +
        `the build list selects ${selected.join(', ')}; the table says ${expected.join(', ')}`,
    );
  return dir;
}

/**
 * Builds one piece into the store unless it is there. Returns where its files are, whether it
 * was built now, and how long that took.
 * @param {string} name
 * @returns {Promise<{ name: string, dir: string, built: boolean, ms: number }>}
 */
export async function ensurePiece(name) {
  const p = piece(name);
  const t0 = Date.now();
  const result = (/** @type {boolean} */ built) => ({
    name: `${p.name} ${p.version}`,
    dir: pieceDir(p),
    built,
    ms: Date.now() - t0,
  });
  if (present(p)) return result(false);
  return withLock(
    `piece-${p.name}-${p.version}`,
    async () => {
      if (present(p)) return result(false);
      await fsp.mkdir(BIN_ROOT, { recursive: true });
      const tmp = await fsp.mkdtemp(path.join(BIN_ROOT, `.${p.name}-`));
      try {
        const flags = [
          ...(p.tags?.length ? ['-tags', p.tags.join(',')] : []),
          ...(p.ldflags ? ['-ldflags', p.ldflags] : []),
        ];
        // One go build per piece: its packages share the tags; -o DIR/ names each binary after
        // its package folder.
        await go(['build', ...flags, '-o', `${tmp}/`, ...Object.values(p.packages)], await moduleFor(p));
        for (const [file, pkg] of Object.entries(p.packages)) {
          const built = path.join(tmp, path.basename(pkg));
          if (built !== path.join(tmp, file)) await fsp.rename(built, path.join(tmp, file));
        }
        await fsp.rm(pieceDir(p), { recursive: true, force: true });
        await fsp.rename(tmp, pieceDir(p));
      } finally {
        await fsp.rm(tmp, { recursive: true, force: true });
      }
      return result(true);
    },
    { timeoutMs: 60 * 60_000 },
  );
}

/**
 * The pieces the suite needs, in build order: dockerd first (the others of the engine module then
 * reuse its compiled packages), compose last (a build list of its own).
 */
export const SUITE_PIECES = ['dockerd', 'containerd', 'dockerfile-frontend', 'buildx', 'registry', 'compose'];

/**
 * Builds every piece the suite needs, one after another (2 cores: go build is parallel inside).
 * @param {string[]} [names]
 */
export async function ensurePieces(names = SUITE_PIECES) {
  const out = [];
  for (const n of names) out.push(await ensurePiece(n));
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'build') {
  const t0 = Date.now();
  const names = process.argv.slice(3);
  const done = await ensurePieces(names.length ? names : SUITE_PIECES);
  const what = done.map((d) => `${d.name} ${d.built ? `built in ${Math.round(d.ms / 1000)} s` : 'cached'}`);
  console.log(`docker pieces ready in ${Math.round((Date.now() - t0) / 1000)} s: ${what.join('; ')}`);
}
