// The house's import rules (.dependency-cruiser.mjs, run by npm run lint): src/ as it is passes;
// a planted import circle, a floor importing a floor above it, and a module nothing imports each
// fail, named. The copies live in a temp folder; src/ itself is never touched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers/generate.mjs';

const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');

/** A copy of src/, the tsconfig and the rules, with `plant` applied; depcruise's verdict on it. */
function cruise(plant = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gm-layers-'));
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true, filter: (p) => !p.includes('/templates/') });
  for (const f of ['tsconfig.json', '.dependency-cruiser.mjs']) cpSync(join(ROOT, f), join(dir, f));
  plant(dir);
  return spawnSync(DEPCRUISE, ['--config', '.dependency-cruiser.mjs', 'src'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('the import rules of src/', () => {
  it('src/ as it is: no circle, every floor imports only the floors below it', () => {
    const r = cruise();
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /no dependency violations found/);
  });
  it('a circle (even of types) fails: options/validate.ts importing table.ts', () => {
    const r = cruise((dir) =>
      appendFileSync(
        join(dir, 'src/options/validate.ts'),
        "import type { OptionSpec } from './table.js';\nexport type Planted = OptionSpec<string>;\n",
      ),
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /error no-circular: src\/options\//);
  });
  it('a floor importing one above it fails: io importing options', () => {
    const r = cruise((dir) =>
      appendFileSync(
        join(dir, 'src/io/lock.ts'),
        "import type { Answers } from '../options/table.js';\nexport type Planted = Answers;\n",
      ),
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /error floor-io: src\/io\/lock\.ts → src\/options\/table\.ts/);
  });
  it('a module nothing imports fails', () => {
    const r = cruise((dir) => writeFileSync(join(dir, 'src/module/unused.ts'), 'export const unused = 1;\n'));
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /error no-orphans: src\/module\/unused\.ts/);
  });
});
