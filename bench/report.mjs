// Renders results.json (see bench/run.mjs) as bench/RESULTS.md and as the table printed at the end.
import { B, MB, MS, P, S, X, range, yes } from './format.mjs';
import { PEER_GO_VERSION, PUBLISHED_BASES } from './peers.mjs';
import { rebuildDockerRows, rebuildDockerSection } from './report-docker.mjs';

const zip = (a, b, n) => Array.from({ length: Math.min(n, Math.max(a.length, b.length)) }, (_, i) => [a[i], b[i]]);
const rest = (steps, n) => steps.slice(n).reduce((sum, x) => sum + x.ms, 0);

/** The size figures of the summary. */
function sizeRows(sizes) {
  const get = (id) => sizes.rows.find((x) => x.id === id);
  const ours = get('ours-scratch');
  return [
    [
      'image size, default (scratch) vs docker init',
      MB(ours.published),
      `${MB(get('docker-init').published)} (computed, lower bound)`,
      P(ours.vsDockerInit),
    ],
    [
      'image size, default vs seed (b)',
      MB(ours.published),
      MB(get('seed-b').published),
      P(ours.published / get('seed-b').published),
    ],
    [
      'image size, default vs ko defaults',
      MB(ours.published),
      `${MB(get('ko').published)} (published base)`,
      P(ours.published / get('ko').published),
    ],
    [
      'scratch image over its binary',
      `${B(ours.measured - ours.binary)} B`,
      `binary ${MB(ours.binary)}`,
      P((ours.measured - ours.binary) / ours.binary),
    ],
  ];
}

/** The quotable figures: one line each, ratio first. */
function summaryRows(r) {
  const s = r.sections;
  const rows = s.sizes ? sizeRows(s.sizes) : [];
  if (s.rebuild) {
    const v = s.rebuild;
    const ours = v.contenders.ours;
    rows.push([
      'rebuild after a one-line change (warm)',
      S(ours.median),
      `${S(v.contenders['seed-b'].median)} seed (b)`,
      P(v.ratio),
    ]);
    rows.push(['rebuild vs the host (go build + one layer)', S(ours.median), `${S(v.host.median)} host`, X(v.vsHost)]);
  }
  if (s['rebuild-docker']) rows.push(...rebuildDockerRows(s['rebuild-docker']));
  if (s.scaffold)
    for (const mode of ['warm', 'cold']) {
      const m = s.scaffold[mode];
      rows.push([`scaffold, ${mode}`, S(m['go-minimal'].median), `${S(m.yo.median)} yo`, P(m.ratio)]);
      rows.push([
        `scaffold with create-go-minimal, ${mode}`,
        S(m['create-go-minimal'].median),
        `${S(m.yo.median)} yo`,
        P(m.createRatio),
      ]);
    }
  if (s.scaffold?.help) {
    const h = s.scaffold.help;
    rows.push([
      'go-minimal --help',
      S(h['go-minimal --help'].median),
      `${S(h.node.median)} node -e 0`,
      X(h['go-minimal --help'].ratio),
    ]);
    const ci = s.scaffold.coldInstall;
    rows.push([
      'first install, empty npm cache: create-go-minimal',
      S(ci.create.median),
      `${S(ci.generator.median)} generator-go-minimal`,
      P(ci.ratio),
    ]);
  }
  if (s.service) {
    const v = s.service;
    rows.push([
      'start → first 200',
      MS(v.starts.ours.median),
      `${MS(v.starts.baseline.median)} hello`,
      X(v.starts.ours.median / v.starts.baseline.median),
    ]);
    rows.push([
      'idle RSS',
      MB(v.idle.ours.median),
      `${MB(v.idle.baseline.median)} hello`,
      X(v.idle.ours.median / v.idle.baseline.median),
    ]);
    rows.push([
      'p99 latency under wrk',
      MS(v.load.ours.p99ms),
      `${MS(v.load.baseline.p99ms)} hello`,
      X(v.load.ours.p99ms / v.load.baseline.p99ms),
    ]);
  }
  return rows;
}

const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );

/** The short table printed at the end of a run. */
export function renderTable(r) {
  const parts = [table(['figure', 'ours', 'baseline', 'ours / baseline'], summaryRows(r))];
  if (r.targets.length)
    parts.push(
      table(
        ['target (issues 5, 12)', 'limit', 'measured', ''],
        r.targets.map((t) => [t.name, t.target, t.value, yes(t.met)]),
      ),
    );
  return parts.join('\n\n');
}

