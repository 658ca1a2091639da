// The field's own checkers of the generated CI and bot files, pinned here and installed once into
// a tools folder by `node test/e2e/citools.mjs install` (.ci/install-system runs it): actionlint,
// built from the Go module proxy, and Renovate (its renovate-config-validator and its managers),
// from npm into a prefix of its own. Renovate 44 requires Node ≥ 24.11: it runs under the Node 24
// that .ci/install-node installs. The tests only look here; a missing tool goes through
// tools.mjs's skip policy (a failure under CI).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodes } from './package-helpers.mjs';
import { TOOLCHAIN_PATCHES } from './toolchains.mjs';

/** actionlint v1.7.12: the newest the module proxy served on 2026-11-29 (`go install` in 32 s cold). */
export const ACTIONLINT = { module: 'github.com/rhysd/actionlint/cmd/actionlint', version: 'v1.7.12' };
/**
 * golangci-lint and govulncheck: the generated CI's pins (src/image/ci.ts GO_TOOLS; ci-checks.test
 * keeps the two equal: this file runs before dist/ is built). Built with the newest Go of the
 * matrix: a tool built with Go 1.26 refuses (golangci-lint) or misreads (govulncheck) a module of
 * Go 1.27, as the generated CI's `go run` with the project's own Go never does.
 */
const TOOL_GO = `go${TOOLCHAIN_PATCHES.at(-1)}`;
const GO_TOOLS = {
  golangciLint: { module: 'github.com/golangci/golangci-lint/v2/cmd/golangci-lint', version: 'v2.15.0' },
  govulncheck: { module: 'golang.org/x/vuln/cmd/govulncheck', version: 'v1.9.0' },
};
export { GO_TOOLS as CI_GO_TOOLS };
/** Where each is installed: TOOLS_DIR/<name>-<version>/<name>. @param {keyof typeof GO_TOOLS} name */
export const goToolBin = (name) => {
  const t = GO_TOOLS[name];
  const bin = t.module.split('/').at(-1) ?? name;
  return path.join(TOOLS_DIR, `${bin}-${t.version}-${TOOL_GO}`, bin);
};
/** Why a Go tool cannot run, or undefined. @param {keyof typeof GO_TOOLS} name */
export const goToolMissing = (name) =>
  existsSync(goToolBin(name)) ? undefined : `${name} ${GO_TOOLS[name].version} at ${goToolBin(name)}`;

/** renovate on npm, 2026-11-29 (engines: node ^24.11.0). */
export const RENOVATE_VERSION = '44.121.2';

/** GO_MINIMAL_TOOLS_DIR, else ~/.cache/go-minimal/tools (beside .ci/install-node's Nodes). */
export const TOOLS_DIR =
  process.env.GO_MINIMAL_TOOLS_DIR ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'go-minimal/tools');

export const ACTIONLINT_BIN = path.join(TOOLS_DIR, `actionlint-${ACTIONLINT.version}`, 'actionlint');
const RENOVATE_PREFIX = path.join(TOOLS_DIR, `renovate-${RENOVATE_VERSION}`);
/** The installed renovate package (dist/, renovate-schema.json). */
export const RENOVATE_PKG = path.join(RENOVATE_PREFIX, 'node_modules/renovate');

/** The Node that runs Renovate, or the reason there is none. @returns {{ exec?: string, reason?: string }} */
export function renovateNode() {
  const n = nodes().find((x) => x.major === 24);
  return n?.exec ? { exec: n.exec } : { reason: n?.reason ?? 'Node 24 is not installed: run bash .ci/install-node' };
}

/** Why actionlint cannot run, or undefined. */
export const actionlintMissing = () =>
  existsSync(ACTIONLINT_BIN) ? undefined : `actionlint ${ACTIONLINT.version} at ${ACTIONLINT_BIN}`;

/** Why Renovate cannot run, or undefined. */
export function renovateMissing() {
  if (!existsSync(path.join(RENOVATE_PKG, 'dist/config-validator.js')))
    return `renovate ${RENOVATE_VERSION} under ${RENOVATE_PREFIX}`;
  return renovateNode().reason;
}

/** Installs what is missing; returns one line per tool. */
function install() {
  const lines = [];
  if (actionlintMissing()) {
    mkdirSync(path.dirname(ACTIONLINT_BIN), { recursive: true });
    const r = spawnSync('go', ['install', `${ACTIONLINT.module}@${ACTIONLINT.version}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GOBIN: path.dirname(ACTIONLINT_BIN), GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    });
    if (r.status !== 0) throw new Error(`citools: go install ${ACTIONLINT.module}@${ACTIONLINT.version} failed`);
  }
  lines.push(`actionlint ${ACTIONLINT.version}`);
  for (const name of /** @type {(keyof typeof GO_TOOLS)[]} */ (Object.keys(GO_TOOLS))) {
    if (!goToolMissing(name)) continue;
    const t = GO_TOOLS[name];
    mkdirSync(path.dirname(goToolBin(name)), { recursive: true });
    // GOTOOLCHAIN names the toolchain module, fetched through the Go module proxy if missing.
    const r = spawnSync('go', ['install', `${t.module}@${t.version}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GOBIN: path.dirname(goToolBin(name)), GOTOOLCHAIN: TOOL_GO, GOFLAGS: '-mod=mod' },
    });
    if (r.status !== 0) throw new Error(`citools: go install ${t.module}@${t.version} failed`);
  }
  lines.push(...Object.entries(GO_TOOLS).map(([n, t]) => `${n} ${t.version}`));
  if (!existsSync(path.join(RENOVATE_PKG, 'dist/config-validator.js'))) {
    // Optional dependencies are native add-ons (re2, …) that the validator and managers do
    // without; leaving them out halves the cold install (1 m 45 s against 3 m 9 s here).
    const r = spawnSync(
      'npm',
      ['install', '--prefix', RENOVATE_PREFIX, `renovate@${RENOVATE_VERSION}`, '--omit=optional'].concat(
        '--no-audit --no-fund --no-save --loglevel=error'.split(' '),
      ),
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (r.status !== 0) throw new Error(`citools: npm install renovate@${RENOVATE_VERSION} failed`);
  }
  lines.push(`renovate ${RENOVATE_VERSION}`);
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'install') {
  console.log(`ci tools ready: ${install().join(', ')} in ${TOOLS_DIR}`);
}
