// A run of the suite's Docker Engine that is killed and found again, in an e2e store of its own
// (GO_MINIMAL_E2E_ROOT, its bin/ a link to the real store's pieces), so the shared daemon that
// other test files use at the same time is never touched. Run by engine-docker.test.mjs:
//   GO_MINIMAL_E2E_ROOT=DIR node test/e2e/dockerd-lifecycle.mjs
// Prints one JSON line of what it saw; exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as eng from '../../engine/index.mjs';

const pidOf = (/** @type {string} */ f) => Number(readFileSync(join(eng.DOCKER_ROOT, 'run', f), 'utf8').trim());
const alive = (/** @type {number} */ pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const first = await eng.ensureDaemon();
const again = await eng.ensureDaemon();
// A tiny image: busybox alone, imported (nothing can be pulled).
const tar = spawnSync('sh', ['-c', 'd=$(mktemp -d) && mkdir $d/bin && cp /usr/bin/busybox $d/bin/ && tar -C $d -c .'], {
  maxBuffer: 1 << 26,
});
await eng.exec('docker', ['import', '-', 'lifecycle:1'], { input: tar.stdout, timeoutMs: 120_000 });
await eng.exec('docker', ['run', '-d', '--name', 'sleeper', 'lifecycle:1', '/bin/busybox', 'sleep', '600']);

// The killed run: SIGKILL to dockerd and containerd, pidfiles and sockets left behind.
const killed = { dockerd: pidOf('dockerd.pid'), containerd: pidOf('containerd.pid') };
for (const pid of Object.values(killed)) process.kill(pid, 'SIGKILL');
for (let i = 0; i < 50 && Object.values(killed).some(alive); i++) await sleep(100);

const restarted = await eng.ensureDaemon();
const ps = (await eng.exec('docker', ['ps', '-a', '--filter', 'name=sleeper', '--format', '{{.State}}'])).stdout.trim();
const echo = (
  await eng.exec('docker', ['run', '--rm', 'lifecycle:1', '/bin/busybox', 'echo', 'after-restart'])
).stdout.trim();
const running = [restarted.pid, pidOf('containerd.pid')];
const stopped = await eng.stopDaemon();
const leftover = running.filter(alive);
console.log(
  JSON.stringify({
    first,
    again,
    killed,
    restarted,
    sleeper: ps,
    echo,
    stopped,
    leftover,
    pingAfterStop: (await eng.runningDaemon()) ?? null,
  }),
);
