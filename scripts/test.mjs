// `npm test`: every test file under test/ (unit, generator, CLI, and the e2e proof) with node:test.
// Node 20 does not expand globs itself, so the file list is built here. The e2e files share one
// Docker Engine that the first of them starts (engine/docker/daemon.mjs); when the run ends,
// whatever its result, it is stopped if this run started it (or the run that did is gone), so a
// run never stops a daemon that another run is using. GO_MINIMAL_E2E_KEEP_DOCKER=1 leaves it.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopDaemon } from '../engine/docker/daemon.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);
const files = [];
for (const dir of ['test', 'test/e2e']) {
  for (const name of readdirSync(join(root, dir)).sort()) {
    if (name.endsWith('.test.mjs')) files.push(join(dir, name));
  }
}
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...selected], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, GO_MINIMAL_E2E_RUN: String(process.pid) },
});
if (process.env.GO_MINIMAL_E2E_KEEP_DOCKER !== '1' && (await stopDaemon({ ownedBy: process.pid })))
  console.log('# the suite’s Docker Engine stopped');
process.exit(r.status ?? 1);