/** Title, machine and summary. */
function header(r) {
  const m = r.machine;
  const rerun = Object.entries(r.sections)
    .filter(([, x]) => x.command)
    .map(([name]) => name);
  return `# Benchmarks (issues 5 and 12)

Produced by \`${r.command}\` at ${r.generatedAt}, in ${Math.round(r.seconds / 60)} min${r.complete ? '' : ' (**a partial run**: not the reference figures)'}.
Every figure below was measured in that one run, each against its baseline. Ratios are what we
quote; absolute times and sizes are **this machine's**. Reproduce (Debian 12, root, ≈ 5–10 min):
\`bash .ci/install-system && npm ci && npm run bench\`. Raw samples: \`bench/results.json\`.

| CPU | cores | memory | OS | kernel | Node | Go | buildah | podman | runc | wrk | npm | yo |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
| ${m.cpu} | ${m.cores} | ${m.memoryGB} GB | ${m.os} | ${m.kernel} | ${m.node} | ${m.go} | ${m.buildah} | ${m.podman} | ${m.runc} | ${m.wrk} | ${m.npm} | ${m.yo} |

Load average (1 min): ${r.load.start} at the start, ${r.load.end} at the end. The machine may be shared,
so every comparison alternates its contenders (A B A B …) and reports the median.${
    rerun.length
      ? `\n\nRe-run alone since (\`--update\`, their command and load under their heading): ${rerun.join(', ')}. Every
comparison is still within one run: a section's figures are never mixed with another run's.`
      : ''
  }

## Summary

${renderTable(r)}
`;
}

/** Section 1: image sizes. */
function sizesSection(r) {
  const s = r.sections;
  const rows = s.sizes.rows.map((x) => [
    x.label,
    x.summary,
    x.how === 'computed' ? '*computed*' : 'measured',
    B(x.binary),
    x.measured == null ? '—' : B(x.measured),
    `**${MB(x.published)}**`,
    P(x.vsDockerInit),
    x.note ?? '',
  ]);
  return `## 1. Image size, same service source

The service generated by \`go-minimal <dir> --yes --go-version ${PEER_GO_VERSION} --skip-install --base X\`, built
with its own \`make docker-build DOCKER=podman\`; the peers' Dockerfiles (\`bench/peers.mjs\`, written
from their descriptions, Go ${PEER_GO_VERSION} and alpine 3.24 pinned as in ours) built with podman/buildah
from the same \`go.mod\`, \`main.go\` and \`main_test.go\` (plus an empty \`go.sum\`, which a
standard-library module lacks and their \`COPY go.mod go.sum\` needs: docker/roadmap#611).

Nothing can be pulled here, so base images are local **stand-ins** (\`engine/recipes.mjs\`):
alpine 3.24 = busybox + CA bundle (${B(s.sizes.standIn.alpine)} B, no apk),
distroless static nonroot = CA bundle, passwd, tzdata (${B(s.sizes.standIn.distroless)} B).
"As built here" is the engine's size of the image with the stand-in base; "with the published base"
replaces the stand-in's size by the real image's: alpine 3.24 ${MB(PUBLISHED_BASES.alpine.bytes)}
(${PUBLISHED_BASES.alpine.source}); distroless ${MB(PUBLISHED_BASES.distroless.bytes)} (${PUBLISHED_BASES.distroless.source}).
scratch images need no correction. *Computed* rows: the final stage runs \`apk add\`, which the
stand-in cannot do, so only the builder stage is built (for real, with that Dockerfile's flags) and
the row is its binary + the published alpine size.

${table(['image', 'layout', 'how', 'binary (B)', 'as built here (B)', 'with the published base', 'vs docker init', 'note'], rows)}
`;
}

