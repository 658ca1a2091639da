// Issue 18 on the running image (Docker Engine 29): the service cells of matrix.mjs, each built by
// its own `make docker-build` with its modules fetched through a proxy in the engine's network
// namespace, run read-only with no capabilities; every request comes from svc-probe inside that
// namespace (test/fixtures/svc-probe), to 127.0.0.1 or the container's bridge address only,
// bounded in count and time. The cell with every option on gets the whole proof: the access log
// and request ID, /metrics parsed by Prometheus' text parser and linted by promlint (the checks of
// `promtool check metrics`), spans decoded by an OTLP receiver with the collector's protobuf
// types, pprof on loopback only, the OpenAPI document, bad input and limits, 10,000 requests from
// 50 clients with a bound on memory, and SIGTERM in the middle of a load.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { IMAGES } from '../../dist/image/images.js';
import { checkContainer, prepareImages, useImageEngine } from './imagecheck.mjs';
import { SERVICE_CELLS } from './matrix.mjs';
import { bridgeGateway, startInNetns } from './netns-servers.mjs';
import { svcProbeBin } from './gotools.mjs';
import {
  buildServiceImage,
  containerIp,
  containerPid,
  logLines,
  memoryKiB,
  moduleStore,
  probe,
} from './servicecheck.mjs';

const imageSkip = await useImageEngine('docker');
const SECURITY = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];
const VERSION = 'e2e-service';
/** Peak RSS allowed through the 10,000-request load (measured: about 26 MB on the host binary). */
const RSS_BOUND_MIB = 64;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const [ALL, ...OTHERS] = SERVICE_CELLS;

