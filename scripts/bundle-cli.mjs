// Bundles the `go-minimal` bin (dist/cli.js, as tsc compiled it) with esbuild into one ES module
// that replaces it, so that a run loads one file instead of ~1,200 ES modules (yeoman-environment,
// yeoman-generator, lodash-es, execa, inquirer, …): ≈ 0.3 s instead of ≈ 1.1 s. Called by
// scripts/build.mjs after tsc; `bench/run.mjs` measures the effect.
//
// Only the bin is bundled. dist/index.js and dist/generators/** stay as tsc wrote them: they are
// what `yo` and `import 'generator-go-minimal'` load, with their dependencies from node_modules,
// which the package keeps as regular dependencies. The bundle holds the same generator code.
//
// Three things a bundle changes, each handled here and checked so that a dependency update that
// invalidates them fails the build instead of the bin:
// 1. CommonJS dependencies call require() on Node built-ins: the banner defines `require`.
// 2. yeoman-environment and yeoman-generator read their own package.json next to their module
//    (for their version, which the generator checks against the environment's); in the bundle
//    that path would be ours. Those reads are replaced by the version at build time.
// 3. fly-import (yeoman-environment's on-the-fly installer, which go-minimal never uses) imports
//    @npmcli/arborist and with it npm's whole install stack (≈ 2.3 MB, 440 modules) at load
//    time, though it only constructs it on use. That import is replaced by a class that loads
//    the real @npmcli/arborist from node_modules when it is constructed: same behaviour, later.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
};

/** Imports resolved to a stand-in that loads the real CommonJS module on first construction. */
const LOAD_ON_CONSTRUCT = ['@npmcli/arborist'];

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
      contents: `import { createRequire } from 'node:module';
/** ${args.path}, loaded from node_modules when first constructed (bundled by scripts/bundle-cli.mjs). */
export default class {
  constructor(...args) {
    const Real = createRequire(import.meta.url)(${JSON.stringify(args.path)});
    return new Real(...args);
  }
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

/**
 * Bundles dist/cli.js in place (it must exist: tsc first).
 * @returns {Promise<{ bytes: number, modules: number, ms: number }>}
 */
export async function bundleCli() {
  const t0 = performance.now();
  const esbuild = await import('esbuild');
  const entry = join(root, 'dist/cli.js');
  if (readFileSync(entry, 'utf8').includes('__goMinimalCreateRequire'))
    throw new Error('bundle-cli: dist/cli.js is already a bundle: run `npm run build` (tsc, then this)');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: entry,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // esbuild keeps the entry's #!/usr/bin/env node line first; this comes right after it.
    banner: {
      js: "import { createRequire as __goMinimalCreateRequire } from 'node:module';\nconst require = __goMinimalCreateRequire(import.meta.url);",
    },
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
    plugins: [patchPlugin],
  });
  const output = Object.values(result.metafile.outputs)[0];
  const modules = Object.keys(output.inputs).length;
  // The bundle is a copy of its dependencies' code: their licence texts go next to it.
  const packages = new Map();
  for (const input of Object.keys(output.inputs)) {
    const m = input.match(/^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\/(?!.*node_modules\/)/);
    if (m) packages.set(m[2], join(root, m[1]));
  }
  const notices = [...packages]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, dir]) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
      const text = file
        ? readFileSync(join(dir, file), 'utf8').trim()
        : `(no licence file; package.json says ${pkg.license})`;
      return `${name}@${pkg.version} (${pkg.license ?? 'see below'})\n\n${text}\n`;
    });
  writeFileSync(
    join(root, 'dist/cli.js.LICENSES.txt'),
    `dist/cli.js bundles these packages (scripts/bundle-cli.mjs). Their licences follow.\n\n${notices.join('\n' + '-'.repeat(78) + '\n\n')}`,
  );
  return { bytes: statSync(entry).size, modules, ms: Math.round(performance.now() - t0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await bundleCli();
  console.log(`dist/cli.js bundled: ${r.modules} modules, ${(r.bytes / 1e6).toFixed(2)} MB, ${r.ms} ms`);
}