/** Section 3: scaffold times. */
function scaffoldSection(r) {
  const s = r.sections;
  const m = r.machine;
  const v = s.scaffold;
  const line = (mode, tool) => range(v[mode][tool], S);
  const coldHow = {
    vmtouch:
      'the page cache of the whole installed prefix (yo, the generator and every dependency) is evicted with `vmtouch -e` before each run',
    drop_caches: 'the page cache is dropped (`echo 1 > /proc/sys/vm/drop_caches`) before each run',
    none: 'the page cache could not be dropped here (no vmtouch, no writable drop_caches): "cold" is a fresh HOME only',
  }[v.method];
  const h = v.help;
  const ms = (x) => `${Math.round(x.median)} ms`;
  const ci = v.coldInstall;
  return `## 3. The front door: scaffold, \`--help\`, first install

\`npm pack\` of generator-go-minimal and of create-go-minimal (\`packages/create-go-minimal\`, the
bundle \`npm create go-minimal\` runs), \`npm install -g\` of both with ${m.yo} under a temporary prefix
(${S(v.installMs)}), then each tool run as uid 65534${v.runAs ? ` (\`${v.runAs}\`; yo refuses root)` : ' (yo refuses root)'} with a fresh
HOME and an empty output folder, flags \`--yes --go-version ${PEER_GO_VERSION} --skip-install\`. Warm: page cache
warm. Cold: ${coldHow}; node's own binary stays cached. Order: ${v.order}; ${v.warm.yo.n} runs
each. Same output from all three: ${v.sameOutput ? 'yes (byte for byte)' : `**no**: ${v.outputDiffs.join('; ')}`}.

| | warm, median (min–max) | cold, median (min–max) | first run after install |
|---|---|---|---|
| go-minimal | ${line('warm', 'go-minimal')} | ${line('cold', 'go-minimal')} | ${S(v.firstAfterInstall['go-minimal'])} |
| create-go-minimal | ${line('warm', 'create-go-minimal')} | ${line('cold', 'create-go-minimal')} | ${S(v.firstAfterInstall['create-go-minimal'])} |
| yo go-minimal | ${line('warm', 'yo')} | ${line('cold', 'yo')} | ${S(v.firstAfterInstall.yo)} |
| **go-minimal / yo** | **${P(v.warm.ratio)}** | **${P(v.cold.ratio)}** | |
| **create-go-minimal / yo** | **${P(v.warm.createRatio)}** | **${P(v.cold.createRatio)}** | |

\`--help\` (${h.node.n} runs each, interleaved; neither loads yeoman): \`node -e 0\` ${ms(h.node)}; \`go-minimal
--help\` ${ms(h['go-minimal --help'])} (**${h['go-minimal --help'].ratio.toFixed(2)}×** node); \`create-go-minimal --help\`
${ms(h['create-go-minimal --help'])} (**${h['create-go-minimal --help'].ratio.toFixed(2)}×** node).

First install, empty npm cache (\`npm install --cache <new folder> <tarball>\`, dependencies from the
registry; ${ci.generator.n} rounds, alternating): generator-go-minimal ${S(ci.generator.median)} (${ci.generator.packages}
packages, ${MB(ci.generator.bytes)} installed); create-go-minimal ${S(ci.create.median)} (${ci.create.packages} package,
${MB(ci.create.bytes)}): **${P(ci.ratio)}** of it.
`;
}

/** Section 4: the service vs net/http hello. */
function serviceSection(r) {
  const s = r.sections;
  const m = r.machine;
  const v = s.service;
  return `## 4. The generated service vs a minimal net/http server

Ours: \`bin/hello\` from the generated \`make build\` (the image's flags: \`CGO_ENABLED=0 -trimpath
-ldflags "-s -w"\`); baseline: \`http.HandleFunc("/", hello)\` + \`ListenAndServe\`, built with the same
flags (${B(v.binaries.baseline)} B vs ours ${B(v.binaries.ours)} B). Run on the host, loopback only.
Start → first 200: from just before \`spawn()\` to the first \`200\` on \`/healthz\`, polling with fresh
connections back to back; ${v.starts.ours.n} starts each, alternating. Idle RSS: 1 s after the first
200 (median of ${v.idle.ours.n}). Load: \`${v.wrk}\` (client and server share the ${m.cores} cores).

| | ours | net/http hello | ours / hello |
|---|---|---|---|
| start → first 200, median (min–max) | ${range(v.starts.ours, MS)} | ${range(v.starts.baseline, MS)} | ${X(v.starts.ours.median / v.starts.baseline.median)} |
| idle RSS | ${MB(v.idle.ours.median)} | ${MB(v.idle.baseline.median)} | ${X(v.idle.ours.median / v.idle.baseline.median)} |
| RSS peak under load | ${MB(v.load.ours.rssPeak)} | ${MB(v.load.baseline.rssPeak)} | ${X(v.load.ours.rssPeak / v.load.baseline.rssPeak)} |
| p50 latency | ${MS(v.load.ours.p50ms)} | ${MS(v.load.baseline.p50ms)} | ${X(v.load.ours.p50ms / v.load.baseline.p50ms)} |
| p99 latency | ${MS(v.load.ours.p99ms)} | ${MS(v.load.baseline.p99ms)} | ${X(v.load.ours.p99ms / v.load.baseline.p99ms)} |
| requests/s | ${Math.round(v.load.ours.rps).toLocaleString('en')} | ${Math.round(v.load.baseline.rps).toLocaleString('en')} | ${X(v.load.ours.rps / v.load.baseline.rps)} |
| errors | ${v.load.ours.socketErrors ?? 'none'}${v.load.ours.non2xx ? `, ${v.load.ours.non2xx} non-2xx` : ''} | ${v.load.baseline.socketErrors ?? 'none'}${v.load.baseline.non2xx ? `, ${v.load.baseline.non2xx} non-2xx` : ''} | |
`;
}

/** The targets with their notes. */
function targetsSection(r) {
  const rows = r.targets.map((t) => [t.name, t.target, t.value, yes(t.met), t.detail ?? '']);
  return `## Targets (issues 5 and 12, not loosened)

${table(['target', 'limit', 'measured', '', 'note'], rows)}
`;
}

