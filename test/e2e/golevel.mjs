// Go-level checks of a generated project, with no container engine: formatting, vet, tests, the
// Makefile's static build, and the binary running in an empty root as uid 65532. Each check
// throws an Error naming the cell and showing the failing command's output.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exec, freePort, waitForHttp } from '../../engine/index.mjs';
import { CLI } from '../helpers/generate.mjs';
import { goEnv } from './tools.mjs';

export const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * @typedef {{ id: string }} CellRef what a failure names: the matrix cell (or a test's own id)
 * @typedef {{ name: string, healthcheck: boolean }} ServeAnswers
 */

/**
 * Runs a command for a cell; a failure names the cell.
 * @param {CellRef} cell @param {string} cmd @param {string[]} args
 * @param {import('../../engine/index.mjs').ExecOptions} [opts]
 */
export async function run(cell, cmd, args, opts = {}) {
  try {
    return await exec(cmd, args, opts);
  } catch (error) {
    throw new Error(`[cell ${cell.id}] ${/** @type {Error} */ (error).message}`, { cause: error });
  }
}

/**
 * Generates a cell's project through the real CLI (with `go mod tidy` from the cell's Go).
 * `env` is added to the Go environment (a cell with modules: the machine's proxy, see moduleEnv).
 * @param {CellRef} cell @param {string} dir @param {string[]} flags @param {string} goBin
 * @param {NodeJS.ProcessEnv} [env]
 */
export async function generate(cell, dir, flags, goBin, env = {}) {
  await run(cell, process.execPath, [CLI, dir, ...flags], { env: { ...goEnv(goBin), ...env }, timeoutMs: 5 * 60_000 });
}

/**
 * What a cell whose options add modules needs on top of goEnv: the machine's own module proxy
 * and checksum database (goEnv turns both off), for `go mod tidy` at generation. Empty for the
 * others, which stay offline.
 * @param {{ options: Record<string, unknown> }} cell
 * @returns {NodeJS.ProcessEnv}
 */
export function moduleEnv(cell) {
  const o = cell.options;
  if (o.metrics !== 'prometheus' && o.tracing !== 'otel' && !o.openapi) return {};
  const { GOPROXY, GOSUMDB, GONOSUMDB } = process.env;
  return { GOPROXY: GOPROXY ?? '', GOSUMDB: GOSUMDB ?? '', GONOSUMDB: GONOSUMDB ?? '' };
}

/** `gofmt -l` lists nothing. @param {CellRef} cell @param {string} dir @param {string} goBin */
export async function gofmtClean(cell, dir, goBin) {
  const r = await run(cell, join(goBin, 'gofmt'), ['-l', '.'], { cwd: dir, env: goEnv(goBin) });
  if (r.stdout.trim() !== '') throw new Error(`[cell ${cell.id}] gofmt -l lists unformatted files:\n${r.stdout}`);
}

/**
 * PT_INTERP in the ELF program headers: present means the binary needs a dynamic loader.
 * @param {string} file
 * @returns {string | undefined}
 */
export function elfInterpreter(file) {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF file`);
    if (head[4] !== 2 || head[5] !== 1) throw new Error(`${file}: only 64-bit little-endian ELF is checked`);
    const phoff = Number(head.readBigUInt64LE(0x20));
    const phentsize = head.readUInt16LE(0x36);
    const phnum = head.readUInt16LE(0x38);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      const entry = i * phentsize;
      if (table.readUInt32LE(entry) === 3 /* PT_INTERP */) {
        const offset = Number(table.readBigUInt64LE(entry + 8));
        const size = Number(table.readBigUInt64LE(entry + 32));
        const path = Buffer.alloc(size);
        readSync(fd, path, 0, size, offset);
        return path.toString().replace(/\0+$/, '');
      }
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** ELF e_machine values the checks name. */
export const EM = /** @type {const} */ ({ x86_64: 62, aarch64: 183 });

/**
 * The ELF header's e_machine: the architecture the file was built for (62 x86-64, 183 AArch64).
 * @param {string} file @returns {number}
 */
export function elfMachine(file) {
  const head = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF file`);
  return head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
}

