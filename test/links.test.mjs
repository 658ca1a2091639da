// The link check of `npm run lint` (`npm run lint:links`: remark-validate-links, .remarkrc.mjs)
// passes on the repository's markdown and fails, naming the link, on each way a link breaks: an
// anchor to a heading that is not there (in the same page or another), a heading renamed under
// its links, and a missing page. Mutations run on a copy of every markdown file, so the tree is
// never touched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers/generate.mjs';

const SKIP = new Set(['node_modules', '.git', 'dist']);
const REMARK = join(ROOT, 'node_modules/.bin/remark');

/** The lint:links command line from package.json, without its program name. */
function linkArgs() {
  const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['lint:links'];
  assert.match(script, /^remark /, 'lint:links runs remark');
  return script.split(/\s+/).slice(1);
}

/** Every markdown file of the repository (as remark's `.` finds them), copied into a new folder. */
function copyMarkdown() {
  const dir = mkdtempSync(join(tmpdir(), 'gm-links-'));
  const walk = (rel) => {
    for (const entry of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) {
        mkdirSync(join(dir, dirname(path)), { recursive: true });
        cpSync(join(ROOT, path), join(dir, path));
      }
    }
  };
  walk('');
  return dir;
}

/** Runs the link check in `dir` with the repository's configuration. */
function check(dir) {
  return spawnSync(REMARK, [...linkArgs(), '--no-color', '--rc-path', join(ROOT, '.remarkrc.mjs')], {
    cwd: dir,
    encoding: 'utf8',
  });
}

/** Replaces `from` with `to` in one file of `dir` (exactly once, so a mutation cannot miss). */
function mutate(dir, file, from, to) {
  const text = readFileSync(join(dir, file), 'utf8');
  assert.equal(text.split(from).length, 2, `${file} holds ${JSON.stringify(from)} exactly once`);
  writeFileSync(join(dir, file), text.replace(from, to));
}

describe('npm run lint:links', () => {
  it('passes on the repository as it is (README, docs/ and every other markdown file)', () => {
    const r = check(copyMarkdown());
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  const mutations = [
    {
      name: 'an anchor into another page that names no heading there',
      file: 'README.md',
      from: '(docs/cluster.md#kubernetes)',
      to: '(docs/cluster.md#kubernetes-manifests)',
      says: /Cannot find heading for `#kubernetes-manifests` in `docs\/cluster\.md`/,
    },
    {
      name: 'an anchor in the same page that names no heading',
      file: 'docs/images-and-engines.md',
      from: '- [`make verify`](#make-verify)',
      to: '- [`make verify`](#make-verification)',
      says: /Cannot find heading for `#make-verification`/,
    },
    {
      name: 'a heading renamed under the links that point to it',
      file: 'docs/ci-and-bots.md',
      from: '## Keeping current: Renovate and Dependabot\n',
      to: '## Update bots\n',
      says: /Cannot find heading for `#keeping-current-renovate-and-dependabot` in `docs\/ci-and-bots\.md`/,
    },
    {
      name: 'a link to a page that does not exist',
      file: 'README.md',
      from: '[Updates](docs/updates.md))',
      to: '[Updates](docs/update.md))',
      says: /Cannot find file `docs\/update\.md`/,
    },
  ];
  for (const m of mutations) {
    it(`mutation: ${m.name} fails it, naming the link`, () => {
      const dir = copyMarkdown();
      mutate(dir, m.file, m.from, m.to);
      const r = check(dir);
      assert.equal(r.status, 1, `the broken link was accepted:\n${r.stdout}${r.stderr}`);
      assert.match(r.stderr, m.says);
    });
  }
});
