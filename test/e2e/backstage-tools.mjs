// Backstage's own code for the Backstage proof (test/e2e/backstage.test.mjs), pinned here and
// installed once into the tools folder by `node test/e2e/backstage-tools.mjs install`
// (.ci/install-system runs it beside the other tools):
// - from npm, into a prefix of its own: the scaffolder's run:yeoman action
//   (@backstage/plugin-scaffolder-backend-module-yeoman), the mock action context of
//   @backstage/plugin-scaffolder-node-test-utils, @backstage/catalog-model (entity policies and
//   kind validators), @backstage/plugin-scaffolder-common (the Template validator) and
//   react-jsonschema-form's utils (what the form shows for given answers). The yeoman
//   module 0.4.26 asks for test-utils ^0.3.15, which the registry here does not serve: npm's
//   `overrides` pins the 0.3.14 it does (the action's code does not load it). nunjitsu, which
//   scaffolder-common loads, requires Node ≥ 22: the probe runs under .ci/install-node's Node 22.
// - from PyPI, into a virtual environment: mkdocs-techdocs-core (TechDocs' mkdocs and plugins).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS_DIR } from './citools.mjs';
import { nodes } from './package-helpers.mjs';

/** On npm, 2026-12-03 (the newest the registry here served of each). */
export const BACKSTAGE = {
  '@backstage/plugin-scaffolder-backend-module-yeoman': '0.4.26',
  '@backstage/plugin-scaffolder-node-test-utils': '0.3.14',
  '@backstage/catalog-model': '1.10.3',
  '@backstage/plugin-scaffolder-common': '2.4.0',
  // Backstage's mock action context is written for jest (jest.fn()): jest's own mock functions.
  'jest-mock': '30.5.2',
  // The form: react-jsonschema-form's schema resolution, the version
  // @backstage/plugin-scaffolder-react 3.0.0 pins (npm, 2026-12-04), with its validator.
  '@rjsf/utils': '5.24.13',
  '@rjsf/validator-ajv8': '5.24.13',
};
/** On PyPI, 2026-12-03. */
export const TECHDOCS_CORE = '1.7.1';

const BACKSTAGE_PREFIX = path.join(
  TOOLS_DIR,
  `backstage-${BACKSTAGE['@backstage/plugin-scaffolder-backend-module-yeoman']}`,
);
/** node_modules of the Backstage packages. */
export const BACKSTAGE_MODULES = path.join(BACKSTAGE_PREFIX, 'node_modules');
const TECHDOCS_VENV = path.join(TOOLS_DIR, `techdocs-core-${TECHDOCS_CORE}`);
export const MKDOCS = path.join(TECHDOCS_VENV, 'bin/mkdocs');

/** The Node that runs Backstage's code (22: nunjitsu's engines), or the reason there is none. @returns {{ exec?: string, reason?: string }} */
export function backstageNode() {
  const n = nodes().find((x) => x.major === 22);
  return n?.exec ? { exec: n.exec } : { reason: n?.reason ?? 'Node 22 is not installed: run bash .ci/install-node' };
}

/** Every pinned package is there. */
const backstageInstalled = () =>
  Object.keys(BACKSTAGE).every((name) => existsSync(path.join(BACKSTAGE_MODULES, name, 'package.json')));

/** Why the Backstage packages cannot run, or undefined. */
export function backstageMissing() {
  if (!backstageInstalled()) return `Backstage's packages under ${BACKSTAGE_PREFIX}`;
  return backstageNode().reason;
}

/** Why mkdocs with techdocs-core cannot run, or undefined. */
export const techdocsMissing = () =>
  existsSync(MKDOCS) ? undefined : `mkdocs-techdocs-core ${TECHDOCS_CORE} at ${TECHDOCS_VENV}`;

/** Installs what is missing; returns one line per tool. */
function install() {
  const lines = [];
  if (!backstageInstalled()) {
    mkdirSync(BACKSTAGE_PREFIX, { recursive: true });
    const test = '@backstage/plugin-scaffolder-node-test-utils';
    writeFileSync(
      path.join(BACKSTAGE_PREFIX, 'package.json'),
      `${JSON.stringify({ private: true, dependencies: BACKSTAGE, overrides: { [test]: BACKSTAGE[test] } }, null, 2)}\n`,
    );
    // No install scripts: native add-ons (better-sqlite3, …) of the backend test utilities would
    // download prebuilt binaries, and nothing the proof loads needs them.
    const r = spawnSync(
      'npm',
      ['install', '--prefix', BACKSTAGE_PREFIX, '--ignore-scripts', '--omit=optional'].concat(
        '--no-audit --no-fund --loglevel=error'.split(' '),
      ),
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: 15 * 60_000 },
    );
    if (r.status !== 0) throw new Error(`backstage-tools: npm install in ${BACKSTAGE_PREFIX} failed`);
  }
  lines.push(`backstage (yeoman action ${BACKSTAGE['@backstage/plugin-scaffolder-backend-module-yeoman']})`);
  if (techdocsMissing()) {
    const venv = spawnSync('python3', ['-m', 'venv', TECHDOCS_VENV], { stdio: 'inherit', timeout: 120_000 });
    const pip = path.join(TECHDOCS_VENV, 'bin/pip');
    const r =
      venv.status === 0 &&
      spawnSync(pip, ['install', '--quiet', `mkdocs-techdocs-core==${TECHDOCS_CORE}`], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 10 * 60_000,
      });
    if (!r || r.status !== 0)
      throw new Error(`backstage-tools: pip install mkdocs-techdocs-core==${TECHDOCS_CORE} failed`);
  }
  lines.push(`mkdocs-techdocs-core ${TECHDOCS_CORE}`);
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'install') {
  console.log(`backstage tools ready: ${install().join(', ')} in ${TOOLS_DIR}`);
}
