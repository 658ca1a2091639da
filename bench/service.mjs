// Section 4: the generated service vs a minimal net/http server built with the same flags:
// start → first 200 on /healthz, idle RSS, and RSS + latency under wrk.
import fs from 'node:fs';
import path from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { GO, GO_VERSION, STARTS, WORK, WRK_SECONDS, goEnv, log } from './config.mjs';
import { freePort, killAndWait, rssOf, sleep, startUntilHealthy, summary } from './lib.mjs';
import { runCommand as sh } from '../engine/index.mjs';
import { BASELINE_MAIN_GO } from './peers.mjs';

/** Ours from the generated `make build`, and the baseline built with the same flags. */
async function subjects(dirs) {
  log('service: make build (ours) and the baseline with the same flags');
  await sh('make', ['build'], { cwd: dirs.scratch, env: goEnv });
  const baseDir = path.join(WORK, 'baseline');
  fs.mkdirSync(baseDir);
  fs.writeFileSync(path.join(baseDir, 'go.mod'), `module example.com/baseline\n\ngo ${GO_VERSION}\n`);
  fs.writeFileSync(path.join(baseDir, 'main.go'), BASELINE_MAIN_GO);
  const baseline = path.join(baseDir, 'bin/baseline');
  await sh(GO, ['build', '-trimpath', '-buildvcs=false', '-ldflags=-s -w', '-o', baseline, '.'], {
    cwd: baseDir,
    env: { ...goEnv, CGO_ENABLED: '0' },
  });
  return [
    { id: 'ours', label: 'ours (generated)', bin: path.join(dirs.scratch, 'bin/hello'), path: '/healthz' },
    { id: 'baseline', label: 'net/http hello', bin: baseline, path: '/healthz' },
  ];
}

/** Start → first 200, STARTS times each, alternating. */
async function starts(list) {
  const ms = Object.fromEntries(list.map((s) => [s.id, []]));
  for (let i = 0; i < STARTS; i++)
    for (const s of list) {
      const r = await startUntilHealthy(s.bin, await freePort(), { urlPath: s.path });
      ms[s.id].push(r.ms);
      await killAndWait(r.child);
    }
  log(`service: start → 200 medians ${list.map((s) => `${s.id} ${summary(ms[s.id]).median} ms`).join(', ')}`);
  return Object.fromEntries(list.map((s) => [s.id, summary(ms[s.id])]));
}

/** Idle RSS: 1 s after the first 200, three starts each, alternating. */
async function idle(list) {
  const rss = Object.fromEntries(list.map((s) => [s.id, []]));
  for (let i = 0; i < 3; i++)
    for (const s of list) {
      const { child } = await startUntilHealthy(s.bin, await freePort(), { urlPath: s.path });
      await sleep(1000);
      rss[s.id].push(rssOf(child.pid).rss);
      await killAndWait(child);
    }
  return Object.fromEntries(list.map((s) => [s.id, summary(rss[s.id])]));
}

/** wrk on loopback for WRK_SECONDS, RSS sampled every 100 ms. */
async function underLoad(s, wrkArgs) {
  const port = await freePort();
  const { child } = await startUntilHealthy(s.bin, port, { urlPath: s.path });
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(child.pid).rss);
    } catch {
      /* exited */
    }
  }, 100);
  const r = await sh('wrk', [...wrkArgs, `http://127.0.0.1:${port}${s.path}`]);
  clearInterval(timer);
  const after = rssOf(child.pid);
  await killAndWait(child);
  return { ...parseWrk(r.stdout), rssPeak: Math.max(peak, after.rss), rssHwm: after.hwm };
}

export async function service(dirs) {
  const list = await subjects(dirs);
  const out = { binaries: {}, starts: await starts(list), idle: await idle(list), load: {} };
  for (const s of list) out.binaries[s.id] = fs.statSync(s.bin).size;
  const wrkArgs = ['-t1', '-c32', `-d${WRK_SECONDS}s`, '--latency'];
  out.wrk = `wrk ${wrkArgs.join(' ')} http://127.0.0.1:PORT/healthz`;
  for (const s of list) {
    out.load[s.id] = await underLoad(s, wrkArgs);
    log(`service: ${s.label} under load: ${JSON.stringify(out.load[s.id])}`);
  }
  return out;
}

/** p50/p99 (ms), requests/s and errors from `wrk --latency` output. */
function parseWrk(text) {
  const unit = { us: 1e-3, ms: 1, s: 1000, m: 60_000 };
  const q = (p) => {
    const m = text.match(new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm'));
    return m ? Number(m[1]) * unit[m[2]] : NaN;
  };
  const errors = text.match(/Socket errors: (.*)$/m)?.[1] ?? null;
  const non2xx = Number(text.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  return {
    p50ms: q(50),
    p99ms: q(99),
    rps: Number(text.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? NaN),
    requests: Number(text.match(/(\d+) requests in/)?.[1] ?? NaN),
    socketErrors: errors,
    non2xx,
  };
}
