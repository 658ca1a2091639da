// Section 2: the rebuild after a one-line change to main.go, warm caches. Ours (the generated
// scratch Dockerfile) against seed (b), the host's own floor (hostRebuild) and the variants of
// rebuild-variants.mjs, all in one alternating loop: host, ours, each variant, seed (b), again.
//
// How ours is split (issue 12): podman prints one `STEP n/m:` line as each step starts, so each
// step's duration is the time to the next line (podmanBuildSteps); stepKind() files each step
// under context transfer (`COPY . .`), compile (the go build RUN, from container set-up to the
// commit of its layer), commit (the final stage's COPY from the builder, and the image commit)
// or cached (buildah checking an unchanged instruction against its cache). The `timed` probe
// runs the same go build under `time`, which splits compile into the go command's own time and
// the container around it.
import fs from 'node:fs';
import path from 'node:path';
import { PAIRS, RUN_ID, TAG, WORK, log } from './config.mjs';
import { median, summary } from './lib.mjs';
import { hostRebuild, podmanBuildSteps, stepKind, timedGoBuildMs, variants } from './rebuild-variants.mjs';
import { podmanBuild, readInImage } from './setup.mjs';

/** The one-line change: a log message of main.go, so that the new binary can be recognised. */
const EDITED = 'logger.Info("listening"';
const edit = (original, marker) => original.replace(EDITED, `logger.Info("listening (${marker})"`);

function contenders(dirs) {
  const shipped = fs.readFileSync(path.join(dirs.scratch, 'Dockerfile'), 'utf8');
  const list = [
    { id: 'ours', label: 'ours (scratch), as generated', dir: dirs.scratch, binary: '/usr/local/bin/hello' },
    ...variants(shipped).map((v) => {
      const dir = path.join(WORK, `rebuild-${v.id}`);
      fs.cpSync(dirs.scratch, dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'Dockerfile'), v.dockerfile);
      if (v.dockerignoreExtra) fs.appendFileSync(path.join(dir, '.dockerignore'), v.dockerignoreExtra);
      return { id: v.id, label: v.label, dir, binary: '/usr/local/bin/hello' };
    }),
    { id: 'seed-b', label: 'seed (b)', dir: dirs['seed-b'], binary: '/main' },
  ];
  for (const c of list) {
    c.tag = TAG(`rebuild-${c.id}`);
    c.original = fs.readFileSync(path.join(c.dir, 'main.go'), 'utf8');
    if (c.original.split(EDITED).length !== 2) throw new Error(`rebuild: main.go must hold ${EDITED} once`);
  }
  return list;
}

/** The host's copy of the service, built once so that its build cache is warm. */
async function hostSubject(dirs) {
  const dir = path.join(WORK, 'rebuild-host');
  fs.cpSync(dirs.scratch, dir, { recursive: true });
  await hostRebuild(dir);
  return { id: 'host', dir, original: fs.readFileSync(path.join(dir, 'main.go'), 'utf8') };
}

/** Adds one build's step times to `byStep` (step → durations) and returns its totals per kind. */
function recordSteps(byStep, steps) {
  const kinds = { context: 0, compile: 0, commit: 0, cached: 0 };
  for (const { step, ms } of steps) {
    byStep.set(step, [...(byStep.get(step) ?? []), ms]);
    kinds[stepKind(step)] += ms;
  }
  return kinds;
}

/**
 * The build order of round i: ours and its variants rotated by one place a round, seed (b) last.
 * A build right after seed (b)'s (which writes large layers) or after the host's go build is
 * slower, so rotating spreads that cost over every contender instead of always charging ours.
 */
function roundOrder(list, i) {
  const light = list.filter((c) => c.id !== 'seed-b');
  const k = (i - 1) % light.length;
  return [...light.slice(k), ...light.slice(0, k), ...list.filter((c) => c.id === 'seed-b')];
}

