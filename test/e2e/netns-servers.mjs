// Long-running helpers inside the suite's Docker Engine network namespace, where containers and
// their builds reach them: the Go module proxy of modproxy.mjs (for image builds with requires)
// and svc-probe's OTLP receiver (for the service proof). Both listen on the default bridge's
// gateway there, the address a container or a build's RUN reaches without any flag.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as eng from '../../engine/index.mjs';

/** The default bridge's gateway in the daemon's network namespace. */
export async function bridgeGateway() {
  return (
    await eng.engine(['network', 'inspect', 'bridge', '--format', '{{(index .IPAM.Config 0).Gateway}}'])
  ).stdout.trim();
}

/**
 * Starts a process in the daemon's network namespace that prints a JSON object on its first line
 * (its address) and then one line per event; returns that object, the later lines as they come,
 * and close(). It is killed by close(), and is given 15 s to print its first line.
 * @param {string} cmd @param {string[]} args
 * @returns {Promise<{ first: any, lines: string[], close: () => Promise<void> }>}
 */
export async function startInNetns(cmd, args) {
  const child = spawn('nsenter', [`--net=${await eng.netns()}`, '--', cmd, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  /** @type {string[]} */
  const lines = [];
  const reader = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start within 15 s`)), 15_000);
    let started = false;
    reader.on('line', (line) => {
      if (!started && line.startsWith('{')) {
        started = true;
        clearTimeout(timer);
        resolve(JSON.parse(line));
      } else lines.push(line);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`${cmd} exited (${code}) before it started`));
    });
  });
  return {
    first,
    lines,
    close: async () => {
      child.kill('SIGTERM');
    },
  };
}

/**
 * The module proxy (modproxy.mjs) in the daemon's network namespace, serving roots; each request
 * path is added to `requests` as it comes.
 * @param {string[]} roots
 */
export async function startProxyInNetns(roots) {
  const script = fileURLToPath(new URL('./modproxy.mjs', import.meta.url));
  const p = await startInNetns(process.execPath, [script, 'serve', await bridgeGateway(), ...roots]);
  return { url: /** @type {string} */ (p.first.url), requests: p.lines, close: p.close };
}
