// `npm test`: every test file under test/ (unit, generator, CLI, and the e2e proof) with node:test.
// Node 20 does not expand globs itself, so the file list is built here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);
const files = [];
for (const dir of ['test', 'test/e2e']) {
  for (const name of readdirSync(join(root, dir)).sort()) {
    if (name.endsWith('.test.mjs')) files.push(join(dir, name));
  }
}
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...selected], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