const KIND_LABELS = {
  context: 'context transfer (`COPY . .`)',
  compile: 'compile (the go build `RUN`: container, go build, layer commit)',
  commit: 'final stage: copy from the builder, image commit',
  cached: 'cache checks of the unchanged instructions',
};

/** For the rebuild section: what can be said of BuildKit without measuring it. */
const BUILDKIT_NOTE = `This section measures podman 4.3 / buildah 1.28, whose steps it can split; the same change on
Docker Engine 29 (BuildKit), the engine most users run, is measured beside the host in its own
section ([Rebuild on Docker Engine](#rebuild-on-docker-engine-buildkit)).`;

/** Section 2: the rebuild, its variants, the host's floor and the breakdown of ours. */
function rebuildSection(r) {
  const v = r.sections.rebuild;
  const c = v.contenders;
  const ours = c.ours;
  const row = (x) => [
    x.id === 'ours' ? `**${x.label}**` : x.label,
    range(x, S),
    P(x.vsSeedB),
    X(x.vsHost),
    x.stale ? `**stale ${x.stale}/${x.n}**` : 'fresh',
  ];
  const rows = [
    ['host: incremental go build + one layer', range(v.host, S), P(v.host.median / c['seed-b'].median), X(1), ''],
    ...Object.entries(c).map(([id, x]) => row({ id, ...x })),
  ];
  const go = v.timedGoBuild;
  const kinds = Object.entries(KIND_LABELS).map(([k, label]) => [
    label,
    S(ours.kinds[k]),
    P(ours.kinds[k] / ours.median),
  ]);
  if (go)
    kinds.splice(2, 0, ['… of which `go build` itself (the `timed` probe)', S(go.median), P(go.median / ours.median)]);
  return `## 2. Rebuild after a one-line change to main.go (warm caches)

Each round changes one line of \`main.go\` (a log message, made unique to the run and the round, so
that no earlier build can be reused) and rebuilds every contender with \`podman build\`, in this
order: ${v.order}; ${v.n} round${v.n === 1 ? '' : 's'}. Every contender was built once before (warm layers and warm
\`--mount=type=cache\` module and build caches). After each build the image's binary is searched
for the new message: an image without it is **stale** (the engine reused an old layer).
Seed (b)'s \`-a\` rebuilds the whole standard library every time; ours recompiles \`main\` and links.
The host's figure is the floor: the same edit built by the host's \`go build\` with the image's flags
and a warm cache (${range(v.host.goBuild, S)}), plus writing one layer of the binary's size
(${(v.host.layerBytes / 1e6).toFixed(2)} MB: \`tar\`, fsync, sha256; ${range(v.host.layer, S)}).

${table(['contender', 'median (min–max), this machine', 'vs seed (b)', 'vs host', 'image'], rows)}

Pair by pair, ours took ${P(v.pairRatios.min)}–${P(v.pairRatios.max)} of seed (b)'s time.

Where ours' time goes (median per kind over the rounds; each step's time is the gap between
podman's \`STEP\` lines, \`bench/rebuild-variants.mjs\`):

${table(['part of ours', 'median', 'share'], kinds)}

${BUILDKIT_NOTE}

Slowest steps (median):

| ours | ms | seed (b) | ms |
|---|---|---|---|
${zip(ours.steps, c['seed-b'].steps, 6)
  .map(
    ([a, b]) =>
      `| ${a ? `\`${a.step.slice(0, 70)}\`` : ''} | ${a?.ms ?? ''} | ${b ? `\`${b.step.slice(0, 70)}\`` : ''} | ${b?.ms ?? ''} |`,
  )
  .join('\n')}
| all other steps | ${rest(ours.steps, 6)} | all other steps | ${rest(c['seed-b'].steps, 6)} |
`;
}

/** A section re-run alone (run.mjs --update) says so under its heading. */
function withRerun(text, section) {
  if (!section.command) return text;
  const note = `*This section was re-run alone: \`${section.command}\` at ${section.generatedAt}, in ${Math.round(section.seconds / 60)} min (load ${section.loadavg.start} → ${section.loadavg.end}).*`;
  return text.replace('\n\n', `\n\n${note}\n\n`);
}

export function renderMarkdown(r) {
  const s = r.sections;
  const out = [header(r)];
  const renderers = {
    sizes: sizesSection,
    rebuild: rebuildSection,
    'rebuild-docker': rebuildDockerSection,
    scaffold: scaffoldSection,
    service: serviceSection,
  };
  for (const [name, render] of Object.entries(renderers)) if (s[name]) out.push(withRerun(render(r), s[name]));
  if (r.targets.length) out.push(targetsSection(r));
  return out.join('\n');
}
