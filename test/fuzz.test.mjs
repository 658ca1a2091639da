// Fuzzed, not hoped: ≥ 500 generated values per option through each channel (flag, preset JSON,
// .yo-rc.json, prompt answer), and the invariant: a value is either accepted, and the project
// generated from it passes gofmt, go vet and go build, or refused with one printable line naming
// the option (and the file), with nothing written.
//
// Every value goes through the checkers the generator calls (cheap). Then, in-process with
// yeoman-test: one project per class of accepted value (see classOf), and 2 refused values per
// option and channel, whose destination must stay as it was. gofmt/vet/build run once over at
// most 8 of those projects, as one Go workspace in one temp tree. FUZZ_SEED=n replays another run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { APP, DOCKER, FIXTURES, ROOT, helpers, withTty } from './helpers/generate.mjs';
import { classOf, valuesFor } from './helpers/fuzz.mjs';
import { OPTIONS, OPTION_NAMES, kebab } from '../dist/options/table.js';
import { checkOption, promptValidator } from '../dist/options/check.js';
import { ldflags } from '../dist/generators/derive.js';
import { parsePreset } from '../dist/options/preset.js';
import { checkStoredEntry } from '../dist/options/schema.js';

const RUNS = 500;
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const CHANNELS = ['flag', 'preset', 'yo-rc', 'prompt'];
const NS = 'generator-go-minimal';
const PRESET = '/fuzz/p.json';
const GO_PROJECTS = 8;
// The options that reach Go code, most hazardous first (base changes the Dockerfile only).
const GO_SHOWN = ['modulePath', 'name', 'goVersion', 'healthcheck', 'port'];
// eslint-disable-next-line no-control-regex -- a message holding a control character is the failure
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const shipped = new Ajv2020({ strict: false }).compile(
  JSON.parse(readFileSync(join(ROOT, 'dist/preset.schema.json'), 'utf8')),
);
const isDocker = (name) => OPTIONS[name].owners.app === undefined;
const SERVICE_OPTIONS = ['metrics', 'tracing', 'pprof', 'openapi', 'serviceMonitor'];
const oneLine = (message) => !/[\n\r]/.test(message) && !UNPRINTABLE.test(message);

/** The check a channel applies: the value, or an Error. */
function check(name, channel, raw) {
  try {
    if (channel === 'flag') return { value: checkOption(name, raw, { kind: 'flag' }) };
    if (channel === 'preset') return { value: parsePreset({ [name]: raw }, PRESET).defaults[name] };
    if (channel === 'yo-rc') return { value: checkStoredEntry({ [NS]: { [name]: raw } }, NS, '.yo-rc.json')[name] };
    // The question's filter runs first, then its validate; the answer is checked again after.
    const filtered = OPTIONS[name].coerce(raw) ?? raw;
    const verdict = promptValidator(name)(filtered);
    try {
      return { value: checkOption(name, filtered, { kind: 'prompt' }), verdict };
    } catch (error) {
      return { error, verdict };
    }
  } catch (error) {
    return { error };
  }
}

/** What is wrong with one outcome, or undefined. */
function problem(name, channel, raw, outcome) {
  const { value, error, verdict } = outcome;
  if (channel === 'preset' && !shipped({ [name]: raw }) && !error)
    return 'the shipped schema refuses it, the code accepts it';
  if (channel === 'prompt' && (verdict === true) !== !error) return `the prompt's validate says ${verdict}`;
  if (error) {
    const m = error.message;
    if (error.name !== 'OptionError') return `${error.name}: ${m}`;
    if (/[\n\r]/.test(m) || UNPRINTABLE.test(m)) return `not one printable line: ${JSON.stringify(m)}`;
    if (!m.includes(channel === 'flag' ? `--${kebab(name)}` : name)) return `does not name the option: ${m}`;
    if (channel === 'preset' && !m.includes(PRESET)) return `does not name the file: ${m}`;
    if (channel === 'yo-rc' && !m.includes('.yo-rc.json')) return `does not name the file: ${m}`;
    if (typeof verdict === 'string' && (/[\n\r]/.test(verdict) || UNPRINTABLE.test(verdict)))
      return 'validate: not one line';
    return undefined;
  }
  if (OPTIONS[name].validate(value) !== true) return `accepted ${JSON.stringify(value)}, which its validator refuses`;
  return undefined;
}

