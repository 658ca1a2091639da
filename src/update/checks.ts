/**
 * The merged project's own checks, run after a clean update: `go vet`, `go test` and, when a
 * container engine is there, `make verify` (the image proven: non-root, read-only, healthy,
 * stops on SIGTERM, no secrets, size). The update's value is a project that still builds and
 * runs, not only one that merged.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { which } from '../image/go.js';

export interface CheckResult {
  name: string;
  /** ok, failed, or skipped (with the reason). */
  status: 'ok' | 'failed' | 'skipped';
  seconds?: number;
  reason?: string;
  /** The last lines of a failed check's output. */
  tail?: string;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string; seconds: number }> {
  const start = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (error) =>
      resolvePromise({ code: 127, output: error.message, seconds: (Date.now() - start) / 1000 }),
    );
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output, seconds: (Date.now() - start) / 1000 }));
  });
}

/** The container CLI for make verify: $DOCKER if set, else docker, else podman; undefined if none. */
export function containerEngine(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER) return env.DOCKER;
  return ['docker', 'podman'].find((cli) => which(cli, env.PATH ?? ''));
}

/** Whether the project's Makefile (or docker.mk) has a verify target. */
function hasVerify(root: string): boolean {
  return ['Makefile', 'docker.mk'].some(
    (f) => existsSync(join(root, f)) && /^verify:/m.test(readFileSync(join(root, f), 'utf8')),
  );
}

/** Runs the checks in order; a failed one does not stop the next (each is reported). */
export async function runChecks(root: string, env: NodeJS.ProcessEnv = process.env): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const tail = (output: string) => output.trim().split('\n').slice(-20).join('\n');
  const go = which('go', env.PATH ?? '');
  for (const [name, args] of [
    ['go vet', ['vet', './...']],
    ['go test', ['test', './...']],
  ] as const) {
    if (!go) {
      results.push({ name, status: 'skipped', reason: 'go is not on PATH' });
      continue;
    }
    const r = await run(go, [...args], root, env);
    results.push({
      name,
      status: r.code === 0 ? 'ok' : 'failed',
      seconds: r.seconds,
      ...(r.code === 0 ? {} : { tail: tail(r.output) }),
    });
  }
  const engine = containerEngine(env);
  const make = which('make', env.PATH ?? '');
  const why = !hasVerify(root)
    ? 'no verify target'
    : !make
      ? 'make is not on PATH'
      : !engine
        ? 'no container engine (docker or podman)'
        : undefined;
  if (why) results.push({ name: 'make verify', status: 'skipped', reason: why });
  else {
    const r = await run(make!, ['verify', `DOCKER=${engine}`], root, env);
    results.push({
      name: `make verify (${engine})`,
      status: r.code === 0 ? 'ok' : 'failed',
      seconds: r.seconds,
      ...(r.code === 0 ? {} : { tail: tail(r.output) }),
    });
  }
  return results;
}
