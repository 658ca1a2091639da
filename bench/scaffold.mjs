// Section 3: the front door. Scaffold time of `go-minimal --yes` (generator-go-minimal's bin),
// `create-go-minimal --yes` (the bundled package `npm create go-minimal` runs) and `yo go-minimal
// --yes`, all from packed tarballs installed under a temporary prefix, all as uid 65534, cold and
// warm, alternating; `--help` of both bins against `node -e 0`; and the cold install of each
// package with an empty npm cache (bench/frontdoor.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { NOBODY, asNobody } from '../test/e2e/tools.mjs';
import { GO_VERSION, PAIRS, ROOT, WORK, YO, log } from './config.mjs';
import { diffTrees, onPath, summary } from './lib.mjs';
import { runCommand as sh } from '../engine/index.mjs';
import { coldInstalls, helpTimes, packBoth } from './frontdoor.mjs';

const ORDER = ['go-minimal', 'yo', 'create-go-minimal'];

function npmEnv() {
  const env = { ...process.env, NO_UPDATE_NOTIFIER: '1' };
  for (const key of Object.keys(env))
    if (/^npm_config_(prefix|global|location|dry_run|json|pack_destination|ignore_scripts)$/i.test(key))
      delete env[key];
  return env;
}

/** How cold runs drop the page cache of the installed packages. */
function coldMethod() {
  if (onPath('vmtouch')) return 'vmtouch';
  try {
    fs.accessSync('/proc/sys/vm/drop_caches', fs.constants.W_OK);
    return 'drop_caches';
  } catch {
    return 'none';
  }
}

/** Both tarballs and yo installed with `npm install -g` under a fresh prefix below `base`. */
async function install(base) {
  const prefix = path.join(base, 'prefix');
  fs.mkdirSync(prefix, { mode: 0o755 });
  log('scaffold: npm pack (both packages) + npm install -g (tarballs and yo) under a temporary prefix');
  const tarballs = await packBoth(ROOT, base, npmEnv());
  const r = await sh(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      tarballs.generator,
      tarballs.create,
      YO,
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: base, env: npmEnv(), timeoutMs: 300_000 },
  );
  log(`  installed in ${(r.ms / 1000).toFixed(0)} s`);
  return { prefix, ms: r.ms, tarballs };
}

/** A runner of one tool as uid 65534 (asNobody), fresh HOME, fresh empty output folder as cwd. */
function nobodyRunner(base, prefix) {
  const bin = path.join(prefix, 'bin');
  const PATH = [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(':');
  // --name: each run has its own output folder, whose name would otherwise become the default.
  const genArgs = ['--yes', '--name', 'hello', '--go-version', GO_VERSION, '--skip-install'];
  const tools = {
    'go-minimal': [path.join(bin, 'go-minimal'), ...genArgs],
    yo: [path.join(bin, 'yo'), 'go-minimal', ...genArgs],
    'create-go-minimal': [path.join(bin, 'create-go-minimal'), ...genArgs],
  };
  let n = 0;
  return async (tool) => {
    const id = `${tool}-${++n}`;
    const home = path.join(base, `home-${id}`);
    const cwd = path.join(base, `out-${id}`);
    for (const d of [home, cwd]) fs.mkdirSync(d, { mode: 0o755 });
    const env = { HOME: home, PATH, NO_UPDATE_NOTIFIER: '1', NO_COLOR: '1', LANG: 'C.UTF-8' };
    const r = await sh(...asNobody(env, tools[tool]), {
      cwd,
      env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
      timeoutMs: 120_000,
    });
    if (!fs.existsSync(path.join(cwd, 'main.go')))
      throw new Error(`${tool} wrote no main.go in ${cwd}\n${r.stdout}${r.stderr}`);
    return { ms: r.ms, cwd };
  };
}

/** The very first run of each after the install (page cache warm from the install itself), and whether they agree. */
async function firstRuns(runAsNobody, out) {
  out.firstAfterInstall = {};
  const lastOut = {};
  for (const tool of ORDER) {
    const r = await runAsNobody(tool);
    out.firstAfterInstall[tool] = Math.round(r.ms);
    lastOut[tool] = r.cwd;
  }
  const diffs = diffTrees(lastOut['go-minimal'], lastOut.yo);
  const diffsCreate = diffTrees(lastOut['go-minimal'], lastOut['create-go-minimal']);
  out.sameOutput = diffs.length === 0 && diffsCreate.length === 0;
  out.outputDiffs = [...diffs, ...diffsCreate];
  if (!out.sameOutput) log(`  WARNING: outputs differ: ${out.outputDiffs.join('; ')}`);
}

/** PAIRS alternating rounds of every tool, the page cache dropped before each run when cold. */
async function timedRuns(mode, runAsNobody, dropCaches) {
  const samples = Object.fromEntries(ORDER.map((t) => [t, []]));
  for (let i = 1; i <= PAIRS; i++) {
    for (const tool of ORDER) {
      if (mode === 'cold') await dropCaches();
      samples[tool].push((await runAsNobody(tool)).ms);
    }
    log(
      `scaffold ${mode} ${i}/${PAIRS}: ${ORDER.map((t) => `${t} ${(samples[t].at(-1) / 1000).toFixed(2)} s`).join(', ')}`,
    );
  }
  const s = Object.fromEntries(ORDER.map((t) => [t, summary(samples[t])]));
  return {
    ...s,
    ratio: s['go-minimal'].median / s.yo.median,
    createRatio: s['create-go-minimal'].median / s.yo.median,
  };
}

export async function scaffold() {
  const base = path.join(WORK, 'scaffold');
  fs.mkdirSync(base, { mode: 0o755 });
  const { prefix, ms: installMs, tarballs } = await install(base);
  const runAsNobody = nobodyRunner(base, prefix);
  const method = coldMethod();
  const dropCaches = async () => {
    if (method === 'vmtouch') await sh('vmtouch', ['-q', '-e', prefix]);
    else if (method === 'drop_caches') {
      await sh('sync');
      fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
    }
  };
  const runAs = `unshare --user --map-user=${NOBODY} --map-group=${NOBODY}`;
  const out = { method, runAs, installMs, order: ORDER.join(', ') + ', …' };
  await firstRuns(runAsNobody, out);
  for (const mode of ['cold', 'warm']) out[mode] = await timedRuns(mode, runAsNobody, dropCaches);
  const bin = path.join(prefix, 'bin');
  log('scaffold: --help against node -e 0');
  out.help = await helpTimes(
    {
      'go-minimal --help': [process.execPath, path.join(bin, 'go-minimal'), '--help'],
      'create-go-minimal --help': [process.execPath, path.join(bin, 'create-go-minimal'), '--help'],
    },
    PAIRS * 4,
  );
  log('scaffold: cold installs (empty npm cache) of both packages');
  out.coldInstall = await coldInstalls(tarballs, base, npmEnv(), Math.max(2, Math.ceil(PAIRS / 2)));
  return out;
}
