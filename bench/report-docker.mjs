// The rebuild on Docker Engine 29 (BuildKit), the engine users run, as written in bench/RESULTS.md:
// its rows in the summary and its own section (bench/rebuild-docker.mjs measures it).
import { P, S, X } from './format.mjs';

/** @returns {string[][]} the summary rows: figure, ours, baseline, ratio */
export function rebuildDockerRows(v) {
  const median = (id) => v.contenders[id].median;
  const vsHost = (figure, id) => [figure, S(median(id)), `${S(v.host.median)} host`, X(median(id) / v.host.median)];
  return [
    vsHost('rebuild on Docker Engine 29 vs the host', 'docker-ours'),
    [
      'rebuild on Docker Engine 29 vs seed (b) on it',
      S(median('docker-ours')),
      `${S(median('docker-seed-b'))} seed (b)`,
      P(v.vsSeedB),
    ],
    vsHost('rebuild by `make docker-build` on Docker Engine 29 vs the host', 'docker-make'),
    vsHost("Docker Engine 29's floor (the host's binary copied into scratch) vs the host", 'docker-floor'),
    vsHost('rebuild on podman 4.3 vs the host (same run)', 'podman-ours'),
  ];
}

/** What the floor says about the 1.5× target, from this run's figures. */
export function floorSentence(v) {
  const verdict =
    v.lowerBound > 1.5
      ? 'above 1.5×: no Dockerfile that compiles in the build can meet that target on this engine here'
      : 'within 1.5×: the target is reachable in principle';
  return `The engine's floor, a build that only copies the host's fresh binary into \`FROM scratch\`, is ${X(v.floorVsHost)} the host; that floor plus the host's own go build (${S(v.hostGoBuild.median)}), the least any build that compiles can cost, is ${X(v.lowerBound)}: ${verdict}.`;
}

/** The section: every build of the alternating loop beside the host. */
export function rebuildDockerSection(r) {
  const v = r.sections['rebuild-docker'];
  const row = (id, label) => {
    const c = v.contenders[id];
    return `| ${label} | ${S(c.median)} | ${S(c.min)}–${S(c.max)} | ${(c.median / v.host.median).toFixed(2)}× | ${c.stale} |`;
  };
  const rows = [
    `| host: go build + one layer write | ${S(v.host.median)} | ${S(v.host.min)}–${S(v.host.max)} | 1.00× | |`,
    row('docker-ours', 'ours (scratch), Docker Engine 29: `docker build -t …`'),
    row('docker-make', 'ours (scratch), Docker Engine 29: `make docker-build` (git repository)'),
    row('docker-floor', "floor: the host's binary copied into scratch, Docker Engine 29"),
    row('docker-seed-b', 'seed (b), Docker Engine 29'),
    row('podman-ours', 'ours (scratch), podman 4.3'),
  ];
  return `## Rebuild on Docker Engine (BuildKit)

A one-line change to main.go, warm caches, ${v.n} rounds, ${v.order}; each image is checked to
hold the edited binary (\`bench/rebuild-docker.mjs\`; the suite's own Docker Engine 29 with its
containerd image store, \`engine/docker/\`). \`make docker-build\` runs in a repository with one
commit, so its build args stay the same from round to round; its output rewrites the layers' file
times (\`rewrite-timestamp\`, for reproducible images), which the plain \`docker build\` does not.

| build | median | range | vs host | stale |
|---|---|---|---|---|
${rows.join('\n')}

Ours on Docker: ${X(v.vsHost)} the host, ${P(v.vsSeedB)} of seed (b) on the same engine. ${floorSentence(v)}
`;
}
