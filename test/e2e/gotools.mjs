// Go tools the e2e proof runs, built through the Go module proxy once per e2e store (Node
// built-ins and the engine only, so .ci/install-system can build them before `npm ci`):
//   node test/e2e/gotools.mjs fetch
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2E_ROOT } from '../../engine/config.mjs';
import { runCommand } from '../../engine/exec.mjs';

/**
 * kustomize. v5.8.1 is the newest whose go.mod accepts the Go on these machines (1.26): v5.8.3
 * asks for Go 1.27, v5.8.2 for 1.26.0, v5.8.1 for 1.24.
 */
export const KUSTOMIZE = { module: 'sigs.k8s.io/kustomize/kustomize/v5', version: 'v5.8.1' };

/** compose-check (test/fixtures/compose-check): compose-go, the loader Docker Compose uses. */
const COMPOSE_CHECK = fileURLToPath(new URL('../fixtures/compose-check/', import.meta.url));

/**
 * Builds a binary once into `<E2E_ROOT>/bin/<key>/<name>` and returns its path. The build lands
 * in a temporary folder renamed into place, so a concurrent or interrupted build never leaves
 * half a binary.
 * @param {string} key @param {string} name @param {(out: string) => Promise<unknown>} buildInto
 */
async function buildOnce(key, name, buildInto) {
  const dir = join(E2E_ROOT, 'bin', key);
  const bin = join(dir, name);
  if (existsSync(bin)) return bin;
  mkdirSync(join(E2E_ROOT, 'bin'), { recursive: true });
  const tmp = mkdtempSync(join(E2E_ROOT, 'bin', `.${name}-`));
  await buildInto(tmp);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process won the race
  }
  return bin;
}

/** The go command's environment here: the machine's Go and module proxy, no workspace flags. */
const GO_ENV = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' };

/**
 * The kustomize binary (`go install module@version`; measured here: 112 s with a cold module
 * cache, 19 s warm, then nothing).
 * @returns {Promise<string>}
 */
export const kustomizeBin = () =>
  buildOnce(`kustomize-${KUSTOMIZE.version}`, 'kustomize', (out) =>
    runCommand('go', ['install', `${KUSTOMIZE.module}@${KUSTOMIZE.version}`], {
      env: { ...GO_ENV, GOBIN: out },
      timeoutMs: 10 * 60_000,
    }),
  );

/**
 * The compose-check binary, keyed by its sources (go.mod, go.sum, main.go): `compose-check FILE`
 * validates FILE against the Compose Specification and prints each service's develop.watch.
 * @returns {Promise<string>}
 */
export function composeCheckBin() {
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(COMPOSE_CHECK, f)));
  return buildOnce(`compose-check-${hash.digest('hex').slice(0, 12)}`, 'compose-check', (out) =>
    runCommand('go', ['build', '-trimpath', '-o', join(out, 'compose-check'), '.'], {
      cwd: COMPOSE_CHECK,
      env: GO_ENV,
      timeoutMs: 10 * 60_000,
    }),
  );
}

/** sbom-scanner (test/fixtures/sbom-scanner): the stand-in SBOM generator for BuildKit. */
const SBOM_SCANNER = fileURLToPath(new URL('../fixtures/sbom-scanner/', import.meta.url));

/**
 * The sbom-scanner binary, static, keyed by its sources (go.mod, main.go).
 * @returns {Promise<string>}
 */
export function sbomScannerBin() {
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'main.go']) hash.update(readFileSync(join(SBOM_SCANNER, f)));
  return buildOnce(`sbom-scanner-${hash.digest('hex').slice(0, 12)}`, 'sbom-scanner', (out) =>
    runCommand('go', ['build', '-trimpath', '-o', join(out, 'sbom-scanner'), '.'], {
      cwd: SBOM_SCANNER,
      env: { ...GO_ENV, CGO_ENABLED: '0', GOPROXY: 'off' },
      timeoutMs: 10 * 60_000,
    }),
  );
}

/** svc-probe (test/fixtures/svc-probe): scrape, OTLP receiver, load and limits for the service proof. */
const SVC_PROBE = fileURLToPath(new URL('../fixtures/svc-probe/', import.meta.url));

/**
 * The svc-probe binary, static (it runs inside the Docker Engine's network namespace), keyed by
 * its sources; its modules (client_golang, prometheus/common, the OTLP protobuf types) come
 * through the Go module proxy.
 * @returns {Promise<string>}
 */
export function svcProbeBin() {
  const hash = createHash('sha256');
  for (const f of readdirSync(SVC_PROBE)
    .filter((n) => /\.go$|^go\.(mod|sum)$/.test(n))
    .sort()) {
    hash.update(f).update(readFileSync(join(SVC_PROBE, f)));
  }
  return buildOnce(`svc-probe-${hash.digest('hex').slice(0, 12)}`, 'svc-probe', (out) =>
    runCommand('go', ['build', '-trimpath', '-o', join(out, 'svc-probe'), '.'], {
      cwd: SVC_PROBE,
      env: { ...GO_ENV, CGO_ENABLED: '0' },
      timeoutMs: 10 * 60_000,
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'fetch') {
  console.log(`kustomize ${KUSTOMIZE.version}: ${await kustomizeBin()}`);
  console.log(`compose-check: ${await composeCheckBin()}`);
  console.log(`svc-probe: ${await svcProbeBin()}`);
}
