// Running processes: the one process runner and the one shell quoter of the repository's scripts
// (tests, bench, scripts). `exec` is the runner with the engine environment merged in.

import { spawn } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { engineEnv } from './config.mjs';

/**
 * Quotes an argument for a POSIX shell only when it needs it, so that a printed command line can
 * be pasted into a shell.
 * @param {string | number} a
 * @returns {string}
 */
export const quote = (a) => {
  const s = String(a);
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
};

/**
 * @typedef {object} ExecResult
 * @property {number} code exit code (128+n when killed by signal n, 127 when it could not start)
 * @property {NodeJS.Signals | null} signal the signal that ended it, if any
 * @property {string} stdout
 * @property {string} stderr
 * @property {string} all stdout and stderr interleaved in arrival order
 * @property {number} ms wall time from spawn to exit
 * @property {string} cmdline the command line, shell-quoted
 * @property {boolean} timedOut killed with SIGKILL after timeoutMs
 * @property {Error} [error] why it could not start (spawn error)
 */

/**
 * @typedef {object} RunOptions
 * @property {NodeJS.ProcessEnv} [env] the child's whole environment (default process.env)
 * @property {string} [cwd]
 * @property {string | Buffer} [input] written to stdin; without it stdin is /dev/null
 * @property {number} [timeoutMs] default 10 minutes; the child is SIGKILLed after it
 * @property {boolean} [allowFail] resolve with the result whatever happens (a non-zero exit, a
 *   timeout, a command that cannot start: `stderr` and `all` end with a note saying which)
 *   instead of rejecting
 */

/**
 * The process runner: runs a command without a shell, output captured. Unless `allowFail`, a
 * command that cannot start, times out or exits non-zero rejects with an Error whose message
 * holds the command line and its combined output.
 * @param {string} cmd
 * @param {readonly string[]} [args]
 * @param {RunOptions} [opts]
 * @returns {Promise<ExecResult>}
 */
export function runCommand(cmd, args = [], opts = {}) {
  const { env = process.env, cwd, input, timeoutMs = 10 * 60_000, allowFail = false } = opts;
  const cmdline = [cmd, ...args].map(quote).join(' ');
  const where = cwd ? ` (in ${cwd})` : '';
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */ const out = [];
    /** @type {Buffer[]} */ const err = [];
    /** @type {Buffer[]} */ const all = [];
    const { stdout, stderr } =
      /** @type {{ stdout: import('node:stream').Readable, stderr: import('node:stream').Readable }} */ (child); // pipes, never null
    stdout.on('data', (/** @type {Buffer} */ b) => (out.push(b), all.push(b)));
    stderr.on('data', (/** @type {Buffer} */ b) => (err.push(b), all.push(b)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let settled = false; // 'close' follows 'error' when the command cannot start
    /** @param {number | null} code @param {NodeJS.Signals | null} signal @param {Error} [error] */
    const finish = (code, signal, error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const note = error ? `\n[cannot run: ${error.message}]` : timedOut ? `\n[killed after ${timeoutMs} ms]` : '';
      /** @type {ExecResult} */
      const res = {
        code: error ? 127 : (code ?? 128 + (signal ? os.constants.signals[signal] : 0)),
        signal,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString() + (allowFail ? note : ''),
        all: Buffer.concat(all).toString() + (allowFail ? note : ''),
        ms: performance.now() - t0,
        cmdline,
        timedOut,
        ...(error ? { error } : {}),
      };
      if (allowFail) resolve(res);
      else if (error) reject(new Error(`cannot run: ${cmdline}${where}\n${error.message}`, { cause: error }));
      else if (timedOut) reject(new Error(`timed out after ${timeoutMs} ms: ${cmdline}${where}\n${res.all}`));
      else if (res.code !== 0) reject(new Error(`command failed (exit ${res.code}): ${cmdline}${where}\n${res.all}`));
      else resolve(res);
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
    if (child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

/**
 * @typedef {object} ExecOptions
 * @property {Record<string, string | undefined>} [env] added on top of process.env and engineEnv()
 * @property {string} [cwd]
 * @property {string | Buffer} [input] written to stdin
 * @property {number} [timeoutMs] default 10 minutes; the child is SIGKILLed after it
 * @property {boolean} [allowFail] resolve with the result instead of rejecting (see {@link RunOptions})
 */

/**
 * {@link runCommand} with the engine environment ({@link engineEnv}) merged in, for anything that
 * may run `podman`/`buildah`.
 * @param {string} cmd
 * @param {readonly string[]} args
 * @param {ExecOptions} [opts]
 * @returns {Promise<ExecResult>}
 */
export function exec(cmd, args, opts = {}) {
  return runCommand(cmd, args, { ...opts, env: { ...process.env, ...engineEnv(), ...opts.env } });
}
