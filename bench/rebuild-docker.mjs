// Section: the rebuild after a one-line change to main.go on the engine our users run (issue 17,
// item 6): the generated scratch Dockerfile built by Docker Engine 29 (BuildKit, the suite's own
// daemon, engine/docker/) against the host's incremental `go build` plus one layer write (the
// floor: what any image build must at least do), seed (b) on the same Docker Engine, and ours on
// podman 4.3 beside it. Two more Docker builds say where the time goes: ours through the generated
// `make docker-build` in a git repository (what a user types: reproducible output, build args), and
// the engine's floor, a Dockerfile that only copies the host's fresh binary into scratch (what any
// BuildKit build costs before it compiles anything). One alternating loop, warm caches: host, then
// the builds rotated by one place a round. Every build is checked to hold the new binary (a stale
// cache would look fast).
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as E from '../engine/index.mjs';
import {
  GO_VERSION,
  GOLANG_ALIAS,
  GOLANG_STANDIN,
  GOROOT,
  PAIRS,
  RUN_ID,
  STANDIN_REFS,
  TAG,
  WORK,
  log,
} from './config.mjs';
import { summary } from './lib.mjs';
import { hostRebuild } from './rebuild-variants.mjs';

/** The floor: one new binary into an image, nothing compiled (the `# syntax` line as ours has). */
const FLOOR_DOCKERFILE = '# syntax=docker/dockerfile:1\nFROM scratch\nCOPY hello /usr/local/bin/hello\n';

const EDITED = 'logger.Info("listening"';
const edit = (original, marker) => original.replace(EDITED, `logger.Info("listening (${marker})"`);

/** The suite's Docker Engine with the stand-ins and a warm builder cache; podman as prepared by setup.mjs. */
async function prepareDocker() {
  const d = await E.useEngine('docker');
  if (!d.ok) throw new Error(`rebuild-docker needs the suite's Docker Engine: ${d.reason}`);
  await E.ensureStandIns({
    builders: [{ goVersion: GO_VERSION, goroot: GOROOT }],
    finals: [STANDIN_REFS.alpine, STANDIN_REFS.distroless],
  });
  await E.warmBuilder(GO_VERSION);
  await E.engine(['tag', GOLANG_STANDIN, GOLANG_ALIAS]);
}

/** A build on `kind`, timed, and whether the image holds the binary of this edit. */
async function timedBuild(kind, c, marker) {
  await E.useEngine(kind); // outside the timing: it only checks that the engine answers
  const t = performance.now();
  if (c.make) {
    // The user's command; IMAGE:VERSION is the tag. The repository has one commit, so VERSION,
    // REVISION and SOURCE_DATE_EPOCH stay the same from round to round, as in a working copy.
    const [image, version] = c.tag.split(/:(?=[^:]+$)/);
    await E.exec('make', ['docker-build', 'DOCKER=docker', `IMAGE=${image}`, `VERSION=${version}`], { cwd: c.dir });
  } else await E.build({ context: c.dir, tag: c.tag });
  const ms = performance.now() - t;
  const fresh = await E.withImageRoot(c.tag, (root) => fs.readFileSync(path.join(root, c.binary)).includes(marker));
  return { ms, fresh };
}