/**
 * An empty root holding only what the image's final stage adds: the binary, the CA bundle and a
 * passwd/group with nonroot 65532. World-readable, so uid 65532 can reach the binary.
 * @param {string} binary @param {string} binaryPath
 */
export function emptyRoot(binary, binaryPath) {
  const root = mkdtempSync(join(tmpdir(), 'gm-root-'));
  const put = (/** @type {string} */ dest, /** @type {(p: string) => void} */ write) => {
    mkdirSync(dirname(join(root, dest)), { recursive: true });
    write(join(root, dest));
  };
  put(binaryPath, (p) => copyFileSync(binary, p));
  put(CA_BUNDLE, (p) => copyFileSync(CA_BUNDLE, p));
  put('/etc/passwd', (p) =>
    writeFileSync(p, 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n'),
  );
  put('/etc/group', (p) => writeFileSync(p, 'root:x:0:\nnonroot:x:65532:\n'));
  chmodSync(root, 0o755);
  for (const d of ['usr', 'usr/local', 'usr/local/bin', 'etc', 'etc/ssl', 'etc/ssl/certs']) {
    try {
      chmodSync(join(root, d), 0o755);
    } catch {
      // not every base has every folder
    }
  }
  chmodSync(join(root, binaryPath), 0o755);
  return root;
}

const CHROOT = ['/usr/sbin/chroot', '/usr/bin/chroot'].find((p) => existsSync(p)) ?? 'chroot';

/**
 * Starts the binary in root as 65532:65532 (chroot --userspec); returns the process and its output.
 * `emulator`: a path in root of a user-mode emulator (qemu-aarch64-static) that runs the binary.
 * @param {string} root @param {string} binaryPath @param {NodeJS.ProcessEnv} env @param {string[]} [args]
 * @param {string} [emulator]
 */
export function startInRoot(root, binaryPath, env, args = [], emulator) {
  const argv = [...(emulator ? [emulator] : []), binaryPath, ...args];
  const child = spawn(CHROOT, ['--userspec=65532:65532', root, ...argv], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {Buffer[]} */
  const output = [];
  child.stdout.on('data', (b) => output.push(b));
  child.stderr.on('data', (b) => output.push(b));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => Buffer.concat(output).toString() };
}

/**
 * Runs the binary once in root as 65532 and returns its exit code and output.
 * @param {string} root @param {string} binaryPath @param {NodeJS.ProcessEnv} env @param {string[]} [args]
 * @param {string} [emulator] as for startInRoot
 */
export async function runInRoot(root, binaryPath, env, args, emulator) {
  const p = startInRoot(root, binaryPath, env, args, emulator);
  const { code } = await p.exited;
  return { code, output: p.output() };
}

/** The real uid and gid of a running process. @param {number | undefined} pid */
export function processIds(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  const gid = /^Gid:\s+(\d+)/m.exec(status)?.[1];
  return `${uid}:${gid}`;
}

/**
 * Local addresses on which a port is listening, read from /proc/net/tcp{,6}: all-zero means every
 * interface, 0100007F / ::1 mean loopback only (unreachable from outside a container).
 * @param {number} port
 * @returns {string[]}
 */
export function listenAddresses(port) {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  /** @type {string[]} */
  const found = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // 0A = LISTEN
      const [addr = '', p] = /** @type {string} cols.length >= 4 */ (cols[1]).split(':');
      if (p === hexPort) found.push(/^0+$/.test(addr) ? 'any' : addr);
    }
  }
  return found;
}

/** Short drain so the SIGTERM check is quick; the defaults are covered by the generated tests. */
export const SHUTDOWN = { SHUTDOWN_DELAY: '800ms', SHUTDOWN_TIMEOUT: '3s' };

