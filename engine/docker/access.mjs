// Reaching the suite's running Docker Engine (daemon.mjs): its containers publish their ports on
// 127.0.0.1 inside the daemon's network namespace, so every request to a container goes there:
// inNetns() runs a command in it (nsenter --net), fetchInNetns() sends an HTTP request from it
// (curl), freePortInNetns() finds a port free in it. imageManifests() reads the image store's
// manifests through the API socket.

import http from 'node:http';
import { DOCKER_CONFIG, DOCKER_SOCK } from '../config.mjs';
import { runCommand } from '../exec.mjs';
import { netns } from './daemon.mjs';

/** @typedef {import('../exec.mjs').RunOptions} RunOptions */
/** @typedef {import('../exec.mjs').ExecResult} ExecResult */

/** The docker CLI's environment for the suite's daemon (also part of engineEnv()). */
const dockerEnv = () => ({ DOCKER_HOST: `unix://${DOCKER_SOCK}`, DOCKER_CONFIG });

/**
 * The manifests Docker's containerd store holds under an image name (GET /images/{name}/json
 * ?manifests=1): each platform's image manifest and each attestation manifest, by digest.
 * @param {string} ref
 * @returns {Promise<{ kind: string, digest: string, platform?: string, for?: string }[]>}
 */
export function imageManifests(ref) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { socketPath: DOCKER_SOCK, path: `/images/${encodeURIComponent(ref)}/json?manifests=1`, timeout: 30_000 },
      (res) => {
        /** @type {Buffer[]} */ const body = [];
        res.on('data', (b) => body.push(b));
        res.on('end', () => {
          const text = Buffer.concat(body).toString();
          if (res.statusCode !== 200) return reject(new Error(`image inspect ${ref}: HTTP ${res.statusCode}: ${text}`));
          const list = JSON.parse(text).Manifests ?? [];
          resolve(
            list.map((/** @type {any} */ m) => ({
              kind: m.Kind,
              digest: m.ID,
              ...(m.ImageData?.Platform
                ? { platform: `${m.ImageData.Platform.os}/${m.ImageData.Platform.architecture}` }
                : {}),
              ...(m.AttestationData?.For ? { for: m.AttestationData.For } : {}),
            })),
          );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`image inspect ${ref}: timed out`)));
    req.on('error', reject);
  });
}

/**
 * Runs a command in the daemon's network namespace (nsenter --net), with the docker CLI's
 * environment: 127.0.0.1 there is where published ports are.
 * @param {string} cmd @param {readonly string[]} args @param {RunOptions} [opts]
 * @returns {Promise<ExecResult>}
 */
export async function inNetns(cmd, args, opts = {}) {
  const ns = await netns();
  return runCommand('nsenter', [`--net=${ns}`, '--', cmd, ...args], {
    ...opts,
    env: { ...(opts.env ?? process.env), ...dockerEnv() },
  });
}

/**
 * An HTTP request from inside the daemon's network namespace (curl there); a connection that
 * fails gives status 0.
 * @param {string} url @param {{ timeoutMs?: number, method?: string }} [o]
 * @returns {Promise<{ status: number, body: string }>}
 */
export async function fetchInNetns(url, { timeoutMs = 2000, method = 'GET' } = {}) {
  const r = await inNetns(
    'curl',
    ['-sS', '-X', method, '--max-time', String(timeoutMs / 1000), '-o', '-', '-w', '\n%{http_code}', url],
    { allowFail: true, timeoutMs: timeoutMs + 5000 },
  );
  const cut = r.stdout.lastIndexOf('\n');
  const status = Number(r.stdout.slice(cut + 1)) || 0;
  return { status, body: status ? r.stdout.slice(0, cut) : r.stderr };
}

/**
 * A TCP port free on 127.0.0.1 inside the daemon's network namespace right now.
 * @returns {Promise<number>}
 */
export async function freePortInNetns() {
  const js =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number((await inNetns(process.execPath, ['-e', js], { timeoutMs: 15_000 })).stdout.trim());
}