export async function rebuildDocker(dirs) {
  await prepareDocker();
  const copy = (from, id) => {
    const dir = path.join(WORK, `rebuild-docker-${id}`);
    fs.cpSync(from, dir, { recursive: true });
    return dir;
  };
  const list = [
    { id: 'docker-ours', kind: 'docker', dir: copy(dirs.scratch, 'ours'), binary: 'usr/local/bin/hello' },
    { id: 'docker-make', kind: 'docker', dir: copy(dirs.scratch, 'make'), binary: 'usr/local/bin/hello', make: true },
    { id: 'docker-floor', kind: 'docker', dir: path.join(WORK, 'rebuild-docker-floor'), binary: 'usr/local/bin/hello' },
    { id: 'docker-seed-b', kind: 'docker', dir: copy(dirs['seed-b'], 'seed-b'), binary: 'main' },
    { id: 'podman-ours', kind: 'podman', dir: copy(dirs.scratch, 'podman'), binary: 'usr/local/bin/hello' },
  ];
  const host = { dir: copy(dirs.scratch, 'host') };
  const floor = list.find((c) => c.id === 'docker-floor');
  fs.mkdirSync(floor.dir, { recursive: true });
  fs.writeFileSync(path.join(floor.dir, 'Dockerfile'), FLOOR_DOCKERFILE);
  fs.copyFileSync(path.join(host.dir, 'main.go'), path.join(floor.dir, 'main.go')); // edited, never built
  const makeDir = list.find((c) => c.make).dir;
  const git = (...a) =>
    E.runCommand('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...a], { cwd: makeDir });
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'generated');
  for (const c of [...list, host]) {
    c.tag = TAG(`rebuild-${c.id ?? 'host'}`);
    c.original = fs.readFileSync(path.join(c.dir, 'main.go'), 'utf8');
    if (c.original.split(EDITED).length !== 2) throw new Error(`rebuild-docker: main.go must hold ${EDITED} once`);
  }
  // The floor's image takes the binary the host built last: run the host build before it, always.
  const floorBinary = () => fs.copyFileSync(path.join(host.dir, 'bin', 'hello'), path.join(floor.dir, 'hello'));
  await hostRebuild(host.dir);
  floorBinary();
  for (const c of list) {
    log(`rebuild-docker: warm-up build of ${c.id}`);
    await timedBuild(c.kind, c, '');
  }
  const m = Object.fromEntries(['host', ...list.map((c) => c.id)].map((id) => [id, []]));
  const stale = Object.fromEntries(list.map((c) => [c.id, 0]));
  const goBuild = [];
  try {
    for (let i = 1; i <= PAIRS; i++) {
      const marker = `edit ${RUN_ID}-docker-${i}`;
      fs.writeFileSync(path.join(host.dir, 'main.go'), edit(host.original, marker));
      const h = await hostRebuild(host.dir);
      m.host.push(h.ms);
      goBuild.push(h.goBuildMs);
      floorBinary();
      const k = (i - 1) % list.length;
      for (const c of [...list.slice(k), ...list.slice(0, k)]) {
        fs.writeFileSync(path.join(c.dir, 'main.go'), edit(c.original, marker));
        const { ms, fresh } = await timedBuild(c.kind, c, marker);
        m[c.id].push(ms);
        if (!fresh) stale[c.id]++;
        log(`rebuild-docker ${i}/${PAIRS}: ${c.id} ${(ms / 1000).toFixed(2)} s${fresh ? '' : ' (STALE)'}`);
      }
      log(`rebuild-docker ${i}/${PAIRS}: host ${(m.host.at(-1) / 1000).toFixed(2)} s`);
    }
  } finally {
    for (const c of [...list, host]) fs.writeFileSync(path.join(c.dir, 'main.go'), c.original);
    await E.useEngine('docker');
    for (const c of list.filter((x) => x.kind === 'docker')) await E.removeImage(c.tag).catch(() => {});
    await E.useEngine('podman');
    for (const c of list.filter((x) => x.kind === 'podman')) await E.removeImage(c.tag).catch(() => {});
  }
  const s = Object.fromEntries(Object.entries(m).map(([id, xs]) => [id, summary(xs)]));
  const perRound = (a, b) => m[a].map((x, i) => Math.round((x / m[b][i]) * 100) / 100);
  // Any Dockerfile that compiles costs at least the engine's floor plus the compile itself: the
  // host's go build is the fastest that compile gets (inside a container it only adds).
  const hostGoBuild = summary(goBuild);
  const lowerBound = (s['docker-floor'].median + hostGoBuild.median) / s.host.median;
  return {
    host: s.host,
    contenders: Object.fromEntries(list.map((c) => [c.id, { ...s[c.id], stale: stale[c.id] }])),
    vsHost: s['docker-ours'].median / s.host.median,
    vsSeedB: s['docker-ours'].median / s['docker-seed-b'].median,
    podmanVsHost: s['podman-ours'].median / s.host.median,
    floorVsHost: s['docker-floor'].median / s.host.median,
    hostGoBuild,
    lowerBound,
    perRound: { vsHost: perRound('docker-ours', 'host'), vsSeedB: perRound('docker-ours', 'docker-seed-b') },
    order: `host, then ${list.map((c) => c.id).join(', ')} rotated by one place each round`,
    n: PAIRS,
  };
}
