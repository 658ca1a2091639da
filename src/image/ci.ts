/**
 * CI and update-bot files: the choices of `--ci` and `--bot`, which files each writes, and the one
 * table of GitHub Actions pins that every workflow template reads (a bump is one line here).
 */
/** `--ci`: GitHub Actions (ci.yml + release.yml), GitLab CI (.gitlab-ci.yml), or nothing. */
export const CI_KINDS = ['github', 'gitlab', 'none'] as const;
export type CiKind = (typeof CI_KINDS)[number];

/** `--bot`: Renovate (renovate.json), Dependabot (.github/dependabot.yml), or nothing. */
export const BOTS = ['renovate', 'dependabot', 'none'] as const;
export type Bot = (typeof BOTS)[number];

export interface ActionPin {
  /** owner/repo */
  action: string;
  /** The release tag the SHA is, written as the comment Renovate and Dependabot keep in step. */
  version: string;
  sha: string;
}

/**
 * Every action the workflows use, pinned by full commit SHA. GitHub is not reachable from where
 * this was written, so each SHA is one that public workflows state for that tag, found in at
 * least two unrelated ones (the search tool's code index, 2026-11; stored file ids in brackets):
 * - actions/checkout v4.2.2 [20991418973, 56056477982, 54568551270]
 * - actions/setup-go v5.5.0 [56056477982, 54568551270, vitessio/vitess test/templates 11244057286]
 * - docker/setup-qemu-action v3.6.0 [20991418973, 54698197945, 55602452968]
 * - docker/setup-buildx-action v3.11.1 [2387565779, 55602452968, 62045185829]
 * - docker/login-action v3.4.0 [2387565779, 58560634314]
 * - docker/build-push-action v6.18.0 [2387565779, 62045185829, 59175213262]
 * - sigstore/cosign-installer v3.9.2 [56771789776, 57386612776, 18099387415]
 * - actions/upload-artifact v4.6.2 [68864636387, 71357086083, 26752713167] (release.yml with
 *   --kubernetes: the manifests pinned to the released digest)
 * - actions/setup-node v4.4.0 [57668216919 ("maps to v4.4.0"), 56101819629, 52752313704] (the
 *   README's fleet recipe only; test/e2e/fleet-recipe.test.mjs keeps it equal to this table)
 * - actions/download-artifact v4.3.0 [28330816063, 59688073272, 65858412790, 56536911504] (this
 *   repository's own .github/workflows/release.yml only; test/release.test.mjs keeps it equal)
 * (One file in that index had a mistyped build-push-action SHA, and another reported a run that
 * failed on guessed SHAs: hence two sources for each.)
 */
export const ACTIONS = {
  checkout: { action: 'actions/checkout', version: 'v4.2.2', sha: '11bd71901bbe5b1630ceea73d27597364c9af683' },
  setupGo: { action: 'actions/setup-go', version: 'v5.5.0', sha: 'd35c59abb061a4a6fb18e82ac0862c26744d6ab5' },
  uploadArtifact: {
    action: 'actions/upload-artifact',
    version: 'v4.6.2',
    sha: 'ea165f8d65b6e75b540449e92b4886f43607fa02',
  },
  setupNode: { action: 'actions/setup-node', version: 'v4.4.0', sha: '49933ea5288caeca8642d1e84afbd3f7d6820020' },
  downloadArtifact: {
    action: 'actions/download-artifact',
    version: 'v4.3.0',
    sha: 'd3f86a106a0bac45b974a628896c90dbdf5c8093',
  },
  setupQemu: {
    action: 'docker/setup-qemu-action',
    version: 'v3.6.0',
    sha: '29109295f81e9208d7d86ff1c6c12d2833863392',
  },
  setupBuildx: {
    action: 'docker/setup-buildx-action',
    version: 'v3.11.1',
    sha: 'e468171a9de216ec08956ac3ada2f0791b6bd435',
  },
  login: { action: 'docker/login-action', version: 'v3.4.0', sha: '74a5d142397b4f367a81961eba4e8cd7edddf772' },
  buildPush: {
    action: 'docker/build-push-action',
    version: 'v6.18.0',
    sha: '263435318d21b8e681c14492fe198d362a7d2c83',
  },
  cosignInstaller: {
    action: 'sigstore/cosign-installer',
    version: 'v3.9.2',
    sha: 'd58896d6a1865668819e1d91763c7751a165e159',
  },
} as const satisfies Record<string, ActionPin>;
export type ActionName = keyof typeof ACTIONS;

