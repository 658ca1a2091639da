// The release path (docs/releasing.md): scripts/release.mjs's checks, each shown failing on a
// broken input (a file that must not ship, a file package.json names but the tarball lacks,
// versions apart, a tag that is not the version, exports publint and attw refuse), and this
// repository's .github/workflows/release.yml under actionlint, pinned from src/image/ci.ts, with
// the id-token in the publishing job only. `npm run release:check` runs the checks on the real
// tarballs (.ci/run).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from './helpers/generate.mjs';
import { ACTIONLINT_BIN, actionlintMissing } from './e2e/citools.mjs';
import { have, missing } from './e2e/tools.mjs';
import { USES } from '../dist/image/ci.js';
import {
  disallowedFiles,
  distTag,
  globRegExp,
  missingFiles,
  pack,
  releasedPackages,
  repositoryProblems,
  tarballProblems,
  versionProblems,
} from '../scripts/release.mjs';

const WORKFLOW = join(ROOT, '.github/workflows/release.yml');

describe('the tarball allow-lists', () => {
  it('globs: ** spans folders (or none), * stays within one', () => {
    assert.ok(globRegExp('dist/**/*.js').test('dist/cli.js'));
    assert.ok(globRegExp('dist/**/*.js').test('dist/lib/a/b.js'));
    assert.ok(!globRegExp('dist/chunks/*.js').test('dist/chunks/x/y.js'));
    assert.ok(!globRegExp('dist/**/*.js').test('dist/cli.jsx'));
  });
  it('refuse maps, tests, fixtures, sources and tarballs; generated Go tests are templates', () => {
    const files = [
      'dist/cli.js',
      'dist/lib/flags.d.ts',
      'dist/generators/docker/templates/verify/image_test.go.ejs',
      'dist/options/flags.js.map',
      'dist/test/x.js',
      'dist/fixtures/a.json',
      'src/cli.ts',
      'dist/lib/a.test.js',
      'dist/old.tgz',
      'notes.txt',
    ];
    assert.deepEqual(disallowedFiles('generator-go-minimal', files), files.slice(3));
    assert.deepEqual(disallowedFiles('create-go-minimal', ['dist/options/flags.js']), ['dist/options/flags.js']);
    assert.deepEqual(disallowedFiles('a-package-with-no-list', ['package.json']), ['package.json']);
  });
  it('what package.json names must be in the tarball (bin, main, types, every export)', () => {
    const pkg = {
      bin: { x: 'dist/cli.js' },
      main: './dist/index.js',
      types: './dist/index.d.ts',
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './extra': './dist/extra.js' },
    };
    const files = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'];
    assert.deepEqual(missingFiles(pkg, files), ['dist/cli.js', 'dist/extra.js']);
    assert.deepEqual(missingFiles({ bin: 'dist/cli.js' }, ['package.json', 'dist/cli.js']), ['README.md', 'LICENSE']);
  });
  it("create-go-minimal's LICENSE is the repository's", () => {
    const read = (/** @type {string} */ f) => readFileSync(join(ROOT, f), 'utf8');
    assert.equal(read('packages/create-go-minimal/LICENSE'), read('LICENSE'));
  });
});

describe('a real tarball with a planted file, and one with broken exports (mutations of the checks)', () => {
  /** This package as npm packs it, from a copy changed first. @param {(dir: string, pkg: Record<string, any>) => void} change */
  const packCopy = (change) => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-release-pkg-'));
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist'])
      cpSync(join(ROOT, f), join(dir, f), { recursive: true });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    change(dir, pkg);
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    mkdirSync(join(dir, '.out'));
    return { name: pkg.name, pkg, ...pack('', join(dir, '.out'), dir) };
  };
  it("unchanged, it passes every check but the registry's", () => {
    assert.deepEqual(tarballProblems(packCopy(() => {})).problems, []);
  });
  it('a source map in dist fails the file check, naming it', () => {
    const { problems } = tarballProblems(packCopy((dir) => writeFileSync(join(dir, 'dist/cli.js.map'), '{}')));
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0] ?? '', /not on its allow-list.*: dist\/cli\.js\.map$/);
  });
  it('exports whose types are not shipped fail the file check, publint and attw', () => {
    const { problems } = tarballProblems(
      packCopy((_, pkg) => {
        pkg.exports['.'] = { types: './dist/gone.d.ts', default: './dist/index.js' };
      }),
    );
    for (const check of [
      /^files its package\.json names, missing.*dist\/gone\.d\.ts/,
      /^publint: /,
      /^@arethetypeswrong\/cli: /,
    ])
      assert.ok(
        problems.some((p) => check.test(p)),
        `${check} not in:\n${problems.join('\n')}`,
      );
  });
});

