// Go tools the e2e proof runs, built from the Go module proxy once per e2e store (Node built-ins
// and the engine only, so .ci/install-system can build them before `npm ci`):
//   node test/e2e/gotools.mjs fetch
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2E_ROOT } from '../../engine/config.mjs';
import { runCommand } from '../../engine/exec.mjs';

/**
 * kustomize. v5.8.1 is the newest whose go.mod accepts the Go on these machines (1.26): v5.8.3
 * asks for Go 1.27, v5.8.2 for 1.26.0, v5.8.1 for 1.24.
 */
export const KUSTOMIZE = { module: 'sigs.k8s.io/kustomize/kustomize/v5', version: 'v5.8.1' };

/**
 * The kustomize binary, built once per e2e store (`go install module@version`; measured here:
 * 112 s with a cold module cache, 19 s warm, then nothing): `<E2E_ROOT>/bin/kustomize-<version>/kustomize`.
 * The build lands in a temporary folder renamed into place, so a concurrent or interrupted
 * build never leaves half a binary.
 * @returns {Promise<string>}
 */
export async function kustomizeBin() {
  const dir = join(E2E_ROOT, 'bin', `kustomize-${KUSTOMIZE.version}`);
  const bin = join(dir, 'kustomize');
  if (existsSync(bin)) return bin;
  mkdirSync(join(E2E_ROOT, 'bin'), { recursive: true });
  const tmp = mkdtempSync(join(E2E_ROOT, 'bin', '.kustomize-'));
  await runCommand('go', ['install', `${KUSTOMIZE.module}@${KUSTOMIZE.version}`], {
    env: { ...process.env, GOBIN: tmp, GOTOOLCHAIN: 'local', GOFLAGS: '' },
    timeoutMs: 10 * 60_000,
  });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process won the race
  }
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'fetch') {
  console.log(`kustomize ${KUSTOMIZE.version}: ${await kustomizeBin()}`);
}
