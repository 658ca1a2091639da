// Static checks of the generated Kubernetes manifests, derived from the same facts as the
// templates (derive.ts): the restricted Pod Security Standard, the probes on the service's own
// endpoints, GOMEMLIMIT from the memory limit, and a grace period that covers the drain. The
// unit tests run them on every generated Deployment; the e2e test runs them beside podman for
// what podman cannot show (it runs no readiness or startup probe and ignores runAsNonRoot).
import { parseAllDocuments } from 'yaml';
import {
  GRACE_MARGIN_SECONDS,
  NONROOT_UID,
  SHUTDOWN_DELAY_SECONDS,
  SHUTDOWN_TIMEOUT_SECONDS,
} from '../../dist/generators/derive.js';

/** Every YAML document of a text, as plain objects; a syntax error throws. @param {string} text */
export function parseManifests(text) {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'));
    return doc.toJS();
  });
}

/** `2s`, `1m30s`, `500ms` → seconds (Go's time.ParseDuration units used here). @param {string} text */
export function durationSeconds(text) {
  const units = /** @type {Record<string, number>} */ ({ ms: 0.001, s: 1, m: 60, h: 3600 });
  let total = 0;
  const rest = text.replace(
    /([0-9.]+)(ms|s|m|h)/g,
    (_, n, u) => ((total += Number(n) * /** @type {number} */ (units[u])), ''),
  );
  if (rest !== '' || text === '') throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return total;
}

/**
 * The drain a pod's container asks for, in seconds: SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT from its
 * env, or main.go's defaults (derive.ts) when unset.
 * @param {any} container
 */
export function drainSeconds(container) {
  /** @param {string} name @param {number} fallback */
  const env = (name, fallback) => {
    const v = (container.env ?? []).find((/** @type {any} */ e) => e.name === name)?.value;
    return v === undefined ? fallback : durationSeconds(v);
  };
  return env('SHUTDOWN_DELAY', SHUTDOWN_DELAY_SECONDS) + env('SHUTDOWN_TIMEOUT', SHUTDOWN_TIMEOUT_SECONDS);
}

/** The probes the service needs: kind → path. */
export const PROBE_PATHS = { startupProbe: '/healthz', livenessProbe: '/healthz', readinessProbe: '/readyz' };

/**
 * The container port a probe's `port` names (a port name or number), or undefined.
 * @param {any} container @param {string | number} port
 */
export function probePort(container, port) {
  const ports = container.ports ?? [];
  const hit = ports.find((/** @type {any} */ p) => p.name === port || p.containerPort === port);
  return hit?.containerPort;
}

/**
 * What is wrong with a Deployment for this service: one line per problem, [] when none.
 * `expect.port` is the answers' port; `expect.name` the image name the kustomization sets.
 * Long because it is one list of the restricted standard's rules, read top to bottom.
 * @param {any} dep @param {{ port: number, name: string }} expect
 * @returns {string[]}
 */
export function deploymentProblems(dep, expect) {
  const problems = [];
  /** @param {boolean} ok @param {string} what */
  const need = (ok, what) => ok || problems.push(what);
  const pod = dep?.spec?.template?.spec ?? {};
  const psc = pod.securityContext ?? {};
  const containers = pod.containers ?? [];
  need(containers.length === 1, `one container (found ${containers.length})`);
  const c = containers[0] ?? {};
  // Service and container names are RFC 1035 labels; the Deployment's name is used for both.
  const label = (/** @type {unknown} */ s) =>
    typeof s === 'string' && s.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(s);
  need(label(dep?.metadata?.name) && label(c.name), `RFC 1035 names (found ${dep?.metadata?.name}, ${c.name})`);
  const csc = c.securityContext ?? {};
  const effective = (/** @type {string} */ key) => csc[key] ?? psc[key];
  // The restricted Pod Security Standard (pod or container level).
  need(effective('runAsNonRoot') === true, 'runAsNonRoot: true');
  need(effective('runAsUser') === NONROOT_UID, `runAsUser: ${NONROOT_UID} (found ${effective('runAsUser')})`);
  need(effective('runAsGroup') === NONROOT_UID, `runAsGroup: ${NONROOT_UID} (found ${effective('runAsGroup')})`);
  need(effective('seccompProfile')?.type === 'RuntimeDefault', 'seccompProfile: RuntimeDefault');
  need(csc.allowPrivilegeEscalation === false, 'allowPrivilegeEscalation: false');
  need(csc.privileged !== true, 'not privileged');
  need((csc.capabilities?.drop ?? []).includes('ALL'), 'capabilities.drop: [ALL]');
  need((csc.capabilities?.add ?? []).length === 0, 'no added capabilities');
  need(csc.readOnlyRootFilesystem === true, 'readOnlyRootFilesystem: true');
  need(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC, 'no host namespaces');
  // The service's own facts.
  need(c.image === expect.name, `image ${expect.name} (set by kustomize edit set image; found ${c.image})`);
  need(probePort(c, expect.port) === expect.port, `containerPort ${expect.port}`);
  for (const [kind, path] of Object.entries(PROBE_PATHS)) {
    const get = c[kind]?.httpGet;
    need(get?.path === path, `${kind} GET ${path} (found ${get?.path})`);
    need(get !== undefined && probePort(c, get.port) === expect.port, `${kind} on port ${expect.port}`);
  }
  const ready = c.readinessProbe ?? {};
  need(
    (ready.periodSeconds ?? 10) * (ready.failureThreshold ?? 3) <= SHUTDOWN_DELAY_SECONDS,
    `readiness fails within SHUTDOWN_DELAY (${SHUTDOWN_DELAY_SECONDS}s) of a drain`,
  );
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const drain = drainSeconds(c);
  need(
    grace >= drain + GRACE_MARGIN_SECONDS,
    `terminationGracePeriodSeconds ${grace} ≥ SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT (${drain}) + ${GRACE_MARGIN_SECONDS}`,
  );
  const mem = (c.env ?? []).find((/** @type {any} */ e) => e.name === 'GOMEMLIMIT');
  need(mem?.valueFrom?.resourceFieldRef?.resource === 'limits.memory', 'GOMEMLIMIT from limits.memory (downward API)');
  need(c.resources?.limits?.memory !== undefined, 'a memory limit');
  need(
    c.resources?.requests?.memory !== undefined && c.resources?.requests?.cpu !== undefined,
    'cpu and memory requests',
  );
  return problems;
}