/**
 * The Go tools the generated CI runs (and `make lint` / `make vuln`), by module and version: `go
 * run module@version`, so no action SHA or download URL is trusted besides the Go module proxy's
 * checksummed modules. A bump is one line here (this repository's e2e builds the same pins).
 * - golangci-lint v2.15.0 and govulncheck (golang.org/x/vuln) v1.9.0: the newest the Go module
 *   proxy served on 2026-12-03; both build with Go 1.26 or newer (their go.mod), which `go run`
 *   fetches as a toolchain when the project's Go is older.
 */
export const GO_TOOLS = {
  golangciLint: { module: 'github.com/golangci/golangci-lint/v2/cmd/golangci-lint', version: 'v2.15.0' },
  govulncheck: { module: 'golang.org/x/vuln/cmd/govulncheck', version: 'v1.9.0' },
} as const;
export type GoToolName = keyof typeof GO_TOOLS;

/** `module@version` of each tool: what the Makefile's `go run` names. */
export const GO_TOOL_REFS: Readonly<Record<GoToolName, string>> = Object.fromEntries(
  Object.entries(GO_TOOLS).map(([name, t]) => [name, `${t.module}@${t.version}`]),
) as Record<GoToolName, string>;

/** `owner/repo@sha # vX.Y.Z`: the value of a step's `uses:` (the comment is what bots update). */
export function usesLine(pin: ActionPin): string {
  return `${pin.action}@${pin.sha} # ${pin.version}`;
}

/** Every pin as a `uses:` value, by name: what the templates print. */
export const USES: Readonly<Record<ActionName, string>> = Object.fromEntries(
  Object.entries(ACTIONS).map(([name, pin]) => [name, usesLine(pin)]),
) as Record<ActionName, string>;

/** Template (under the docker generator's templates/) → destination, per choice. */
export const CI_FILES: Readonly<Record<CiKind, readonly { template: string; dest: string }[]>> = {
  github: [
    { template: 'ci/github-ci.yml.ejs', dest: '.github/workflows/ci.yml' },
    { template: 'ci/github-release.yml.ejs', dest: '.github/workflows/release.yml' },
  ],
  // Stored without the dot: npm pack drops some dotfiles from tarballs.
  gitlab: [{ template: 'ci/gitlab-ci.yml.ejs', dest: '.gitlab-ci.yml' }],
  none: [],
};

export const BOT_FILES: Readonly<Record<Bot, readonly { template: string; dest: string }[]>> = {
  renovate: [{ template: 'ci/renovate.json.ejs', dest: 'renovate.json' }],
  dependabot: [{ template: 'ci/dependabot.yml.ejs', dest: '.github/dependabot.yml' }],
  none: [],
};

/** Every CI and bot template, chosen or not (a preset's override of one is never an extra file). */
export const ALL_CI_TEMPLATES: readonly string[] = [...Object.values(CI_FILES), ...Object.values(BOT_FILES)]
  .flat()
  .map((f) => f.template);

/**
 * Why a ci/bot pair cannot work, or undefined. Dependabot is a GitHub service: a `.github/
 * dependabot.yml` in a GitLab project is never read, so the pair is refused rather than written
 * as a file that silently does nothing (Renovate runs on both).
 */
export function ciBotConflict(answers: { ci?: CiKind; bot?: Bot }): string | undefined {
  if (answers.bot !== 'dependabot' || answers.ci !== 'gitlab') return undefined;
  return 'Invalid --bot "dependabot" with --ci gitlab: Dependabot runs only on GitHub; use --bot renovate (it runs on GitLab too) or --bot none.';
}

/**
 * The CI step that fails a commit still holding merge conflict markers (git's, or `go-minimal
 * update`'s diff3 style): every tracked text file (`git grep -I`), a line that starts with seven
 * `<`, `|` or `>` then a space or its end, named by file and line (a GitHub annotation on GitHub).
 * `=======` alone is not matched: it is also a Markdown heading's underline. POSIX sh.
 */
export function conflictMarkerCheck(format: 'github' | 'plain'): string[] {
  const report =
    format === 'github'
      ? `echo "::error file=$file,line=$line::merge conflict marker"`
      : `echo "$file:$line: merge conflict marker"`;
  return [
    'status=0',
    `found=$(git grep -n -I -E '^(<{7}|[|]{7}|>{7})( |$)' -- .) || status=$?`,
    '# git grep: 0 found, 1 none, more: an error.',
    'if [ "$status" -gt 1 ]; then exit "$status"; fi',
    'if [ "$status" -eq 0 ]; then',
    `  printf '%s\\n' "$found" | while IFS=: read -r file line _; do ${report}; done`,
    '  exit 1',
    'fi',
  ];
}
