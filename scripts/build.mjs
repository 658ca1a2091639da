// Compiles src/ to dist/ with tsc, then copies the templates (tsc copies nothing but .ts).
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCreate } from './bundle-cli.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
  stdio: 'inherit',
});
for (const gen of readdirSync(join(root, 'src/generators'))) {
  const templates = join(root, 'src/generators', gen, 'templates');
  if (existsSync(templates)) cpSync(templates, join(root, 'dist/generators', gen, 'templates'), { recursive: true });
}
chmodSync(join(root, 'dist/cli.js'), 0o755);
// The preset's JSON Schema, derived from the option table, ships in the package.
const { presetSchema } = await import(new URL('../dist/options/preset.js', import.meta.url).href);
writeFileSync(join(root, 'dist/preset.schema.json'), `${JSON.stringify(presetSchema(), null, 2)}\n`);
// create-go-minimal: the same bin bundled with its dependencies (scripts/bundle-cli.mjs), released
// with the same version.
const version = (file) => JSON.parse(readFileSync(join(root, file), 'utf8')).version;
if (version('package.json') !== version('packages/create-go-minimal/package.json'))
  throw new Error('build: packages/create-go-minimal/package.json must have the version of package.json');
await bundleCreate();
