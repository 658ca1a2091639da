// --ci and --bot: which files each choice writes (app and docker generators), the one refused
// pair, the pinned actions table and what the rendered files say. The field's own checkers of
// these files (actionlint, GitLab's schema, Renovate) run in test/e2e/ci-files.test.mjs and
// test/e2e/renovate.test.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { CLI, DOCKER, FIXTURES, helpers, runYes } from './helpers/generate.mjs';
import { ACTIONS, ALL_CI_TEMPLATES, BOT_FILES, CI_FILES, GO_TOOLS, ciBotConflict, usesLine } from '../dist/image/ci.js';
import { OPTIONS } from '../dist/options/table.js';
import { checkOption } from '../dist/options/check.js';

const ALL_DESTS = [...Object.values(CI_FILES), ...Object.values(BOT_FILES)].flat().map((f) => f.dest);

/** @param {string} cwd @returns {string[]} the CI and bot files present */
const ciFilesIn = (cwd) => {
  const present = readdirSync(cwd, { recursive: true }).map(String);
  return ALL_DESTS.filter((d) => present.includes(d)).sort();
};

describe('the ci and bot options (table)', () => {
  it('default to GitHub Actions and Renovate, stored, owned by both generators', () => {
    for (const name of ['ci', 'bot']) {
      assert.equal(OPTIONS[name].stored, true, name);
      assert.ok(OPTIONS[name].owners.app && OPTIONS[name].owners.docker, name);
    }
    assert.equal(OPTIONS.ci.default({}), 'github');
    assert.equal(OPTIONS.bot.default({}), 'renovate');
  });
  it('accept their choices and refuse others in one line naming flag, value and choices', () => {
    assert.equal(checkOption('ci', 'gitlab', { kind: 'flag' }), 'gitlab');
    assert.throws(
      () => checkOption('ci', 'jenkins', { kind: 'flag' }),
      /^OptionError: Invalid --ci "jenkins": use one of: github, gitlab, none\.$/,
    );
    assert.throws(() => checkOption('bot', 'snyk', { kind: 'flag' }), /Invalid --bot "snyk": use one of: renovate/);
  });
  it('refuse Dependabot on GitLab only', () => {
    assert.match(ciBotConflict({ ci: 'gitlab', bot: 'dependabot' }) ?? '', /Dependabot runs only on GitHub/);
    for (const ci of ['github', 'none']) assert.equal(ciBotConflict({ ci, bot: 'dependabot' }), undefined);
    assert.equal(ciBotConflict({ ci: 'gitlab', bot: 'renovate' }), undefined);
  });
  it('lists every template once', () => assert.equal(new Set(ALL_CI_TEMPLATES).size, ALL_CI_TEMPLATES.length));
});

describe('the actions table', () => {
  it('pins every action by a full commit SHA with its release tag', () => {
    for (const pin of Object.values(ACTIONS)) {
      assert.match(pin.sha, /^[0-9a-f]{40}$/, pin.action);
      assert.match(pin.version, /^v\d+\.\d+\.\d+$/, pin.action);
      assert.equal(usesLine(pin), `${pin.action}@${pin.sha} # ${pin.version}`);
    }
  });
});

describe('files per choice (app)', () => {
  const cases = [
    [{}, ['.github/workflows/ci.yml', '.github/workflows/release.yml', 'renovate.json']],
    [{ ci: 'gitlab' }, ['.gitlab-ci.yml', 'renovate.json']],
    [{ ci: 'none', bot: 'dependabot' }, ['.github/dependabot.yml']],
    [{ ci: 'none', bot: 'none' }, []],
  ];
  for (const [options, expected] of cases) {
    it(`${JSON.stringify(options)} writes ${expected.join(', ') || 'no CI or bot file'}`, async () => {
      const result = await runYes(options);
      assert.deepEqual(ciFilesIn(result.cwd), [...expected].sort());
    });
  }
});

