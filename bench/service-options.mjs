// Issue 18's cost of each service option, measured against the default in one run: the scratch
// image (Docker Engine 29, `make docker-build`, bytes of its files as `make verify` sizes them)
// and p99 latency of GET / (the access-logged route) under wrk, each binary on the host with the
// Makefile's flags, its log to /dev/null, in rounds that rotate the order (A B C …, B C … A, …),
// the median kept and the range shown: on a shared 2-core machine the spread is the noise floor. Tracing is measured twice: as deployed without OTEL_EXPORTER_OTLP_ENDPOINT (no-op) and
// exporting every span to a local OTLP receiver (svc-probe).
//
//   node bench/service-options.mjs [--rounds N] [--wrk-seconds N] [--update]
//
// Prints the table; --update writes it into bench/RESULTS.md (between its markers) and the raw
// samples into bench/service-options.json. Needs what the e2e tests need (bash .ci/install-system)
// and `npm run build`. About 10 minutes on 2 cores.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as E from '../engine/index.mjs';
import { cellFlags } from '../test/e2e/matrix.mjs';
import { NEWEST_GO } from '../test/e2e/matrix.mjs';
import { fileSizeInImage, goBins, prepareImages, useImageEngine } from '../test/e2e/imagecheck.mjs';
import { buildServiceImage, moduleStore } from '../test/e2e/servicecheck.mjs';
import { svcProbeBin } from '../test/e2e/gotools.mjs';
import { freePort, killAndWait, median, sleep } from './lib.mjs';
import { SERVICE_OPTIONS_MARK as MARK } from './sections.mjs';

const { values: argv } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'wrk-seconds': { type: 'string', default: '6' },
    update: { type: 'boolean' },
  },
});
const ROUNDS = Number(argv.rounds);
const WRK_SECONDS = Number(argv['wrk-seconds']);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const base = { base: 'scratch', goVersion: NEWEST_GO, healthcheck: true };
/** The variants, each one cell of the matrix's shape. */
const VARIANTS = [
  { id: 'default', label: 'default (no option)', options: {} },
  { id: 'metrics', label: '--metrics prometheus', options: { metrics: 'prometheus' } },
  { id: 'tracing', label: '--tracing otel', options: { tracing: 'otel' } },
  { id: 'pprof', label: '--pprof', options: { pprof: true } },
  { id: 'openapi', label: '--openapi', options: { openapi: true } },
  { id: 'all', label: 'all four', options: { metrics: 'prometheus', tracing: 'otel', pprof: true, openapi: true } },
].map((v) => ({ ...v, cell: { id: `bench-${v.id}`, options: { ...base, name: `bench-${v.id}`, ...v.options } } }));

const log = (/** @type {string} */ m) => console.error(`[service-options] ${m}`);

/** CPU time (user + system) a process has used, in ms (/proc/PID/stat, 100 ticks a second). @param {number} pid */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: fields 14 and 15 of stat
}

/**
 * wrk on GET / of a binary started with env: wrk's p99 in ms, and the server's CPU time per
 * request in µs (less sensitive to a loaded machine than latency: it counts the work, not the
 * wait).
 */
async function measure(bin, env) {
  const port = await freePort();
  const child = spawn(bin, [], {
    env: { PATH: process.env.PATH, PORT: String(port), PPROF_ADDR: '127.0.0.1:0', ...env },
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok) break;
      await sleep(50);
    }
    const cpu0 = cpuMs(/** @type {number} */ (child.pid));
    const r = await E.runCommand('wrk', ['-t1', '-c32', `-d${WRK_SECONDS}s`, '--latency', `http://127.0.0.1:${port}/`]);
    const cpu = cpuMs(/** @type {number} */ (child.pid)) - cpu0;
    const m = r.stdout.match(/^\s*99%\s+([\d.]+)(us|ms|s)\s*$/m);
    const requests = Number(r.stdout.match(/(\d+) requests in/)?.[1]);
    if (!m || !requests) throw new Error(`no p99 or request count in wrk's output:\n${r.stdout}`);
    return {
      p99: Number(m[1]) * { us: 1e-3, ms: 1, s: 1000 }[/** @type {'us'|'ms'|'s'} */ (m[2])],
      cpuUs: (cpu * 1000) / requests,
    };
  } finally {
    await killAndWait(child);
  }
}