/**
 * `make build VERSION=…`, then: the binary is static (no ELF interpreter) and `-version` prints
 * the version. Returns the binary's path.
 * @param {CellRef} cell @param {string} dir @param {NodeJS.ProcessEnv} env @param {string} name @param {string} version
 */
export async function checkStaticBuild(cell, dir, env, name, version) {
  await run(cell, 'make', ['build', `VERSION=${version}`], { cwd: dir, env });
  const binary = join(dir, 'bin', name);
  const interp = elfInterpreter(binary);
  assert.equal(interp, undefined, `[cell ${cell.id}] bin/${name} is dynamic: it needs ${interp}`);
  const r = await run(cell, binary, ['-version']);
  assert.equal(r.stdout.trim(), version, `[cell ${cell.id}] -version printed ${JSON.stringify(r.stdout)}`);
  return binary;
}

/**
 * The binary in an empty root as 65532:65532: /healthz answers from outside, it listens on every
 * interface, `-healthcheck` exits 0 while up (or does not exist), SIGTERM turns /readyz to 503
 * while /healthz still answers, the process exits 0 within the drain, and `-healthcheck` then fails.
 * @param {CellRef} cell @param {string} root @param {string} binaryPath @param {ServeAnswers} answers
 * @param {string} version
 * @param {{ emulator?: string }} [o] runs every command through this emulator (a path in root)
 */
export async function checkServeProbeDrain(cell, root, binaryPath, answers, version, { emulator } = {}) {
  const port = await freePort();
  // PPROF_ADDR: cells with --pprof run side by side, each on its own loopback port.
  const penv = { PORT: String(port), PPROF_ADDR: '127.0.0.1:0', ...SHUTDOWN };
  const svc = startInRoot(root, binaryPath, penv, [], emulator);
  const base = `http://127.0.0.1:${port}`;
  const why = () => `[cell ${cell.id}] service output:\n${svc.output()}`;
  try {
    await waitForHttp(`${base}/healthz`, { status: 200, timeoutMs: 10_000 }).catch((e) =>
      assert.fail(`${e.message}\n${why()}`),
    );
    assert.equal(processIds(svc.child.pid), '65532:65532', why());
    const addrs = [...new Set(listenAddresses(port))];
    assert.deepEqual(addrs, ['any'], `listens on ${addrs}, not on every interface. ${why()}`);
    const home = await fetch(`${base}/`);
    assert.equal(home.status, 200, why());
    assert.deepEqual(await home.json(), { name: answers.name, version });

    const probe = await runInRoot(root, binaryPath, penv, ['-healthcheck'], emulator);
    if (answers.healthcheck) assert.equal(probe.code, 0, `[cell ${cell.id}] -healthcheck while up: ${probe.output}`);
    else assert.equal(probe.code, 2, `[cell ${cell.id}] -healthcheck should not exist: ${probe.output}`);

    const t0 = Date.now();
    svc.child.kill('SIGTERM');
    let readyz;
    for (let i = 0; i < 40; i++) {
      readyz = (await fetch(`${base}/readyz`).catch(() => undefined))?.status;
      if (readyz === 503) break;
      await sleep(20);
    }
    assert.equal(readyz, 503, `/readyz during the drain. ${why()}`);
    assert.equal((await fetch(`${base}/healthz`)).status, 200, `/healthz during the drain. ${why()}`);
    const { code, signal } = await svc.exited;
    const ms = Date.now() - t0;
    assert.equal(code, 0, `exit after SIGTERM: code ${code} signal ${signal}. ${why()}`);
    assert.ok(ms < 800 + 3000 + 1000, `[cell ${cell.id}] took ${ms} ms to stop`);
    assert.match(svc.output(), /"msg":"shutting down"/, why());
  } finally {
    svc.child.kill('SIGKILL');
  }
  if (answers.healthcheck) {
    const down = await runInRoot(root, binaryPath, { PORT: String(port) }, ['-healthcheck'], emulator);
    assert.notEqual(down.code, 0, `[cell ${cell.id}] -healthcheck with the service down exited 0`);
  }
}

export { freePort, waitForHttp, sleep };