describe('one version for both packages, and the tag', () => {
  const two = (a = '1.2.3', b = '1.2.3') => [
    { name: 'generator-go-minimal', version: a },
    { name: 'create-go-minimal', version: b },
  ];
  it('equal versions and their tag pass; a pre-release goes to the dist-tag next', () => {
    assert.deepEqual(versionProblems(two(), { '': '1.2.3' }, 'v1.2.3'), []);
    assert.deepEqual(versionProblems(two('1.3.0-rc.1', '1.3.0-rc.1'), {}, 'v1.3.0-rc.1'), []);
    assert.equal(distTag('1.3.0-rc.1'), 'next');
    assert.equal(distTag('1.3.0'), 'latest');
  });
  it('versions apart (package.json or package-lock.json) fail, naming each', () => {
    assert.deepEqual(versionProblems(two('1.2.3', '1.2.4'), {}), [
      'the packages are released with one version, but they have: generator-go-minimal 1.2.3, create-go-minimal 1.2.4',
    ]);
    assert.match(
      versionProblems(two(), { 'packages/x': '1.2.2' })[0] ?? '',
      /package-lock\.json "packages\/x" 1\.2\.2/,
    );
  });
  it('a tag that is not the version, or a version that is not X.Y.Z, fails', () => {
    assert.deepEqual(versionProblems(two(), {}, 'v1.2.4'), [
      'tag "v1.2.4" does not match the version: expected v1.2.3 for every package',
    ]);
    assert.deepEqual(versionProblems(two('1.2', '1.2'), {}), [
      'generator-go-minimal: version "1.2" is not X.Y.Z or X.Y.Z-pre',
      'create-go-minimal: version "1.2" is not X.Y.Z or X.Y.Z-pre',
    ]);
  });
  it("npm's provenance: package.json's repository.url must name the repository the workflow runs in", () => {
    const at = 'https://github.com/acme/go-minimal';
    const ok = { type: 'git', url: 'git+https://github.com/acme/go-minimal.git', directory: 'packages/x' };
    assert.deepEqual(
      repositoryProblems(
        [
          { name: 'a', repository: ok },
          { name: 'b', repository: `${at}.git` },
        ],
        at,
      ),
      [],
    );
    assert.deepEqual(
      repositoryProblems(
        [{ name: 'a' }, { name: 'b', repository: { url: 'git+https://github.com/other/x.git' } }],
        at,
      ).map((p) => p.split(';')[0]),
      [
        "a: package.json's repository.url is missing",
        `b: package.json's repository.url is "git+https://github.com/other/x.git"`,
      ],
    );
  });
  it('this repository: both packages and package-lock.json carry one version', () => {
    const { packages, lockVersions } = releasedPackages();
    assert.deepEqual(
      packages.map((p) => p.pkg.name),
      ['generator-go-minimal', 'create-go-minimal'],
    );
    const list = packages.map((p) => ({ name: p.pkg.name, version: p.pkg.version }));
    assert.deepEqual(versionProblems(list, lockVersions), []);
  });
});