/**
 * yeoman-test's fake prompt answers the default for a falsy answer (false too, except to a
 * confirm), as a real one does for an empty line: such answers are checked, not run.
 */
const runnable = (name, channel, raw) =>
  channel !== 'prompt' || Boolean(raw) || (raw === false && OPTIONS[name].kind === 'boolean');

/** The pure layer: RUNS values per option and channel; counts, failures, samples to generate. */
function fuzzChecks() {
  const stats = {};
  const accepted = new Map(); // `${name} ${class}` → channel → { name, channel, raw, value, cls }
  const refused = [];
  for (const name of OPTION_NAMES) {
    for (const channel of CHANNELS) {
      const s = (stats[`${name} ${channel}`] = { tried: 0, accepted: 0, rejected: 0, failures: [] });
      let refusedHere = 0;
      fc.assert(
        fc.property(valuesFor(name, channel, OPTIONS[name].kind), (raw) => {
          s.tried += 1;
          const outcome = check(name, channel, raw);
          const why = problem(name, channel, raw, outcome);
          if (why) s.failures.push(`${JSON.stringify(raw)}: ${why}`);
          if (outcome.error) {
            s.rejected += 1;
            if (refusedHere < 2 && runnable(name, channel, raw) && (refusedHere === 0 || s.rejected > RUNS / 4)) {
              refusedHere += 1;
              refused.push({ name, channel, raw, message: outcome.error.message });
            }
            return;
          }
          s.accepted += 1;
          const key = `${name} ${classOf(name, outcome.value)}`;
          if (!runnable(name, channel, raw)) return;
          const byChannel = accepted.get(key) ?? accepted.set(key, {}).get(key);
          byChannel[channel] ??= { name, channel, raw, value: outcome.value, cls: key };
        }),
        { numRuns: RUNS, seed: SEED + OPTION_NAMES.indexOf(name) * 10 + CHANNELS.indexOf(channel) },
      );
    }
  }
  // One project per class, through the channels in turn (each class through one channel).
  const samples = [...accepted.values()].map(
    (byChannel, i) => byChannel[CHANNELS[i % 4]] ?? Object.values(byChannel)[0],
  );
  return { stats, accepted: samples, refused };
}

/** A folder listing with each file's content: "nothing written" means this did not change. */
function snapshot(dir) {
  return readdirSync(dir, { recursive: true })
    .sort()
    .map((f) => {
      try {
        return `${f}\n${readFileSync(join(dir, f), 'utf8')}`;
      } catch {
        return f; // a folder
      }
    });
}

/** Runs the generator with one value through one channel, in dir. */
async function runWith({ name, channel, raw }, dir) {
  const docker = isDocker(name);
  const gen = docker ? DOCKER : APP;
  const options = { skipInstall: true, ...(docker ? { main: './cmd/a' } : { goVersion: '1.23' }) };
  // The service options' modules need a newer Go, and a ServiceMonitor needs Kubernetes and
  // Prometheus: the other answers they are accepted with (their refusals are in service.test).
  if (SERVICE_OPTIONS.includes(name)) Object.assign(options, { goVersion: '1.26' });
  if (name === 'serviceMonitor') Object.assign(options, { kubernetes: true, metrics: 'prometheus' });
  // An option that means something only with another (owner with backstage) gets it on; backstage
  // itself gets an owner from a preset, which applies only when backstage is on.
  const OWNER = 'group:default/platform';
  const onlyWith = OPTIONS[name].onlyWith;
  if (onlyWith) Object.assign(options, { [onlyWith]: true }, name === 'owner' ? {} : { owner: OWNER });
  const presetExtra = name === 'backstage' ? { owner: OWNER } : {};
  if (Object.keys(presetExtra).length > 0 && channel !== 'preset') {
    writeFileSync(`${dir}.extra.json`, JSON.stringify(presetExtra));
    options.preset = `${dir}.extra.json`;
  }
  delete options[name]; // the fuzzed value comes through its channel alone
  if (channel === 'prompt') {
    const restore = withTty();
    try {
      return await helpers
        .run(gen)
        .cd(dir)
        .withOptions(options)
        .withAnswers({ [name]: raw, ...(name === 'backstage' ? { owner: OWNER } : {}) });
    } finally {
      restore();
    }
  }
  options.yes = true;
  if (channel === 'flag') options[name] = raw;
  if (channel === 'preset') {
    const file = `${dir}.preset.json`;
    writeFileSync(file, JSON.stringify({ [name]: raw, ...presetExtra }));
    options.preset = file;
  }
  if (channel === 'yo-rc') writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ [NS]: { [name]: raw } }));
  return helpers.run(gen).cd(dir).withOptions(options);
}

