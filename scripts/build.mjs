// Compiles src/ to dist/ with tsc, then copies the templates (tsc copies nothing but .ts).
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