describe('.github/workflows/release.yml', () => {
  const text = readFileSync(WORKFLOW, 'utf8');
  const wf = parse(text);
  const skip = missing([actionlintMissing(), !have('shellcheck') && 'shellcheck (Debian package)']);
  /** actionlint (with shellcheck on the run: scripts) on a workflow text. @param {string} body */
  const actionlint = (body) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-release-wf-')), '.github/workflows');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'release.yml'), body);
    return spawnSync(ACTIONLINT_BIN, ['-no-color', join(dir, 'release.yml')], { encoding: 'utf8', timeout: 60_000 });
  };
  it('passes actionlint', { skip }, () => {
    const r = actionlint(text);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  it('mutation: publishing after a job that does not exist fails actionlint', { skip }, () => {
    const r = actionlint(text.replace('needs: [check, test]', 'needs: [check, tests]'));
    assert.notEqual(r.status, 0, 'actionlint accepted needs: tests');
  });
  it('uses only the pins of src/image/ci.ts (full SHA, version comment)', () => {
    const uses = [...text.matchAll(/uses: (.*)$/gm)].map((m) => String(m[1]));
    assert.ok(uses.length >= 8, uses.join('\n'));
    for (const u of uses) assert.ok(Object.values(USES).includes(u), `${u} is not pinned as in src/image/ci.ts`);
  });
  it('runs on version tags only; publishes after the checks and the tests, with the id-token there only', () => {
    assert.deepEqual(Object.keys(wf.on), ['push']);
    assert.deepEqual(Object.keys(wf.on.push), ['tags']);
    assert.deepEqual(wf.permissions, { contents: 'read' });
    const { check, test, publish } = wf.jobs;
    assert.deepEqual(publish.needs, ['check', 'test']);
    assert.equal(test.needs, 'check');
    assert.deepEqual(publish.permissions, { contents: 'read', 'id-token': 'write' });
    for (const job of [check, test]) assert.equal(job.permissions, undefined);
    const runs = (/** @type {{ steps: { run?: string }[] }} */ job) => job.steps.map((s) => s.run ?? '').join('\n');
    assert.match(runs(check), /node scripts\/release\.mjs check --tag "\$GITHUB_REF_NAME" --out release-tarballs/);
    assert.match(runs(test), /bash \.ci\/run/);
    assert.match(runs(publish), /node scripts\/release\.mjs publish --tag "\$GITHUB_REF_NAME" --from release-tarballs/);
    assert.doesNotMatch(runs(publish), /npm (ci|install)(?! --global npm@)/, 'the publishing job installs packages');
  });
  it('publishes with provenance (scripts/release.mjs)', () => {
    const script = readFileSync(join(ROOT, 'scripts/release.mjs'), 'utf8');
    assert.match(script, /\['publish', tarball, '--provenance', '--access', 'public'/);
  });
});

describe('release.mjs publish, against a stand-in npm (the registry is not reached from here)', () => {
  const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  // The stand-in: `npm view` answers from published.txt, `npm publish` records its arguments (and
  // the user config's auth line) in calls.txt, or fails for the package named in FAIL_PUBLISH.
  const FAKE_NPM = `#!/usr/bin/env node
const fs = require('node:fs'), path = require('node:path');
const dir = process.env.FAKE_NPM_DIR, args = process.argv.slice(2);
const published = () => (fs.existsSync(path.join(dir, 'published.txt')) ? fs.readFileSync(path.join(dir, 'published.txt'), 'utf8').split('\\n') : []);
if (args[0] === 'config') { console.log('http://127.0.0.1:4873/'); process.exit(0); }
if (args[0] === 'view') { if (published().includes(args[1])) console.log(JSON.stringify(args[1].split('@')[1])); else { console.error('npm error code E404'); process.exit(1); } process.exit(0); }
if (args[0] === 'publish') {
  const id = path.basename(args[1], '.tgz').replace(/-(\\d[^-]*(-.*)?)$/, '@$1');
  if (process.env.FAIL_PUBLISH && id.startsWith(process.env.FAIL_PUBLISH + '@')) { console.error('npm error network'); process.exit(1); }
  const rc = process.env.NPM_CONFIG_USERCONFIG ? fs.readFileSync(process.env.NPM_CONFIG_USERCONFIG, 'utf8').trim() : 'no userconfig';
  fs.appendFileSync(path.join(dir, 'calls.txt'), [id, ...args.slice(2), '|', rc].join(' ') + '\\n');
  fs.appendFileSync(path.join(dir, 'published.txt'), id + '\\n');
  process.exit(0);
}
process.exit(2);
`;
  /** A folder with the stand-in npm and two tarballs of the given versions. */
  function setUp(versions = [VERSION, VERSION]) {
    const dir = mkdtempSync(join(tmpdir(), 'gm-release-publish-'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin/npm'), FAKE_NPM, { mode: 0o755 });
    mkdirSync(join(dir, 'tarballs'));
    ['generator-go-minimal', 'create-go-minimal'].forEach((name, i) => {
      const src = join(dir, `src-${name}`, 'package');
      mkdirSync(src, { recursive: true });
      writeFileSync(join(src, 'package.json'), JSON.stringify({ name, version: versions[i] }));
      const tgz = join(dir, 'tarballs', `${name}-${versions[i]}.tgz`);
      assert.equal(spawnSync('tar', ['-czf', tgz, '-C', join(src, '..'), 'package']).status, 0);
    });
    return dir;
  }
  /** @param {string} dir @param {string} tag @param {NodeJS.ProcessEnv} [env] */
  function publish(dir, tag, env = {}) {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts/release.mjs'), 'publish', '--tag', tag, '--from', join(dir, 'tarballs')],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, FAKE_NPM_DIR: dir, ...env },
      },
    );
    const calls = (() => {
      try {
        return readFileSync(join(dir, 'calls.txt'), 'utf8').trim().split('\n');
      } catch {
        return [];
      }
    })();
    return { status: r.status, out: r.stdout + r.stderr, calls };
  }
  const tagOf = `v${VERSION}`;
  const gen = `generator-go-minimal@${VERSION}`;
  const create = `create-go-minimal@${VERSION}`;

  it('publishes both, generator-go-minimal first, with provenance, publicly, under the right dist-tag', () => {
    const r = publish(setUp(), tagOf);
    assert.equal(r.status, 0, r.out);
    const tail = `--provenance --access public --tag ${VERSION.includes('-') ? 'next' : 'latest'} | no userconfig`;
    assert.deepEqual(r.calls, [`${gen} ${tail}`, `${create} ${tail}`]);
  });
  it('a re-run after a failure half-way publishes only what is missing', () => {
    const dir = setUp();
    const first = publish(dir, tagOf, { FAIL_PUBLISH: 'create-go-minimal' });
    assert.equal(first.status, 1);
    assert.match(first.out, new RegExp(`npm publish ${create} failed after ${gen} was published: re-run this job`));
    const again = publish(dir, tagOf);
    assert.equal(again.status, 0, again.out);
    assert.match(again.out, new RegExp(`${gen} is already on the registry`));
    assert.deepEqual(
      again.calls.map((c) => c.split(' ')[0]),
      [gen, create],
    );
  });
  it('refuses, publishing nothing: a tag that is not the version, versions apart, a tarball missing', () => {
    const oneMissing = setUp();
    rmSync(join(oneMissing, 'tarballs', `create-go-minimal-${VERSION}.tgz`));
    for (const [dir, tag, why] of [
      [setUp(), 'v9.9.9', /tag "v9\.9\.9" does not match the version/],
      [setUp([VERSION, '9.9.9']), tagOf, /released with one version/],
      [oneMissing, tagOf, /holds generator-go-minimal; a release is generator-go-minimal and create-go-minimal/],
    ]) {
      const r = publish(/** @type {string} */ (dir), /** @type {string} */ (tag));
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /** @type {RegExp} */ (why));
      assert.deepEqual(r.calls, []);
    }
  });
  it('a token (first publish) reaches npm as a reference to NODE_AUTH_TOKEN, never written', () => {
    const r = publish(setUp(), tagOf, { NODE_AUTH_TOKEN: 'secret-value' });
    assert.equal(r.status, 0, r.out);
    for (const call of r.calls) assert.ok(call.endsWith('| //127.0.0.1:4873/:_authToken=${NODE_AUTH_TOKEN}'), call);
    assert.doesNotMatch(r.calls.join('\n'), /secret-value/);
  });
});
