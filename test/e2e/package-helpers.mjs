// Helpers of package.test.mjs: running npm and the bins with their command lines kept for the
// failure report, reading the packed tarball, and finding the Nodes to test under.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { quote, runCommand, tree as walkTree } from '../../engine/index.mjs';

/** Node majors tested besides the machine's own; keep in step with .ci/install-node. */
const EXTRA_NODE_MAJORS = [22, 24];
const NODE_DIR =
  process.env.GO_MINIMAL_NODE_DIR ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'go-minimal/node');

/**
 * @typedef {import('../../engine/index.mjs').ExecResult & { line: string }} RunResult
 * @typedef {{ cwd?: string, env?: NodeJS.ProcessEnv, timeout?: number }} RunOpts
 * @typedef {{ major: number, exec?: string, dir?: string, version?: string, reason?: string }} NodeUnderTest
 */

/**
 * A command line a human can paste: cwd, environment and arguments.
 * @param {string} cmd @param {string[]} args @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [o]
 */
function commandLine(cmd, args, { cwd, env } = {}) {
  const envPart = env
    ? `env -i ${Object.entries(env)
        .map(([k, v]) => `${k}=${quote(v ?? '')}`)
        .join(' ')} `
    : '';
  return `(cd ${quote(cwd ?? process.cwd())} && ${envPart}${[cmd, ...args].map(quote).join(' ')})`;
}

/**
 * Runs a command without a shell, stdin closed (never a TTY), output captured.
 * Resolves with runCommand's result plus `line`; never rejects on a non-zero exit.
 * @param {string} cmd @param {string[]} args @param {RunOpts} [o] @returns {Promise<RunResult>}
 */
export async function run(cmd, args, { cwd = process.cwd(), env = process.env, timeout = 120_000 } = {}) {
  const line = commandLine(cmd, args, { cwd, env: env === process.env ? undefined : env });
  return { ...(await runCommand(cmd, args, { cwd, env, timeoutMs: timeout, allowFail: true })), line };
}

/** What a failure message shows: the command line and everything it printed. @param {RunResult} r */
export function report(r, what = '') {
  return `${what}${what ? '\n' : ''}command: ${r.line}\nexit: ${r.signal ?? r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** {@link run}, asserting exit 0. @param {string} cmd @param {string[]} args @param {RunOpts} [opts] */
export async function mustRun(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  assert.equal(r.code, 0, report(r, `${path.basename(cmd)} failed`));
  return r;
}

/** Every entry under dir, relative, sorted; anything but a regular file fails the comparison. */
export const tree = (/** @type {string} */ dir) => walkTree(dir, { markNonFiles: true });

/**
 * Member paths of a .tgz (ustar, with pax `path` records as npm writes them for long names).
 * @param {string} file
 * @returns {{ names: string[], members: Map<string, Buffer> }}
 */
export function tarList(file) {
  const buf = gunzipSync(fs.readFileSync(file));
  /** @type {string[]} */
  const names = [];
  /** @type {Map<string, Buffer>} */
  const members = new Map();
  /** @type {string | null} */
  let paxPath = null;
  for (let off = 0; off + 512 <= buf.length;) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const str = (/** @type {number} */ a, /** @type {number} */ b) =>
      header.subarray(a, b).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(str(124, 136).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = str(257, 263).startsWith('ustar') ? str(345, 500) : '';
    const body = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? null;
      continue;
    }
    if (type === 'g') continue;
    const name = paxPath ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    paxPath = null;
    if (type === '0' || type === '\0') members.set(name, body);
    names.push(name);
  }
  return { names, members };
}

/** Newest mtime under dir (files only). @param {string} dir */
export function newest(dir) {
  let max = 0;
  for (const rel of tree(dir)) max = Math.max(max, fs.statSync(path.join(dir, rel)).mtimeMs);
  return max;
}

/**
 * The Nodes to test under: the machine's (the one running this file) and EXTRA_NODE_MAJORS from
 * NODE_DIR. Each: { major, exec, dir, version } or, when missing, { major, reason }.
 * @returns {NodeUnderTest[]}
 */
export function nodes() {
  /** @type {NodeUnderTest[]} */
  const list = [
    { major: Number(process.versions.node.split('.')[0]), exec: process.execPath, version: process.version },
  ];
  for (const major of EXTRA_NODE_MAJORS) {
    if (major === list[0]?.major) continue;
    const exec = path.join(NODE_DIR, `node${major}`, 'node_modules/.bin/node');
    const v = spawnSync(exec, ['--version'], { encoding: 'utf8' });
    const version = v.stdout?.trim() ?? '';
    if (v.status === 0 && version.startsWith(`v${major}.`)) list.push({ major, exec, version });
    else
      list.push({
        major,
        reason: `Node ${major} is not installed at ${exec} (${/** @type {NodeJS.ErrnoException | undefined} */ (v.error)?.code ?? (version || `exit ${v.status}`)}): run bash .ci/install-node`,
      });
  }
  for (const n of list) if (n.exec) n.dir = path.dirname(n.exec);
  return list;
}

/** The environment npm runs with: npm_config_* that `npm test` may export must not redirect it. */
export function npmEnv() {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, NO_UPDATE_NOTIFIER: '1' };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(prefix|global|location|dry_run|json|pack_destination|ignore_scripts)$/i.test(key))
      delete env[key];
  }
  return env;
}

export const secs = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;

/** Preloaded into every node process the bins start (NODE_OPTIONS=--require): who ran, under which Node. */
export const PROBE = `require('node:fs').appendFileSync(
  process.env.GM_PROBE_OUT,
  JSON.stringify({ version: process.version, execPath: process.execPath, uid: process.getuid(), gid: process.getgid() }) + '\\n',
);
`;
