// What every section of the bench shares: the command line, the Go it builds with, image tags,
// the work folder, the environments and the log. Read once, when bench/run.mjs imports it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as E from '../engine/index.mjs';
import { findGoroot } from '../test/e2e/toolchains.mjs';
import { PEER_GO_VERSION } from './peers.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH = path.join(ROOT, 'bench');
/** The oldest supported Go release (the machine's own Go here); peers.mjs pins the same. */
export const GO_VERSION = PEER_GO_VERSION;
export const GOROOT = findGoroot(GO_VERSION) ?? `(no Go ${GO_VERSION})`;
export const GO = path.join(GOROOT, 'bin/go');

export const YO = 'yo@7.0.1';
export const BASES = ['scratch', 'distroless', 'alpine'];
export const STANDIN_REFS = {
  alpine: 'docker.io/library/alpine:3.24',
  distroless: 'gcr.io/distroless/static-debian13:nonroot',
};
/** The peers' Dockerfiles say `golang:<GO_VERSION>`; it is tagged onto the same builder stand-in as ours. */
export const GOLANG_ALIAS = `docker.io/library/golang:${GO_VERSION}`;
export const GOLANG_STANDIN = `docker.io/library/golang:${GO_VERSION}-alpine`;
export const TAG = (id) => `localhost/gm-bench-${id}:bench`;
/** Makes this run's source edits unique (see rebuild.mjs). */
export const RUN_ID = `${Date.now().toString(36)}${process.pid.toString(36)}`;

export const SECTION_NAMES = ['sizes', 'rebuild', 'rebuild-docker', 'scaffold', 'service'];
const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    pairs: { type: 'string' },
    starts: { type: 'string' },
    'wrk-seconds': { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean' },
    update: { type: 'boolean' },
  },
});
export const SECTIONS = opts.only ? opts.only.split(',') : SECTION_NAMES;
for (const s of SECTIONS)
  if (!SECTION_NAMES.includes(s)) throw new Error(`Invalid --only "${s}": use ${SECTION_NAMES.join(', ')}`);
export const PAIRS = Number(opts.pairs ?? 5);
export const STARTS = Number(opts.starts ?? 21);
export const WRK_SECONDS = Number(opts['wrk-seconds'] ?? 10);
export const KEEP = Boolean(opts.keep);
/** --update: the sections run replace theirs in bench/results.json, and RESULTS.md is rendered again. */
export const UPDATE = Boolean(opts.update);
if (UPDATE && !opts.only) throw new Error('--update replaces the sections named by --only: add --only');
export const FULL = !opts.only && !opts.pairs && !opts.starts && !opts['wrk-seconds'];
export const OUT = opts.out ?? (FULL || UPDATE ? BENCH : fs.mkdtempSync(path.join(os.tmpdir(), 'gm-bench-out-')));
export const COMMAND = FULL ? 'npm run bench' : `node bench/run.mjs ${process.argv.slice(2).join(' ')}`;

/** A fresh work folder (yo runs below it as uid 65534 in a user namespace, i.e. as its owner). */
export const WORK = fs.mkdtempSync('/var/tmp/go-minimal-bench-');
fs.chmodSync(WORK, 0o755);

export const goEnv = {
  ...process.env,
  PATH: `${GOROOT}/bin:${process.env.PATH}`,
  GOTOOLCHAIN: 'local',
  GOPROXY: 'off',
  GOFLAGS: '-mod=mod',
};
export const engineEnv = { ...process.env, ...E.engineEnv() };

const t0 = performance.now();
export const elapsedMs = () => performance.now() - t0;
export const log = (...a) => console.log(`[bench ${(elapsedMs() / 1000).toFixed(0).padStart(4)} s]`, ...a);
