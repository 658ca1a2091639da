// The commit (src/io/commit.ts) with a stand-in of yeoman's shared file store: files written in
// order with .yo-rc.json last, and a failure mid-way that names what was and was not written.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { commitFiles } from '../dist/io/commit.js';

/** Pending files as mem-fs holds them; the pipeline skips the conflicter (nothing to ask here). */
function fakeEnv(root, entries) {
  const files = entries.map(([rel, text]) => ({
    path: join(root, rel),
    contents: Buffer.from(text),
    state: 'modified',
  }));
  return {
    adapter: {},
    sharedFs: {
      all: () => files,
      async pipeline(options, ...transforms) {
        const collect = transforms.at(-1);
        for (const f of files.filter(options.filter)) collect.write(f);
        collect.end();
        collect.resume();
        await finished(collect);
      },
    },
  };
}

describe('commitFiles', () => {
  it('writes every file, .yo-rc.json last', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gm-commit-'));
    const env = fakeEnv(root, [
      ['.yo-rc.json', '{}\n'],
      ['go.mod', 'module x\n'],
      ['sub/a.txt', 'a\n'],
    ]);
    await commitFiles(env, root);
    assert.equal(readFileSync(join(root, 'sub/a.txt'), 'utf8'), 'a\n');
    assert.equal(readFileSync(join(root, '.yo-rc.json'), 'utf8'), '{}\n');
  });
  it('a write that fails mid-way names what was written and what was not; .yo-rc.json is not', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gm-commit-'));
    // Each passes the check alone; writing `x` makes `x/y` impossible (ENOTDIR / EEXIST).
    const env = fakeEnv(root, [
      ['.yo-rc.json', '{}\n'],
      ['x', 'file\n'],
      ['x/y', 'under a file\n'],
      ['z', 'never reached\n'],
    ]);
    await assert.rejects(commitFiles(env, root), {
      message:
        /^Writing stopped at x\/y: .*\. Written: x; not written: x\/y, z, \.yo-rc\.json\. Fix the cause and re-run the same command/,
    });
    assert.equal(existsSync(join(root, '.yo-rc.json')), false);
    assert.equal(existsSync(join(root, 'z')), false);
  });
});
