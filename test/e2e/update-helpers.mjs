// Shared by the update e2e tests (update.test.mjs, update-fleet.test.mjs): the released 0.1.0,
// projects made by a CLI, file trees, and team generator packages at a version.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as eng from '../../engine/index.mjs';
import { ROOT } from '../helpers/generate.mjs';
import { NEWEST_GO } from './matrix.mjs';

export const OLD_TGZ = join(ROOT, 'test/fixtures/releases/generator-go-minimal-0.1.0.tgz');
export const NEW_VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
export const FLAGS = ['--yes', '--skip-install', '--name', 'svc', '--go-version', NEWEST_GO];

/** Every regular file under dir (not .git) with its text. @param {string} dir @returns {Record<string, string>} */
export function files(dir) {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .filter((rel) => !rel.startsWith('.git/'))
      .map((rel) => [rel, readFileSync(join(dir, rel), 'utf8')]),
  );
}

/** A package tarball, unpacked, resolving its dependencies from this repository's node_modules. @param {string} tgz */
export function unpack(tgz) {
  const dir = mkdtempSync(join(tmpdir(), 'gm-old-'));
  execFileSync('tar', ['-xzf', tgz, '-C', dir]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'package', 'node_modules'));
  return join(dir, 'package');
}

/** The released 0.1.0, unpacked. */
export const unpackOld = () => unpack(OLD_TGZ);

/**
 * A node command's result (never throws on a non-zero exit).
 * @param {string[]} args @param {NodeJS.ProcessEnv} [env] @param {string} [cwd]
 */
export const node = (args, env = process.env, cwd = undefined) =>
  eng.runCommand(process.execPath, args, { env, cwd, allowFail: true, timeoutMs: 12 * 60_000 });

/** A project made by a CLI (an old or the new) with flags, in a fresh folder. @param {string} cli @param {string[]} flags */
export async function generateWith(cli, flags) {
  const dir = join(mkdtempSync(join(tmpdir(), 'gm-upd-e2e-')), 'svc');
  const r = await node([cli, dir, ...flags]);
  assert.equal(r.code, 0, r.all);
  return dir;
}

/** A project made by a CLI (the old or the new) with FLAGS, in a fresh folder. @param {string} cli */
export const generate = (cli) => generateWith(cli, FLAGS);

/**
 * A team generator package at a version: its app generator extends ours with its own template
 * (CONTRIBUTING.md), and its update generator is ours, re-exported (one line).
 * `o.templates` (path → text) replaces CONTRIBUTING.md's; `o.update` replaces the update generator's module.
 * @param {string} root @param {string} version @param {string} contributing
 * @param {{ templates?: Record<string, string>, update?: string }} [o]
 */
export function teamPackage(root, version, contributing, o = {}) {
  const dir = join(root, `acme-${version}`);
  mkdirSync(join(dir, 'generators/app'), { recursive: true });
  mkdirSync(join(dir, 'generators/update'), { recursive: true });
  mkdirSync(join(dir, 'templates'), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules/generator-go-minimal'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'generator-acme-go', version, type: 'module' }));
  writeFileSync(
    join(dir, 'generators/app/index.js'),
    `import { fileURLToPath } from 'node:url';
import { AppGenerator } from 'generator-go-minimal';
const templatesDir = fileURLToPath(new URL('../../templates', import.meta.url));
export default class extends AppGenerator {
  constructor(args, opts) {
    super(args, { ...opts, preset: opts.preset ?? { base: 'distroless', locked: ['base'], templatesDir } });
  }
}
`,
  );
  writeFileSync(
    join(dir, 'generators/update/index.js'),
    o.update ?? "export { UpdateGenerator as default } from 'generator-go-minimal';\n",
  );
  for (const [file, text] of Object.entries(o.templates ?? { 'CONTRIBUTING.md.ejs': contributing })) {
    mkdirSync(dirname(join(dir, 'templates', file)), { recursive: true });
    writeFileSync(join(dir, 'templates', file), text);
  }
  return dir;
}

/** Runs a package's generator through yeoman-environment, as yo would (yo refuses root). */
export const RUN_ENV = `
const [file, ns, cwd, options] = process.argv.slice(1);
const { createEnv } = await import(${JSON.stringify(join(ROOT, 'node_modules/yeoman-environment/dist/index.js'))});
const env = createEnv({ cwd });
env.register(file, { namespace: ns });
try { await env.run([ns], JSON.parse(options)); } catch (e) { console.error(e.message); process.exit(2); }
`;
