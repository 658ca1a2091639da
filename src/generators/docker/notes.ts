/**
 * The docker generator's end-message lines about what it read from the code, or assumed, and
 * what that implies for the image: one line each, so a reader sees every guess.
 */
import { NONROOT_UID, RUNTIME_DIR, needsTzdata, type ProjectFacts } from '../derive.js';
import { quoteValue } from '../../messages/quote.js';
import type { Answers } from '../../options/table.js';
import { PROBE_PATHS, type Project } from '../../module/project.js';

/** Lines on the port, time zones, //go:embed, an existing .dockerignore and indirect cgo modules. */
export function dockerNotes(a: Answers, project: Project, facts: ProjectFacts, portFlag: boolean): string[] {
  const lines: string[] = [];
  const from = project.portSources[a.main];
  const where = a.main === '.' ? 'the root package' : a.main;
  if (from && project.ports[a.main] === a.port) lines.push(`Port ${a.port}: from ${from} in ${where}.`);
  else if (!from && !portFlag && a.port === 8080) {
    lines.push(
      `note: no port found in ${where} (no ":NNNN" literal, -port flag or PORT variable default): port 8080 is assumed; set the real one with --port.`,
    );
  }
  if (a.port < 1024) {
    lines.push(
      `note: port ${a.port} is below 1024 and the image runs as uid ${NONROOT_UID}: binding it needs net.ipv4.ip_unprivileged_port_start=0, which Docker sets and Kubernetes does not (add it to the pod's securityContext.sysctls, or use a port from 1024).`,
    );
  }
  if (needsTzdata(a.base, facts.loadsLocation)) {
    lines.push(
      `Time zones: the code calls time.LoadLocation and ${a.base} has no zoneinfo, so the build adds -tags timetzdata (about 450 KB).`,
    );
  }
  if (facts.embedKeep?.length) {
    lines.push(`.dockerignore keeps ${project.embeds.join(', ')} in the build context: //go:embed names them.`);
  }
  if (project.runtimePaths.length > 0) {
    const read = project.runtimePaths.map((p) => `${p.path} (${p.from})`).join('; ');
    lines.push(
      `Run-time files: the code reads ${read}: copied into the image at ${RUNTIME_DIR}, its working directory, and kept in the build context.`,
    );
  }
  for (const r of project.runtimeRefused.slice(0, 5)) {
    lines.push(
      `note: not in the image: ${r.from} reads ${quoteValue(r.literal)} at run time, and ${r.why}; copy it in with the Dockerfile, or build it in with //go:embed.`,
    );
  }
  if (project.runtimeRefused.length > 5)
    lines.push(`note: ${project.runtimeRefused.length - 5} more such paths are not in the image.`);
  if (facts.dockerignoreOwn !== undefined) {
    lines.push(".dockerignore: the project's own entries are kept, after ours (theirs win).");
  }
  const served = project.probePaths[a.main] ?? [];
  const unserved = PROBE_PATHS.filter((path) => !served.includes(path));
  if (a.kubernetes && unserved.length > 0) {
    lines.push(
      `note: deploy/kubernetes/deployment.yaml probes GET /healthz (startup, liveness) and /readyz (readiness), and ${where} does not mention ${unserved.join(' or ')}: serve ${unserved.length > 1 ? 'them' : 'it'} (/readyz answering 503 while draining), or change the probes.`,
    );
  }
  for (const path of project.indirectCgo) {
    lines.push(
      `note: go.mod requires ${path} only indirectly, so cgo stays off; if a dependency uses it, it needs --cgo (and --base alpine).`,
    );
  }
  return lines;
}