const go = (args, cwd, env = {}) =>
  spawnSync('go', args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '', ...env },
  });

describe(`fuzz: ${RUNS} values per option and channel (seed ${SEED})`, () => {
  const root = mkdtempSync(join(tmpdir(), 'gm-fuzz-'));
  let fuzz;
  const generated = []; // { sample, dir, error }
  const refusedRuns = []; // { sample, error, changed }
  let goReport;

  const ms = {};
  before(async () => {
    let t = Date.now();
    fuzz = fuzzChecks();
    ms.checks = Date.now() - t;
    t = Date.now();
    let i = 0;
    for (const sample of fuzz.accepted) {
      const dir = join(root, `ok${(i += 1)}`);
      mkdirSync(dir);
      if (isDocker(sample.name)) cpSync(join(FIXTURES, 'cmd-multi'), dir, { recursive: true });
      const error = await runWith(sample, dir).then(
        () => undefined,
        (e) => e,
      );
      generated.push({ sample, dir, error });
    }
    for (const sample of fuzz.refused) {
      const dir = join(root, `no${(i += 1)}`);
      mkdirSync(dir);
      if (isDocker(sample.name)) cpSync(join(FIXTURES, 'cmd-multi'), dir, { recursive: true });
      if (sample.channel === 'yo-rc')
        writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ [NS]: { [sample.name]: sample.raw } }));
      const before = snapshot(dir);
      const error = await runWith(sample, dir).then(
        () => undefined,
        (e) => e,
      );
      refusedRuns.push({ sample, error, changed: JSON.stringify(snapshot(dir)) !== JSON.stringify(before) });
    }
    ms.generator = Date.now() - t;
    t = Date.now();
    // A project with requires has no go.sum under skipInstall: the service e2e builds those.
    const requiresNothing = (g) => !readFileSync(join(g.dir, 'go.mod'), 'utf8').includes('require');
    goReport = goChecks(generated.filter((g) => !g.error && !isDocker(g.sample.name) && requiresNothing(g)));
    ms.go = Date.now() - t;
  });

  after(() => {
    const rows = Object.entries(fuzz?.stats ?? {}).map(
      ([k, s]) =>
        `${k.padEnd(22)} ${String(s.tried).padStart(5)} ${String(s.accepted).padStart(8)} ${String(s.rejected).padStart(8)} ${String(s.failures.length).padStart(8)}`,
    );
    const ok = generated.filter((g) => !g.error).length;
    console.log(
      [
        `fuzz counts (seed ${SEED}): option channel, values tried, accepted, rejected, failures`,
        ...rows,
        `projects generated from accepted classes: ${ok} of ${generated.length}; refused values run through the generator: ${refusedRuns.length}`,
        `gofmt/vet/build: ${goReport?.projects ?? 0} projects, ${goReport?.failures.length ?? '?'} failures; skipped (Go newer than local): ${goReport?.skipped ?? 0}`,
        `built: ${goReport?.built?.join('; ')}`,
        `time: checks ${ms.checks} ms, generator runs ${ms.generator} ms, go ${ms.go} ms (${JSON.stringify(goReport?.timing)})`,
      ].join('\n'),
    );
    rmSync(root, { recursive: true, force: true });
  });

  for (const name of OPTION_NAMES) {
    for (const channel of CHANNELS) {
      it(`${name} via ${channel}: accepted, or refused in one printable line naming it`, () => {
        const s = fuzz.stats[`${name} ${channel}`];
        assert.ok(s.tried >= RUNS, `${s.tried} values`);
        assert.deepEqual(s.failures.slice(0, 5), []);
      });
    }
  }

  // Options passed in code reach the table's check raw (yeoman would Boolean() a text: "false"
  // would mean true); OptionsGenerator.given reads them before that conversion.
  for (const channel of CHANNELS) {
    it(`through the generator via ${channel}: each accepted class generates, a refused value writes nothing`, () => {
      const bad = [];
      for (const g of generated.filter((x) => x.sample.channel === channel && x.error)) {
        // docker: a well-formed --main that is not a main package of the fixture is refused (one line).
        const refusedByModule = isDocker(g.sample.name) && g.error.name === 'OptionError';
        if (!refusedByModule || !oneLine(g.error.message))
          bad.push(`${g.sample.cls} ${JSON.stringify(g.sample.raw)}: ${g.error.message}`);
      }
      for (const r of refusedRuns.filter((x) => x.sample.channel === channel)) {
        if (r.error && oneLine(r.error.message) && !r.changed) continue;
        bad.push(
          `${r.sample.name} ${JSON.stringify(r.sample.raw)}: ${r.error?.message ?? 'accepted'}${r.changed ? ', wrote files' : ''}`,
        );
      }
      assert.deepEqual(bad, []);
    });
  }

  it(`the generated projects pass gofmt, go vet and go build (at most ${GO_PROJECTS}, one workspace)`, (t) => {
    if (goReport.unavailable) return t.skip('go is not on PATH');
    assert.ok(goReport.projects > 0);
    assert.deepEqual(goReport.failures, []);
  });
});

