// Small helpers for bench/run.mjs: statistics, processes, timing, files. Node built-ins only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, tree } from '../engine/index.mjs';

// ---------------------------------------------------------------------------------------------
// Statistics

/** @param {number[]} xs @param {number} q 0..1, linear interpolation */
export function quantile(xs, q) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
export const median = (xs) => quantile(xs, 0.5);

/** { n, median, min, max, p25, p75, samples } of a list of numbers (rounded to 0.1). */
export function summary(xs) {
  const r = (x) => Math.round(x * 10) / 10;
  return {
    n: xs.length,
    median: r(median(xs)),
    p25: r(quantile(xs, 0.25)),
    p75: r(quantile(xs, 0.75)),
    min: r(Math.min(...xs)),
    max: r(Math.max(...xs)),
    samples: xs.map(r),
  };
}

// ---------------------------------------------------------------------------------------------
// Processes (the process runner is the engine's runCommand: engine/exec.mjs)

/** Whether a program is on PATH. */
export function onPath(bin, envPath = process.env.PATH ?? '') {
  return envPath.split(path.delimiter).some((d) => {
    try {
      return d && fs.statSync(path.join(d, bin)).isFile();
    } catch {
      return false;
    }
  });
}

/** Resident set size of a live process, in bytes (VmRSS), and its peak (VmHWM). */
export function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * One HTTP/1.1 GET over a fresh TCP connection to 127.0.0.1:port; resolves with the status code,
 * or null when the connection is refused or reset (the server is not listening yet).
 */
export function probeOnce(port, urlPath = '/healthz') {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (v) => {
      sock.destroy();
      resolve(v);
    };
    sock.setNoDelay(true);
    sock.on('connect', () => sock.write(`GET ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const m = buf.match(/^HTTP\/1\.[01] (\d{3})/);
      if (m) done(Number(m[1]));
    });
    sock.on('error', () => done(null));
    sock.on('close', () => done(null));
    sock.setTimeout(2000, () => done(null));
  });
}

/**
 * Starts `bin` with PORT=port and measures the time from just before spawn() to the first 200 on
 * urlPath, polling with fresh connections back to back (no sleep between refused attempts).
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, ms: number, attempts: number }>}
 */
export async function startUntilHealthy(bin, port, { urlPath = '/healthz', env = {}, timeoutMs = 10_000 } = {}) {
  const t0 = performance.now();
  const child = spawn(bin, [], { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
  let exited = null;
  child.on('exit', (code, signal) => (exited = code ?? signal));
  let attempts = 0;
  for (;;) {
    attempts++;
    const status = await probeOnce(port, urlPath);
    if (status === 200) return { child, ms: performance.now() - t0, attempts };
    if (exited !== null) throw new Error(`${bin} exited (${exited}) before answering`);
    if (performance.now() - t0 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${bin} did not answer 200 on ${urlPath} within ${timeoutMs} ms`);
    }
  }
}

/** Kills a child and waits for it to be gone. */
export async function killAndWait(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await Promise.race([gone, sleep(10_000)]);
}

export { freePort, tree };

// ---------------------------------------------------------------------------------------------
// Files (tree, the one walk, is engine/files.mjs)

/** Whether two folders hold the same files with the same bytes; returns the differences. */
export function diffTrees(a, b) {
  const ta = tree(a);
  const tb = tree(b);
  const diffs = [];
  for (const f of new Set([...ta, ...tb])) {
    if (!ta.includes(f)) diffs.push(`only in ${b}: ${f}`);
    else if (!tb.includes(f)) diffs.push(`only in ${a}: ${f}`);
    else if (!fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f)))) diffs.push(`differs: ${f}`);
  }
  return diffs;
}

/** Copies the listed files (relative) from one folder to another. */
export function copyFiles(from, to, files) {
  fs.mkdirSync(to, { recursive: true });
  for (const f of files) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

/** The machine's 1-minute load average, from /proc/loadavg. */
export const loadavg = () => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

export { sleep };
