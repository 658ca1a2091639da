// The pieces of the rebuild section (rebuild.mjs): the Dockerfile variants it measures beside the
// shipped one, a `podman build` that times each step, and the host's own figure for the same edit.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GO, engineEnv, goEnv } from './config.mjs';
import { runCommand as sh } from '../engine/index.mjs';

/** Replaces `from` by `to` in `text`, which must hold `from` exactly once (a stale transform fails loudly). */
function once(text, from, to, what) {
  const n = text.split(from).length - 1;
  if (n !== 1) throw new Error(`rebuild variant "${what}": expected one ${JSON.stringify(from)}, found ${n}`);
  return text.replace(from, () => to);
}

const BINARY = '/usr/local/bin/hello';
/** Every contender of the rebuild section, in the order each round builds them. */
export const REBUILD_IDS = ['ours', 'split-copies', 'bind', 'trimmed', 'timed', 'seed-b'];

/**
 * The alternatives to the shipped (generated, scratch) Dockerfile, each one lever of issue 12
 * undone or added, so that each lever is measured in the same run:
 * - split-copies: the 0.1.0 layout, three `COPY --from` in the final stage (CA bundle,
 *   passwd/group, binary) and two ARG lines, instead of one COPY of a prepared /out tree;
 * - bind: the sources bind-mounted into the build `RUN` instead of `COPY . .` (what docker init
 *   does). buildah 1.28 does not hash a bind mount's content into the cache key, so the run
 *   checks whether the image got the new binary (`stale`);
 * - trimmed: the shipped Dockerfile with docs, tests and make files also kept out of the context;
 * - timed: the shipped Dockerfile with `go build` run under `time`, so that the compile step's
 *   duration can be split into the go command's own time and the container around it. A probe
 *   for the breakdown, not a candidate.
 * @param {string} dockerfile the shipped Dockerfile
 * @returns {{ id: string, label: string, dockerfile: string, dockerignoreExtra?: string }[]}
 */
export function variants(dockerfile) {
  const finalCopy = 'COPY --from=build /out/ /\n';
  let split = once(
    dockerfile,
    'ARG TARGETOS TARGETARCH VERSION=dev\n',
    'ARG TARGETOS TARGETARCH\nARG VERSION=dev\n',
    's',
  );
  split = once(split, finalCopy, `COPY --from=build /out${BINARY} ${BINARY}\n`, 'split-copies');
  split = once(
    split,
    '\nFROM scratch\n',
    '\nFROM scratch\nCOPY --from=build /out/etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\nCOPY --from=build /out/etc/passwd /out/etc/group /etc/\n',
    'split-copies',
  );
  const buildRun = 'RUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build';
  const bind = once(
    once(dockerfile, 'COPY . .\n', '', 'bind'),
    buildRun,
    buildRun.replace('RUN ', 'RUN --mount=type=bind,target=/src \\\n    '),
    'bind',
  );
  return [
    { id: 'split-copies', label: 'three final COPYs, two ARGs (0.1.0 layout)', dockerfile: split },
    { id: 'bind', label: 'bind mount instead of `COPY . .`', dockerfile: bind },
    {
      id: 'trimmed',
      label: 'context trimmed further (docs, tests, make files)',
      dockerfile,
      dockerignoreExtra: '\n# bench: trimmed context\n*.md\n**/*_test.go\nMakefile\n*.mk\n',
    },
    {
      id: 'timed',
      label: 'probe: `go build` under `time`',
      dockerfile: once(dockerfile, '\n    go build ', '\n    time go build ', 'timed'),
    },
  ];
}

/** The `real` seconds busybox's `time` printed, in ms, or null. */
export function timedGoBuildMs(output) {
  const m = output.match(/^real\s+(?:(\d+)m\s*)?([\d.]+)s$/m);
  return m ? Math.round((Number(m[1] ?? 0) * 60 + Number(m[2])) * 1000) : null;
}

/**
 * `podman build` with the time each Dockerfile step took, from the arrival times of podman's
 * `STEP n/m:` lines (a step ends when the next one, or the commit, starts). buildah 1.28 prints
 * no timings of its own, and `--log-level debug` slows every step; a line's arrival is within
 * milliseconds of the step's start.
 * @returns {Promise<{ ms: number, output: string, steps: { step: string, ms: number }[] }>}
 */
export function podmanBuildSteps(context, tag) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn('podman', ['build', '-t', tag, context], { cwd: context, env: engineEnv });
    const steps = [];
    let current = null;
    let output = '';
    let pending = '';
    const onData = (d) => {
      const now = performance.now();
      output += d;
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = line.match(/^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: (.*)$/) ?? line.match(/^(?:\[\d+\/\d+\] )?(COMMIT)\b/);
        if (!m) continue;
        if (current) steps.push({ step: current.step, ms: now - current.t });
        current = { step: m[1].replace(/\s+/g, ' '), t: now };
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      const end = performance.now();
      if (current) steps.push({ step: current.step, ms: end - current.t });
      if (code !== 0) reject(new Error(`podman build failed (exit ${code}) in ${context}\n${output}`));
      else resolve({ ms: end - t, output, steps });
    });
  });
}

/**
 * Where a step's time belongs: `context` (copying the build context in), `compile` (the go build
 * RUN: container set-up, go build, committing its layer), `commit` (the final stage's copy from
 * the builder and the image commit), `cached` (every other step: buildah's cache check of an
 * unchanged instruction).
 */
export function stepKind(step) {
  if (/^COPY \. \./.test(step)) return 'context';
  if (/^RUN .*\bgo build\b/.test(step)) return 'compile';
  if (/^COPY --from=/.test(step) || step === 'COMMIT') return 'commit';
  return 'cached';
}

/** The build flags of the generated Dockerfile and Makefile, for the host's build. */
const HOST_BUILD = [
  'build',
  '-trimpath',
  '-buildvcs=false',
  '-ldflags=-s -w -X main.version=bench',
  '-o',
  'bin/hello',
  '.',
];

/**
 * The physical floor of a rebuild on this host: the incremental `go build` of the same edit with
 * a warm build cache, plus writing one image layer of the binary's size: tar it to a file, fsync
 * it and take its sha256 (what a commit does with a layer, without the engine around it).
 * @param {string} dir a copy of the service, already built once (warm cache)
 * @returns {Promise<{ ms: number, goBuildMs: number, layerMs: number, bytes: number }>}
 */
export async function hostRebuild(dir) {
  const build = await sh(GO, HOST_BUILD, { cwd: dir, env: { ...goEnv, CGO_ENABLED: '0' } });
  const t = performance.now();
  const layer = path.join(dir, 'layer.tar');
  await sh('tar', ['-cf', layer, '-C', path.join(dir, 'bin'), 'hello']);
  const fd = fs.openSync(layer, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  crypto.createHash('sha256').update(fs.readFileSync(layer)).digest('hex');
  const layerMs = performance.now() - t;
  const bytes = fs.statSync(layer).size;
  fs.rmSync(layer);
  return { ms: build.ms + layerMs, goBuildMs: build.ms, layerMs, bytes };
}
