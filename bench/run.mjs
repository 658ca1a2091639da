// `npm run bench` (after `npm run build`): issues 5 and 12's benchmark, every figure measured in
// this one run on this machine, against its baseline. Writes bench/RESULTS.md and
// bench/results.json and prints the table. Needs what the e2e tests need (bash
// .ci/install-system) and root; the scaffold section runs yo as uid 65534 through `unshare
// --user` (asNobody in test/e2e/tools.mjs), which also works when `/` is mode 0700. About 12–15
// minutes on 2 cores.
//
//   node bench/run.mjs [--only sizes,rebuild,scaffold,service] [--pairs N] [--starts N]
//                      [--wrk-seconds N] [--out DIR] [--keep]
//
// --only runs the named sections alone (e.g. `--only rebuild`, about 6 minutes with the default
// 5 rounds); --pairs is the number of alternating rounds of the rebuild and scaffold sections.
// --only and the smaller counts are for working on the bench: such a run writes its results to
// --out (default: a temporary folder), never over bench/RESULTS.md, unless --update: then the
// sections run replace theirs in bench/results.json (each section keeps the command and time
// that produced it) and bench/RESULTS.md is rendered again from it, e.g.
//   node bench/run.mjs --only rebuild --update
// GO_MINIMAL_E2E_ROOT chooses the engine's storage and stand-ins, as for the e2e tests.
//
// 1. sizes    ours (scratch, distroless, alpine) vs the peers of bench/peers.mjs   (sizes.mjs)
// 2. rebuild  a one-line change to main.go, warm caches: ours, its variants, seed (b) and the
//             host's own go build + one layer, alternating                        (rebuild.mjs)
// 3. scaffold go-minimal, create-go-minimal and yo --yes as uid 65534; --help; first install (scaffold.mjs)
// 4. service  start, idle RSS, RSS + latency under wrk vs a minimal net/http server (service.mjs)
import fs from 'node:fs';
import path from 'node:path';
import * as E from '../engine/index.mjs';
import {
  BASES,
  COMMAND,
  FULL,
  GOLANG_ALIAS,
  GOLANG_STANDIN,
  KEEP,
  UPDATE,
  OUT,
  SECTIONS,
  TAG,
  WORK,
  elapsedMs,
  log,
} from './config.mjs';
import { loadavg } from './lib.mjs';
import { PEERS, PUBLISHED_BASES } from './peers.mjs';
import { rebuild } from './rebuild.mjs';
import { rebuildDocker } from './rebuild-docker.mjs';
import { REBUILD_IDS } from './rebuild-variants.mjs';
import { renderMarkdown, renderTable } from './report.mjs';
import { scaffold } from './scaffold.mjs';
import { service } from './service.mjs';
import { generate, machine, prepareEngine, preflight } from './setup.mjs';
import { sizes } from './sizes.mjs';
import { targets } from './targets.mjs';
import { keptSections } from './sections.mjs';

const SECTION_FNS = { sizes, rebuild, 'rebuild-docker': rebuildDocker, scaffold, service };
const usesEngine = () => SECTIONS.some((s) => ['sizes', 'rebuild', 'rebuild-docker'].includes(s));

/** JSON as the repository's prettier would write it (plain JSON.stringify without prettier). */
async function formatJson(value) {
  const text = JSON.stringify(value, null, 2) + '\n';
  try {
    const prettier = await import('prettier');
    const file = path.join(OUT, 'results.json');
    return await prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file });
  } catch {
    return text;
  }
}

async function main() {
  preflight();
  /** Everything measured; becomes results.json. */
  const results = {
    generatedAt: new Date().toISOString(),
    complete: FULL,
    command: COMMAND,
    machine: await machine(),
    load: { start: loadavg() },
    sections: {},
    targets: [],
    publishedBases: PUBLISHED_BASES,
  };
  log(`machine: ${JSON.stringify(results.machine)}`);
  log(`work folder ${WORK}; sections ${SECTIONS.join(', ')}; results to ${OUT}`);
  const dirs = await generate();
  if (usesEngine()) {
    log('engine: stand-ins and the warm builder cache');
    await prepareEngine();
  }
  if (UPDATE) Object.assign(results, JSON.parse(fs.readFileSync(path.join(OUT, 'results.json'), 'utf8')));
  for (const name of SECTIONS) {
    const t = elapsedMs();
    const l0 = loadavg();
    const section = await SECTION_FNS[name](dirs);
    section.seconds = Math.round((elapsedMs() - t) / 1000);
    section.loadavg = { start: l0, end: loadavg() };
    if (UPDATE) Object.assign(section, { command: COMMAND, generatedAt: new Date().toISOString() });
    results.sections[name] = section;
  }
  if (!UPDATE) {
    results.load.end = loadavg();
    results.seconds = Math.round(elapsedMs() / 1000);
  }
  results.targets = targets(results);

  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'results.json'), await formatJson(results));
  const resultsFile = path.join(OUT, 'RESULTS.md');
  // The service options' section (bench/service-options.mjs) is kept, not rendered again.
  fs.writeFileSync(resultsFile, renderMarkdown(results).trimEnd() + '\n' + keptSections(resultsFile));
  console.log('\n' + renderTable(results) + '\n');
  log(
    `done in ${Math.round(elapsedMs() / 1000)} s: ${path.join(OUT, 'RESULTS.md')}, ${path.join(OUT, 'results.json')}`,
  );
}

async function cleanup() {
  if (KEEP) {
    console.log(`kept ${WORK}`);
    return;
  }
  fs.rmSync(WORK, { recursive: true, force: true });
  if (!usesEngine()) return;
  const refs = [
    ...BASES.map((b) => TAG(`ours-${b}`)),
    ...PEERS.map((p) => TAG(p.id)),
    ...REBUILD_IDS.map((id) => TAG(`rebuild-${id}`)),
  ];
  for (const ref of refs) await E.removeImage(ref).catch(() => {});
  await E.engine(['untag', GOLANG_STANDIN, GOLANG_ALIAS], { allowFail: true }).catch(() => {});
}

try {
  await main();
} catch (error) {
  console.error(`bench failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