/** gofmt -l, go vet and go build over at most GO_PROJECTS projects, as one workspace. */
function goChecks(candidates) {
  const version = go(['env', 'GOVERSION'], tmpdir());
  if (version.status !== 0) return { unavailable: true, projects: 0, failures: [] };
  const local = version.stdout.trim().replace(/^go/, '');
  const newer = (v) =>
    v
      .split('.')
      .map(Number)
      .reduce((c, n, i) => c || Math.sign(n - (Number(local.split('.')[i]) || 0)), 0) > 0;
  const byPath = new Map();
  let skipped = 0;
  // Spread over the options: round-robin by option, so each gets its share of the 20.
  const queues = GO_SHOWN.map((n) => candidates.filter((g) => g.sample.name === n));
  while (byPath.size < GO_PROJECTS && queues.some((q) => q.length)) {
    for (const q of queues) {
      const g = q.shift();
      if (!g || byPath.size >= GO_PROJECTS) continue;
      const mod = readFileSync(join(g.dir, 'go.mod'), 'utf8');
      const path = /^module (.+)$/m.exec(mod)[1];
      if (newer(/^go (.+)$/m.exec(mod)[1])) skipped += 1;
      else if (!byPath.has(path)) byPath.set(path, g);
    }
  }
  if (byPath.size === 0) return { projects: 0, failures: ['no generated project to build'], skipped };
  const root = join([...byPath.values()][0].dir, '..');
  const dirs = [...byPath.values()].map((g) => g.dir);
  writeFileSync(
    join(root, 'go.work'),
    `go ${local}\n\nuse (\n${dirs.map((d) => `\t./${d.split('/').pop()}`).join('\n')}\n)\n`,
  );
  const failures = [];
  const timing = {};
  const fmt = spawnSync('gofmt', ['-l', ...dirs], { encoding: 'utf8' });
  if (fmt.status !== 0 || fmt.stdout.trim()) failures.push(`gofmt: ${fmt.stdout}${fmt.stderr}`);
  const patterns = [...byPath.keys()].map((p) => `${p}/...`);
  for (const cmd of [
    ['vet', ...patterns],
    // Linked stripped, as the project's Makefile does: the linker then skips DWARF, half its work.
    // (Not -trimpath: the standard library would be compiled again, not taken from the cache.)
    ['build', `-ldflags=${ldflags('dev')}`, '-o', '/dev/null', ...patterns],
  ]) {
    const t = Date.now();
    const r = go(cmd, root, { GOWORK: join(root, 'go.work') });
    timing[cmd[0]] = Date.now() - t;
    if (r.status === 0) continue;
    // Name the project(s): the same command per module, outside the workspace.
    for (const [path, g] of byPath) {
      const one = go([cmd[0], ...(cmd[0] === 'build' ? ['-o', '/dev/null'] : []), './...'], g.dir, { GOWORK: 'off' });
      if (one.status !== 0)
        failures.push(
          `go ${cmd[0]} ${path} (${g.sample.cls} via ${g.sample.channel}): ${one.stderr.trim().split('\n')[0]}`,
        );
    }
    if (!failures.length)
      failures.push(`go ${cmd[0]} (workspace): ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
    break; // what vet refuses, build refuses too: one pinpointing pass is enough
  }
  const built = [...byPath.values()].map((g) => `${g.sample.cls} via ${g.sample.channel}`);
  return { projects: byPath.size, failures, skipped, timing, built };
}