describe('rendered GitHub workflows (default app)', () => {
  /** @type {Record<string, string>} */
  const text = {};
  before(async () => {
    const result = await runYes();
    for (const f of ['ci.yml', 'release.yml']) text[f] = readFileSync(join(result.cwd, '.github/workflows', f), 'utf8');
  });
  it('uses only actions of the table, each by SHA with its tag', () => {
    const uses = Object.values(text).flatMap((t) => [...t.matchAll(/uses: (\S+)(.*)$/gm)].map((m) => m[1] + m[2]));
    assert.ok(uses.length >= 9, uses.join('\n'));
    const allowed = new Set(Object.values(ACTIONS).map(usesLine));
    for (const u of uses) assert.ok(allowed.has(u), u);
  });
  it('ci: setup-go reads go.mod; gofmt, vet, test -race, golangci-lint, govulncheck, check-go-version, verify', () => {
    assert.match(text['ci.yml'], /go-version-file: go\.mod/);
    assert.doesNotMatch(text['ci.yml'], /go-version: /);
    for (const step of [
      'gofmt -l .',
      'go vet ./...',
      'go test -race ./...',
      `go run ${GO_TOOLS.golangciLint.module}@${GO_TOOLS.golangciLint.version} run ./...`,
      `go run ${GO_TOOLS.govulncheck.module}@${GO_TOOLS.govulncheck.version} ./...`,
      'check-go-version',
      'make -f docker.mk verify',
    ])
      assert.ok(text['ci.yml'].includes(step), step);
    // The linter runs where its config is: the app's .golangci.yml, not an existing module's defaults.
    assert.match(text['ci.yml'], /if: hashFiles\('\.golangci\.yml'\) != ''\n/);
  });
  it('release: two platforms, SBOM, max provenance, index annotations, keyless signing of the digest', () => {
    const r = text['release.yml'];
    for (const s of [
      'platforms: linux/amd64,linux/arm64',
      'sbom: true',
      'provenance: mode=max',
      'index:org.opencontainers.image.source=',
      'id-token: write',
      'packages: write',
      'cosign sign --yes "${IMAGE}@${DIGEST}"',
      'DIGEST: ${{ steps.build.outputs.digest }}',
    ])
      assert.ok(r.includes(s), s);
  });
  it('names no registry but GitHub’s own (and the GitLab file none)', async () => {
    const gitlab = await runYes({ ci: 'gitlab' });
    // The pinned Go tools' module paths are fetched through the Go module proxy: not registries.
    const modules = Object.values(GO_TOOLS).map((t) => t.module.split('/')[0]);
    const hostsIn = (t) =>
      [...new Set([...t.matchAll(/\b((?:[a-z0-9-]+\.)+[a-z]{2,})\//g)].map((m) => m[1]))].filter(
        (h) => !modules.includes(h),
      );
    assert.deepEqual(hostsIn(Object.values(text).join('\n')), ['ghcr.io']);
    assert.deepEqual(hostsIn(readFileSync(join(gitlab.cwd, '.gitlab-ci.yml'), 'utf8')), []);
  });
});

describe('rendered bot files', () => {
  it('renovate.json: digest pins, one Go toolchain group with gomodTidy, action SHAs', async () => {
    const result = await runYes();
    const cfg = JSON.parse(readFileSync(join(result.cwd, 'renovate.json'), 'utf8'));
    assert.deepEqual(cfg.extends, ['config:recommended', 'docker:pinDigests', 'helpers:pinGitHubActionDigests']);
    assert.deepEqual(cfg.postUpdateOptions, ['gomodTidy']);
    const group = cfg.packageRules.find((r) => r.groupName === 'Go toolchain');
    assert.deepEqual(group.matchDepNames, ['go', 'golang']);
  });
  it('dependabot.yml: gomod, docker, and github-actions only with GitHub workflows', async () => {
    const ecosystems = async (options) => {
      const result = await runYes({ bot: 'dependabot', ...options });
      const text = readFileSync(join(result.cwd, '.github/dependabot.yml'), 'utf8');
      return [...text.matchAll(/package-ecosystem: (\S+)/g)].map((m) => m[1]);
    };
    assert.deepEqual(await ecosystems({}), ['gomod', 'docker', 'github-actions']);
    assert.deepEqual(await ecosystems({ ci: 'none' }), ['gomod', 'docker']);
  });
});

describe('go-minimal docker writes the same CI files for an existing module', () => {
  it('--ci gitlab --bot none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-cidocker-'));
    cpSync(join(FIXTURES, 'root-main'), dir, { recursive: true });
    const result = await helpers.run(DOCKER).cd(dir).withOptions({ yes: true, ci: 'gitlab', bot: 'none' });
    assert.deepEqual(ciFilesIn(result.cwd), ['.gitlab-ci.yml']);
    result.assertFileContent('.gitlab-ci.yml', /image: golang:1\.23\.4-alpine/);
  });
});

describe('--ci gitlab --bot dependabot (bin)', () => {
  it('is refused in one line, exit 1, nothing written', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-cibot-')), 'svc');
    const r = spawnSync(process.execPath, [CLI, dir, '--yes', '--ci', 'gitlab', '--bot', 'dependabot'], {
      encoding: 'utf8',
      stdin: 'ignore',
    });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.equal(
      r.stderr,
      'go-minimal: Invalid --bot "dependabot" with --ci gitlab: Dependabot runs only on GitHub; use --bot renovate (it runs on GitLab too) or --bot none.\n',
    );
    assert.equal(spawnSync('test', ['-e', dir]).status, 1, 'nothing written');
  });
});

describe("the project's README says what its CI and bot files do", () => {
  it('in a section of its own, left out when there are none', async () => {
    const withCi = await runYes({ bot: 'dependabot' });
    withCi.assertFileContent('README.md', /^## CI and updates$/m);
    withCi.assertFileContent('README.md', /make check-go-version` fails until both name the same Go/);
    const none = await runYes({ ci: 'none', bot: 'none' });
    none.assertNoFileContent('README.md', /CI and updates/);
  });
});