/** One round: the edit, then every build; returns nothing, fills `m`. */
async function round(i, host, list, m) {
  const marker = `edit ${RUN_ID}-${i}`;
  fs.writeFileSync(path.join(host.dir, 'main.go'), edit(host.original, marker));
  const h = await hostRebuild(host.dir);
  for (const key of ['ms', 'goBuildMs', 'layerMs']) m.host[key].push(h[key]);
  m.host.bytes = h.bytes;
  log(`rebuild ${i}/${PAIRS}: host go build + layer ${(h.ms / 1000).toFixed(2)} s`);
  for (const c of roundOrder(list, i)) {
    // Unique to this run: an edit seen by an earlier run would hit the engine's layer cache.
    fs.writeFileSync(path.join(c.dir, 'main.go'), edit(c.original, marker));
    const { ms, steps, output } = await podmanBuildSteps(c.dir, c.tag);
    const fresh = await readInImage(c.tag, c.binary, (p) => fs.readFileSync(p).includes(marker));
    const s = m[c.id];
    s.ms.push(ms);
    s.kinds.push(recordSteps(s.byStep, steps));
    if (!fresh) s.stale++;
    const goBuild = c.id === 'timed' ? timedGoBuildMs(output) : null;
    if (goBuild !== null) s.goBuildMs.push(goBuild);
    log(`rebuild ${i}/${PAIRS}: ${c.label} ${(ms / 1000).toFixed(2)} s${fresh ? '' : ' (STALE: old binary)'}`);
  }
}

/** Medians per step (slowest first) and per kind, for one contender's samples. */
function digest(s, seedMedian, hostMedian) {
  const sum = summary(s.ms);
  const kinds = Object.fromEntries(
    ['context', 'compile', 'commit', 'cached'].map((k) => [k, Math.round(median(s.kinds.map((x) => x[k])))]),
  );
  const steps = [...s.byStep]
    .map(([step, xs]) => ({ step, kind: stepKind(step), ms: Math.round(median(xs)) }))
    .sort((a, b) => b.ms - a.ms);
  return { ...sum, vsSeedB: sum.median / seedMedian, vsHost: sum.median / hostMedian, stale: s.stale, kinds, steps };
}

export async function rebuild(dirs) {
  const list = contenders(dirs);
  const host = await hostSubject(dirs);
  // Warm-up: layers, the go mod download step and the cache mounts all exist afterwards.
  for (const c of list) {
    log(`rebuild: warm-up build of ${c.label}`);
    await podmanBuild(c.dir, c.tag);
  }
  const m = { host: { ms: [], goBuildMs: [], layerMs: [], bytes: 0 } };
  for (const c of list) m[c.id] = { ms: [], kinds: [], byStep: new Map(), stale: 0, goBuildMs: [] };
  try {
    for (let i = 1; i <= PAIRS; i++) await round(i, host, list, m);
  } finally {
    for (const c of [host, ...list]) fs.writeFileSync(path.join(c.dir, 'main.go'), c.original);
  }
  const hostSummary = summary(m.host.ms);
  const seed = summary(m['seed-b'].ms);
  const out = Object.fromEntries(list.map((c) => [c.id, digest(m[c.id], seed.median, hostSummary.median)]));
  for (const c of list) out[c.id].label = c.label;
  const pairRatios = m.ours.ms.map((o, i) => o / m['seed-b'].ms[i]);
  return {
    contenders: out,
    host: {
      ...hostSummary,
      goBuild: summary(m.host.goBuildMs),
      layer: summary(m.host.layerMs),
      layerBytes: m.host.bytes,
    },
    timedGoBuild: m.timed.goBuildMs.length ? summary(m.timed.goBuildMs) : null,
    ratio: out.ours.median / seed.median,
    vsHost: out.ours.median / hostSummary.median,
    pairRatios: {
      min: Math.min(...pairRatios),
      max: Math.max(...pairRatios),
      all: pairRatios.map((x) => Math.round(x * 1000) / 1000),
    },
    order: `host, then ${list
      .filter((c) => c.id !== 'seed-b')
      .map((c) => c.id)
      .join(', ')} rotated by one place each round, then seed-b`,
    n: PAIRS,
  };
}