async function main() {
  const skip = await useImageEngine('docker', [!fs.existsSync('/usr/bin/wrk') && 'wrk']);
  if (skip) throw new Error(skip);
  await prepareImages();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-bench-svc-'));
  const store = await moduleStore(tmp);
  const receiver = spawn(await svcProbeBin(), ['otlp', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const otlp = await new Promise((resolve) =>
    receiver.stdout.once('data', (b) => resolve(JSON.parse(String(b).split('\n')[0]).listening)),
  );
  receiver.stdout.resume();
  const goBin = /** @type {string} */ (goBins[NEWEST_GO]);
  const results = {};
  try {
    for (const v of VARIANTS) {
      const dir = path.join(tmp, v.id);
      const { image } = await buildServiceImage(v.cell, dir, store, 'bench');
      const imageBytes = await E.imageSize(image.ref);
      const binaryBytes = await fileSizeInImage(image.ref, `/usr/local/bin/${v.cell.options.name}`);
      await E.removeImage(image.ref, { force: true });
      await E.runCommand('make', ['build', 'VERSION=bench'], {
        cwd: dir,
        env: {
          ...process.env,
          PATH: `${goBin}:${process.env.PATH}`,
          GOTOOLCHAIN: 'local',
          GOFLAGS: '-mod=mod',
          GOMODCACHE: store.modcache,
        },
      });
      results[v.id] = {
        label: v.label,
        flags: cellFlags(v.cell).join(' '),
        imageBytes,
        binaryBytes,
        p99: [],
        p99Exporting: [],
        cpuUs: [],
        cpuUsExporting: [],
      };
      log(`${v.id}: image ${imageBytes} B, binary ${binaryBytes} B`);
    }
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts one variant later (a rotation): no variant always runs first or last.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
      for (const v of order) {
        const bin = path.join(tmp, v.id, 'bin', v.cell.options.name);
        const plain = await measure(bin, {});
        results[v.id].p99.push(plain.p99);
        results[v.id].cpuUs.push(plain.cpuUs);
        if (v.options.tracing) {
          const exporting = await measure(bin, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${otlp}` });
          results[v.id].p99Exporting.push(exporting.p99);
          results[v.id].cpuUsExporting.push(exporting.cpuUs);
        }
      }
      log(
        `round ${round + 1}/${ROUNDS}: ${VARIANTS.map((v) => `${v.id} ${results[v.id].p99.at(-1).toFixed(2)} ms ${results[v.id].cpuUs.at(-1).toFixed(1)} µs`).join(', ')}`,
      );
    }
  } finally {
    receiver.kill();
    await store.proxy.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const table = render(results);
  console.log(table);
  if (argv.update) {
    const json = path.join(ROOT, 'bench/service-options.json');
    const raw = {
      generatedAt: new Date().toISOString(),
      rounds: ROUNDS,
      wrkSeconds: WRK_SECONDS,
      loadavg: os.loadavg(),
      results,
    };
    // As the repository's prettier writes JSON (npm run lint checks it).
    const prettier = await import('prettier');
    const options = { ...(await prettier.resolveConfig(json)), filepath: json };
    fs.writeFileSync(json, await prettier.format(JSON.stringify(raw), options));
    const file = path.join(ROOT, 'bench/RESULTS.md');
    const text = fs.readFileSync(file, 'utf8');
    const block = `${MARK.start}\n${table}\n${MARK.end}`;
    const i = text.indexOf(MARK.start);
    const j = text.indexOf(MARK.end);
    fs.writeFileSync(
      file,
      i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + MARK.end.length) : `${text.trimEnd()}\n\n${block}\n`,
    );
  }
}

/** The markdown section: each option's image and p99 against the default's. */
function render(results) {
  const d = results.default;
  const med = (/** @type {number[]} */ xs) => median(xs);
  const mb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(2)} MB`;
  const delta = (/** @type {number} */ b) => `${b >= 0 ? '+' : ''}${(b / 1e6).toFixed(2)} MB`;
  const rows = Object.values(results).map((r) => {
    const p = med(r.p99);
    const range = (/** @type {number[]} */ xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
    const exporting = r.p99Exporting.length
      ? `; exporting: ${med(r.p99Exporting).toFixed(2)} ms (${range(r.p99Exporting)})`
      : '';
    const cpu = med(r.cpuUs);
    const cpuExporting = r.cpuUsExporting.length ? `; exporting: ${med(r.cpuUsExporting).toFixed(1)} µs` : '';
    return `| ${r.label} | ${mb(r.imageBytes)} | ${r === d ? '' : delta(r.imageBytes - d.imageBytes)} | ${r.imageBytes - r.binaryBytes} B | ${cpu.toFixed(1)} µs (${range(r.cpuUs)})${cpuExporting} | ${(cpu / med(d.cpuUs)).toFixed(2)}× | ${p.toFixed(2)} ms (${range(r.p99)})${exporting} | ${(p / med(d.p99)).toFixed(2)}× |`;
  });
  return [
    '## 5. Service options (issue 18): what each adds',
    '',
    `Produced by \`node bench/service-options.mjs --update\` at ${new Date().toISOString()} (Go ${NEWEST_GO}, scratch, Docker Engine 29; ` +
      `load average ${os.loadavg()[0].toFixed(2)} at the end). Image: the bytes of its files; p99: \`wrk -t1 -c32 -d${WRK_SECONDS}s\` on GET / ` +
      `(one access log line per request, to /dev/null), median of ${ROUNDS} rounds in rotating order, range in brackets. Tracing ` +
      'without an endpoint is a no-op; "exporting" sends every span to a local OTLP/HTTP receiver. `--pprof` and `--openapi` add ' +
      "no work to GET / (their handlers are elsewhere): their spread against the default is this machine's noise floor.",
    '',
    '| variant | image | over the default | image − binary | server CPU per request | CPU / default | p99 GET / | p99 / default |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

await main();