/** @type {string} */ let tmp;
/** @type {Awaited<ReturnType<typeof moduleStore>>} */ let store;
before(async () => {
  if (imageSkip) return;
  await prepareImages();
  await svcProbeBin();
  tmp = mkdtempSync(join(tmpdir(), 'gm-service-'));
  store = await moduleStore(tmp);
});
after(async () => {
  await store?.proxy.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe(`cell ${ALL.id}: every option on, the whole proof`, { skip: imageSkip }, () => {
  const cell = ALL;
  /** @type {string} */ let dir;
  /** @type {{ ref: string, ms: number }} */ let image;
  /** @type {Awaited<ReturnType<typeof startInNetns>>} */ let receiver;
  const name = eng.uniqueName('gm-service');
  /** @type {number} */ let hostPort;
  /** @type {string} */ let base;

  before(async () => {
    dir = join(tmp, 'all');
    ({ image } = await buildServiceImage(cell, dir, store, VERSION));
    receiver = await startInNetns(await svcProbeBin(), ['otlp', `${await bridgeGateway()}:0`]);
    hostPort = await eng.containerPort();
    base = `http://127.0.0.1:${hostPort}`;
    await eng.run({
      image: image.ref,
      name,
      publish: { [hostPort]: 8080 },
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://${receiver.first.listening}`,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        SHUTDOWN_DELAY: '1s',
      },
      args: SECURITY,
    });
    await eng.waitForContainerHttp(`${base}/healthz`, { status: 200, timeoutMs: 15_000 });
  });
  after(async () => {
    await receiver?.close();
    await eng.remove(name).catch(() => {});
    if (image) await eng.removeImage(image.ref, { force: true });
  });

  it('the access log: one line per request at info with the request ID; probes stay at debug', async () => {
    const r = await eng.inNetns('curl', [
      '-sS',
      '-D',
      '-',
      '-o',
      '/dev/null',
      '-H',
      'X-Request-ID: e2e-req-1',
      `${base}/`,
    ]);
    assert.match(r.stdout, /^x-request-id: e2e-req-1\r$/im);
    await eng.fetchContainer(`${base}/healthz`);
    const lines = await logLines(name);
    const line = lines.find((l) => l.msg === 'request' && l.request_id === 'e2e-req-1');
    assert.ok(line, `no access log line with the request ID:\n${JSON.stringify(lines)}`);
    assert.deepEqual([line.level, line.method, line.route, line.status], ['INFO', 'GET', 'GET /{$}', 200]);
    assert.ok(!lines.some((l) => l.msg === 'request' && l.route === 'GET /healthz'), 'a probe logged at info');
  });

  it('/metrics: the Prometheus text format, promlint clean, series bounded by routes', async () => {
    for (let i = 0; i < 30; i++) await eng.fetchContainer(`${base}/no-such-page-${i}`);
    const m = await probe(cell, ['scrape', `${base}/metrics`]);
    assert.deepEqual(m.lint, [], 'promlint');
    for (const f of [
      'http_requests_total',
      'http_request_duration_seconds',
      'http_requests_in_flight',
      'go_goroutines',
      'process_resident_memory_bytes',
      'service_build_info',
    ])
      assert.ok(m.families[f], `no ${f}`);
    const series = m.families.http_requests_total.series;
    const unmatched = series.filter((s) => s.labels.route === 'unmatched');
    assert.equal(unmatched.length, 1, JSON.stringify(series));
    assert.ok(unmatched[0].value >= 30);
    assert.ok(
      series.every((s) => !s.labels.route.includes('no-such-page')),
      'a raw path became a label',
    );
    assert.equal(m.families.service_build_info.series[0].labels.version, VERSION);
  });

  it('OTLP: the span reaches a receiver that decodes the collector protobuf, with the route and the caller', async () => {
    await eng.inNetns('curl', ['-sS', '-o', '/dev/null', '-H', `traceparent: ${TRACEPARENT}`, `${base}/`]);
    let span;
    for (let i = 0; i < 50 && !span; i++) {
      span = receiver.lines.map((l) => JSON.parse(l)).find((s) => s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736');
      if (!span) await sleep(100);
    }
    assert.ok(span, `no span of the trace reached the receiver:\n${receiver.lines.join('\n')}`);
    assert.ok(!receiver.lines.some((l) => l.includes('"error"')), receiver.lines.join('\n'));
    assert.deepEqual(
      [span.service, span.name, span.kind, span.parentSpanId],
      [cell.options.name ?? `svc-${cell.id}`, 'GET /', 'SPAN_KIND_SERVER', '00f067aa0ba902b7'],
    );
    assert.equal(span.attributes['http.route'], '/');
    assert.equal(span.attributes['http.response.status_code'], 200);
    const line = (await logLines(name)).find((l) => l.msg === 'request' && l.trace_id === span.traceId);
    assert.equal(line?.span_id, span.spanId, 'the access log line names the span');
  });

  it('pprof: not on the service port, refused on the bridge address, served on the container’s loopback', async () => {
    assert.equal((await eng.fetchContainer(`${base}/debug/pprof/`)).status, 404);
    const ip = await containerIp(name);
    assert.equal((await eng.fetchInNetns(`http://${ip}:8080/healthz`)).status, 200, 'the bridge address answers');
    assert.equal((await eng.fetchInNetns(`http://${ip}:6060/debug/pprof/`)).status, 0, 'pprof reachable on the bridge');
    // busybox wget from the alpine stand-in, in the container's own network namespace.
    const r = await eng.engine([
      'run',
      '--rm',
      '--pull=never',
      '--network',
      `container:${name}`,
      IMAGES.alpine,
      'wget',
      '-qO-',
      'http://127.0.0.1:6060/debug/pprof/cmdline',
    ]);
    assert.match(r.stdout, /\/usr\/local\/bin\//);
  });

  it('GET /openapi.yaml serves the project’s api/openapi.yaml', async () => {
    const r = await eng.fetchContainer(`${base}/openapi.yaml`);
    assert.equal(r.status, 200);
    assert.equal(r.body, readFileSync(join(dir, 'api/openapi.yaml'), 'utf8'));
  });

  it('bad input: 1 MiB+ headers 431, a header that never ends cut by ReadHeaderTimeout, 100 MiB bodies 413', async () => {
    const l = await probe(cell, ['limits', base, '/echo'], 120_000);
    assert.match(l.bigHeader.status, /^HTTP\/1\.1 431 /, JSON.stringify(l));
    assert.ok(l.slowHeader.closedAfterSeconds >= 4.5 && l.slowHeader.closedAfterSeconds < 8, JSON.stringify(l));
    assert.match(l.bigBody.status, /^HTTP\/1\.1 413 /, JSON.stringify(l));
    assert.match(l.bigChunkedBody.status, /^HTTP\/1\.1 413 /, JSON.stringify(l));
    // The server stopped reading long before 100 MiB.
    assert.ok(l.bigBody.bodyBytesSent < 20 << 20 && l.bigChunkedBody.bodyBytesSent < 20 << 20, JSON.stringify(l));
    assert.equal((await eng.fetchContainer(`${base}/healthz`)).status, 200, 'still serving');
  });

  it(`10,000 requests from 50 clients: no error, peak RSS under ${RSS_BOUND_MIB} MiB`, async () => {
    const r = await probe(cell, ['load', `${base}/`, '10000', '50']);
    assert.deepEqual([r.statuses, r.errors], [{ 200: 10000 }, {}], JSON.stringify(r));
    const mem = memoryKiB(await containerPid(name));
    console.log(
      `service load: p50 ${r.p50ms} ms, p99 ${r.p99ms} ms, ${r.seconds.toFixed(1)} s; peak RSS ${(mem.peak / 1024).toFixed(1)} MiB`,
    );
    assert.ok(mem.peak < RSS_BOUND_MIB * 1024, `peak RSS ${mem.peak} KiB`);
  });

  it('SIGTERM in the middle of a load: every answered request is a 200, the drain ends with exit 0', async () => {
    // The bridge address, not the published port: docker-proxy would accept connections after
    // the service's listener closed and cut them, which is no behaviour of the service's own.
    const url = `http://${await containerIp(name)}:8080/`;
    const loadDone = probe(cell, ['load', url, '40000', '50', 'until-refused']);
    await sleep(700);
    await eng.engine(['kill', '--signal', 'TERM', name]);
    const r = await loadDone;
    const code = Number((await eng.engine(['wait', name], { timeoutMs: 20_000 })).stdout.trim());
    const logs = await eng.logs(name);
    assert.equal(code, 0, `exit ${code}\n${logs}`);
    assert.deepEqual(Object.keys(r.statuses), ['200'], JSON.stringify(r));
    assert.ok(r.answered > 1000, JSON.stringify(r));
    // Once the listener closed, new connections were refused: no request was cut half-way.
    assert.deepEqual(
      Object.keys(r.errors).filter((k) => k !== 'refused'),
      [],
      JSON.stringify(r),
    );
    assert.match(logs, /"msg":"stopped"/);
    assert.doesNotMatch(logs, /shutdown timed out/);
  });
});

for (const cell of OTHERS) {
  describe(`cell ${cell.id}: builds, runs read-only, serves its options, stops with 0`, { skip: imageSkip }, () => {
    /** @type {{ ref: string, ms: number }} */ let image;
    /** @type {ReturnType<typeof import('./matrix.mjs').cellAnswers>} */ let answers;
    before(async () => {
      ({ image, answers } = await buildServiceImage(cell, join(tmp, cell.id), store, VERSION));
    });
    after(async () => {
      if (image) await eng.removeImage(image.ref, { force: true });
    });
    it('runs as generated; its option endpoints answer', () =>
      checkContainer(cell, image.ref, answers, {
        probe: async (url) => {
          if (cell.options.metrics === 'prometheus') {
            const m = await probe(cell, ['scrape', `${url}/metrics`]);
            assert.deepEqual(m.lint, [], 'promlint');
          }
          if (cell.options.openapi) assert.equal((await eng.fetchContainer(`${url}/openapi.yaml`)).status, 200);
          if (cell.options.pprof) assert.equal((await eng.fetchContainer(`${url}/debug/pprof/`)).status, 404);
        },
      }));
  });
}
