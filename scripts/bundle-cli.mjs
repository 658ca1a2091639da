// Builds create-go-minimal (packages/create-go-minimal): the `go-minimal` bin (dist/cli.js as tsc
// compiled it) bundled with esbuild, with every dependency inside, so that the package has no
// runtime dependencies and `npm create go-minimal` installs one package in seconds instead of
// ~330. generator-go-minimal's own `go-minimal` bin is the same bundle (dist/go-minimal.js and
// dist/chunks/, copied there): loading one file set instead of ~1,200 modules from node_modules
// makes it start as fast as create-go-minimal (bench/scaffold.mjs measures both against yo);
// `yo go-minimal` and the package's exports load the modules as tsc compiled them. Called by
// scripts/build.mjs after tsc.
//
// Code splitting keeps the entry small: `--help`, `--version` and a bad flag load the entry and
// the option table only; yeoman (≈ 1,200 modules, one chunk) loads when a run starts.
//
// Three things a bundle changes, each handled here and checked so that a dependency update that
// invalidates them fails the build instead of the bin:
// 1. CommonJS dependencies call require() on Node built-ins: the banner defines `require`.
// 2. yeoman-environment and yeoman-generator read their own package.json next to their module
//    (for their version, which the generator checks against the environment's, and their name);
//    in the bundle that path is not there. Those reads are replaced by the value at build time.
// 3. fly-import (yeoman-environment's on-the-fly installer, which go-minimal never uses) imports
//    @npmcli/arborist and with it npm's whole install stack (≈ 2.3 MB, 440 modules) at load
//    time, though it only constructs it on use. That import is replaced by a class that throws
//    when constructed: create-go-minimal installs nothing.
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * file (relative to node_modules) → [exact text, its replacement given the package.json that
 * text reads (the one in the folder above the file's)]; each text must be found exactly once.
 */
const PATCHES = {
  'yeoman-generator/dist/generator.js': [
    "JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))",
    (pkg) => JSON.stringify({ name: pkg.name, version: pkg.version }),
  ],
  'yeoman-environment/dist/environment-base.js': [
    "require('../package.json').version",
    (pkg) => JSON.stringify(pkg.version),
  ],
  'yeoman-environment/dist/module-lookup.js': [
    "JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString()).name",
    (pkg) => JSON.stringify(pkg.name),
  ],
};

/**
 * Imports resolved to a stand-in that throws when called or constructed (never, in a go-minimal
 * run): @npmcli/arborist (fly-import, item 3 above) and ky, the HTTP client of package-json and
 * npm-keyword (yeoman's npm registry lookups, which go-minimal never makes), whose module body
 * builds a Request at load time and with it Node's whole fetch implementation (~10 ms per start).
 */
const LOAD_ON_CONSTRUCT = ['@npmcli/arborist', 'ky'];

const patchPlugin = {
  name: 'go-minimal-bundle-patches',
  setup(build) {
    const applied = new Set();
    const suffixes = Object.keys(PATCHES);
    build.onLoad({ filter: /node_modules[\\/](yeoman-generator|yeoman-environment)[\\/]dist[\\/].*\.js$/ }, (args) => {
      const key = suffixes.find((s) => args.path.replaceAll('\\', '/').endsWith(`/node_modules/${s}`));
      if (!key) return undefined;
      const [text, replacement] = PATCHES[key];
      const source = readFileSync(args.path, 'utf8');
      const count = source.split(text).length - 1;
      if (count !== 1)
        throw new Error(`bundle-cli: expected ${JSON.stringify(text)} once in ${key}, found it ${count} times`);
      applied.add(key);
      const pkg = JSON.parse(readFileSync(join(dirname(args.path), '../package.json'), 'utf8'));
      return { contents: source.replace(text, replacement(pkg)), loader: 'js', resolveDir: dirname(args.path) };
    });
    const lazy = new RegExp(`^(${LOAD_ON_CONSTRUCT.map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter: lazy }, (args) => ({ path: args.path, namespace: 'load-on-construct' }));
    build.onLoad({ filter: /.*/, namespace: 'load-on-construct' }, (args) => ({
      loader: 'js',
      contents: `/** ${args.path} is not bundled (scripts/bundle-cli.mjs): create-go-minimal installs nothing. */
export default function notBundled() {
  throw new Error(${JSON.stringify(`${args.path} is not part of create-go-minimal`)});
}
`,
    }));
    build.onEnd((result) => {
      if (result.errors.length) return;
      const missing = suffixes.filter((s) => !applied.has(s));
      if (missing.length) throw new Error(`bundle-cli: not bundled, so not patched: ${missing.join(', ')}`);
    });
  },
};

/** The workspace package this builds. */
export const CREATE_DIR = join(root, 'packages/create-go-minimal');

/**
 * Bundles dist/cli.js (tsc first) into packages/create-go-minimal/dist with the templates, the
 * preset schema and the bundled packages' licences.
 * @returns {Promise<{ bytes: number, entryBytes: number, modules: number, ms: number }>}
 */
export async function bundleCreate() {
  const t0 = performance.now();
  const esbuild = await import('esbuild');
  const out = join(CREATE_DIR, 'dist');
  rmSync(out, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { cli: join(root, 'dist/cli.js') },
    outdir: out,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // esbuild keeps the entry's #!/usr/bin/env node line first; this comes right after it.
    banner: {
      js: "import { createRequire as __goMinimalCreateRequire } from 'node:module';\nconst require = __goMinimalCreateRequire(import.meta.url);",
    },
    legalComments: 'none',
    // Less to parse at every start (V8 compiles the whole module text): about 1/3 fewer bytes.
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [patchPlugin],
  });
  for (const gen of readdirSync(join(root, 'dist/generators'))) {
    const templates = join(root, 'dist/generators', gen, 'templates');
    if (existsSync(templates)) cpSync(templates, join(out, 'generators', gen, 'templates'), { recursive: true });
  }
  cpSync(join(root, 'dist/preset.schema.json'), join(out, 'preset.schema.json'));
  chmodSync(join(out, 'cli.js'), 0o755);
  const outputs = Object.entries(result.metafile.outputs);
  const inputs = new Set(outputs.flatMap(([, o]) => Object.keys(o.inputs)));
  writeLicences(inputs, join(out, 'LICENSES.txt'));
  // generator-go-minimal's bin: the same files, beside tsc's output. The entry finds its package
  // (../package.json, the templates in dist/generators) the same way from either package.
  const dist = join(root, 'dist');
  rmSync(join(dist, 'chunks'), { recursive: true, force: true });
  cpSync(join(out, 'chunks'), join(dist, 'chunks'), { recursive: true });
  cpSync(join(out, 'cli.js'), join(dist, 'go-minimal.js'));
  cpSync(join(out, 'LICENSES.txt'), join(dist, 'LICENSES.txt'));
  chmodSync(join(dist, 'go-minimal.js'), 0o755);
  return {
    bytes: outputs.reduce((sum, [file]) => sum + statSync(join(root, file)).size, 0),
    entryBytes: statSync(join(out, 'cli.js')).size,
    modules: inputs.size,
    ms: Math.round(performance.now() - t0),
  };
}

/**
 * The bundle is a copy of its dependencies' code: their licence texts go next to it.
 * @param {Set<string>} inputs bundled files, relative to the repository
 * @param {string} file
 */
function writeLicences(inputs, file) {
  const packages = new Map();
  for (const input of inputs) {
    const m = input.match(/^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\/(?!.*node_modules\/)/);
    if (m) packages.set(m[2], join(root, m[1]));
  }
  const notices = [...packages]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, dir]) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const licence = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
      const text = licence
        ? readFileSync(join(dir, licence), 'utf8').trim()
        : `(no licence file; package.json says ${pkg.license})`;
      return `${name}@${pkg.version} (${pkg.license ?? 'see below'})\n\n${text}\n`;
    });
  writeFileSync(
    file,
    `create-go-minimal bundles these packages (scripts/bundle-cli.mjs). Their licences follow.\n\n${notices.join('\n' + '-'.repeat(78) + '\n\n')}`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await bundleCreate();
  console.log(
    `create-go-minimal bundled: ${r.modules} modules, ${(r.bytes / 1e6).toFixed(2)} MB (entry ${r.entryBytes} B), ${r.ms} ms`,
  );
}
