/**
 * The option table: the one source of CLI flags, prompts, defaults, validation, help, bounds,
 * which generator asks what, and the answers stored in `.yo-rc.json`. Everything else derives
 * from it: the per-generator name lists, stored keys and replay flags, the preset's JSON Schema,
 * both help views, the port check in project.ts.
 *
 * A newcomer finds where --port is defined, validated, stored, rendered and tested in one place
 * each: its entry here (bounds, owners, stored), validateInteger (validate.ts), the templates'
 * `port`, and test/lib.test.mjs. Adding an option is one entry, one template line, one test.
 */
import { basename } from 'node:path';
import { BOTS, CI_KINDS } from '../image/ci.js';
import { BASES } from '../image/images.js';
import { GO_VERSIONS, defaultGoVersion, localGoMinor } from '../image/go.js';
import { booleanOption, choiceOption, integerOption, asString, kebab } from './kinds.js';
import { CONFIG_FILE } from '../io/paths.js';
import { OptionError } from '../messages/errors.js';
import { METRICS_KINDS, TRACING_KINDS } from './types.js';
import type { Answers, AnswerName, CommandName, GeneratorName, OptionSpec, OptionTable } from './types.js';

export { kebab };
export { RUN_OPTIONS } from './run-options.js';
import {
  MIN_GO_MINOR,
  sanitizeName,
  NAME_MAX,
  validateGoVersion,
  validateMainPackage,
  validateModulePath,
  validateEntityRef,
  validateName,
} from './validate.js';
import { LIFECYCLES } from './types.js';

export type {
  Answers,
  AnswerName,
  CommandName,
  DefaultContext,
  GeneratorName,
  OptionSpec,
  OptionTable,
} from './types.js';
export { sanitizeName };

export const OPTIONS: OptionTable = {
  name: {
    description: 'Binary and image name',
    title: 'Service name',
    folderDefault: true,
    owners: { app: 1, docker: 3 },
    stored: true,
    accepted: `a Docker image name component: [a-z0-9]+ joined by '.', '_', '__' or '-'s, at most ${NAME_MAX} characters`,
    defaultHelp: 'the folder name (docker: the main package folder), sanitised',
    kind: 'string',
    default: (ctx) => {
      const main = ctx.answers.main;
      return sanitizeName(main && main !== '.' ? (main.split('/').pop() ?? main) : ctx.folderName);
    },
    coerce: asString,
    validate: validateName,
    prompt: { type: 'input', message: 'Service name (binary and image)' },
  },
  modulePath: {
    description: 'Go module path',
    title: 'Go module path',
    folderDefault: true,
    owners: { app: 2 },
    stored: true,
    accepted: 'a Go module path (e.g. example.com/team/svc, …/v2)',
    defaultHelp: 'example.com/<name>',
    kind: 'string',
    default: (ctx) => `example.com/${ctx.answers.name ?? sanitizeName(ctx.folderName)}`,
    coerce: asString,
    validate: validateModulePath,
    prompt: { type: 'input', message: 'Go module path' },
  },
  goVersion: {
    description: 'Go version (go.mod and the builder image)',
    title: 'Go version',
    owners: { app: 3 },
    stored: true,
    accepted: `1.N or 1.N.P, N from ${MIN_GO_MINOR} to the newer of ${GO_VERSIONS.at(-1)} and the local Go`,
    defaultHelp: `the local go's 1.N if Go supports it (≥ ${GO_VERSIONS[0]}), else ${GO_VERSIONS.at(-1)}`,
    kind: 'string',
    default: (ctx) => {
      const { version, note } = defaultGoVersion(ctx.localGoMinor());
      if (note) ctx.note?.(note);
      return version;
    },
    coerce: asString,
    validate: (value) => validateGoVersion(value, { newestKnown: GO_VERSIONS.at(-1)!, local: localGoMinor }),
    prompt: { type: 'input', message: 'Go version' },
  },
  base: choiceOption({
    description: 'Final image base',
    title: 'Image base',
    owners: { app: 4, docker: 4 },
    stored: true,
    defaultHelp: 'scratch (alpine when building with cgo)',
    choices: BASES,
    // cgo needs a C library at run time: only alpine has one.
    default: (ctx) => (ctx.answers.cgo ? 'alpine' : 'scratch'),
    prompt: { type: 'select', message: 'Final image base' },
  }),
  port: integerOption({
    description: 'Port the service listens on',
    title: 'Port',
    owners: { app: 5, docker: 5 },
    stored: true,
    min: 1,
    max: 65535,
    defaultHelp: '8080',
    default: (ctx) => (ctx.project && ctx.answers.main && ctx.project.ports[ctx.answers.main]) || 8080,
    prompt: { type: 'input', message: 'Port' },
  }),
  healthcheck: booleanOption('healthcheck', {
    description: 'Add a -healthcheck flag and an image HEALTHCHECK',
    title: 'Self-healthcheck',
    owners: { app: 6 },
    stored: true,
    defaultHelp: 'true',
    default: () => true,
    prompt: { type: 'confirm', message: 'Add a self-healthcheck (-healthcheck flag and image HEALTHCHECK)?' },
  }),
  main: {
    description: 'Main package to build (docker generator)',
    title: 'Main package',
    owners: { docker: 1 },
    fixedBy: { app: '.' },
    stored: true,
    accepted: 'a main package of the module: . or ./cmd/<name>',
    defaultHelp: 'the only main package',
    kind: 'choice',
    default: (ctx) => {
      const mains = ctx.project?.mains ?? ['.'];
      if (mains.length === 1) return mains[0]!;
      throw new OptionError(
        `Several main packages (${mains.join(', ')}): choose one with --main, e.g. --main ${mains.find((m) => m !== '.') ?? mains[0]}.`,
      );
    },
    coerce: (raw) => {
      const s = asString(raw);
      return s === undefined ? undefined : s === '.' || s.startsWith('./') ? s.replace(/\/+$/, '') : `./${s}`;
    },
    validate: validateMainPackage,
    prompt: { type: 'select', message: 'Main package to build' },
  },
  cgo: booleanOption('cgo', {
    description: 'Build with cgo, on alpine (docker generator)',
    title: 'cgo',
    owners: { docker: 2 },
    fixedBy: { app: false },
    stored: true,
    defaultHelp: 'true when the code imports "C" or requires a cgo-only module',
    default: (ctx) => (ctx.project?.cgoReasons.length ?? 0) > 0,
    prompt: { type: 'confirm', message: 'The code needs cgo. Build with cgo on alpine (musl)?' },
  }),
  // ci.ts: the files each writes, the pinned actions, and the one pair refused (dependabot on GitLab).
  ci: choiceOption({
    description: 'CI files: test, image and signed multi-arch release',
    title: 'CI',
    owners: { app: 7, docker: 6 },
    stored: true,
    defaultHelp: 'github',
    choices: CI_KINDS,
    default: () => 'github',
    prompt: { type: 'select', message: 'CI to generate' },
  }),
  bot: choiceOption({
    description: 'Update bot: base images by digest, the Go toolchain as one update, action SHAs',
    title: 'Update bot',
    owners: { app: 8, docker: 7 },
    stored: true,
    defaultHelp: 'renovate',
    choices: BOTS,
    default: () => 'renovate',
    prompt: { type: 'select', message: 'Dependency update bot' },
  }),
  kubernetes: booleanOption('kubernetes', {
    description:
      'Write Kubernetes manifests (deploy/kubernetes: Deployment, Service, PodDisruptionBudget, kustomization)',
    title: 'Kubernetes manifests',
    owners: { app: 9, docker: 8 },
    stored: true,
    defaultHelp: 'false',
    default: () => false,
    prompt: { type: 'confirm', message: 'Add Kubernetes manifests (deploy/kubernetes, kustomize)?' },
  }),
  compose: booleanOption('compose', {
    description: 'Write compose.yaml (build, run read-only, rebuild on change with watch)',
    title: 'Compose file',
    owners: { app: 10, docker: 9 },
    stored: true,
    defaultHelp: 'false',
    default: () => false,
    prompt: { type: 'confirm', message: 'Add a compose.yaml (docker compose / podman-compose)?' },
  }),
  // The service options: code of their own (metrics.go, tracing.go, pprof.go, openapi.go), so
  // go-minimal docker, which never edits a module's code, fixes them off. Costs: docs/service.md.
  metrics: choiceOption({
    description:
      'Prometheus /metrics (client_golang): requests by route and status class, in flight, Go, process, build info',
    title: 'Metrics',
    owners: { app: 11 },
    fixedBy: { docker: 'none' },
    stored: true,
    defaultHelp: 'none (prometheus adds about 2.6 MB to the image)',
    choices: METRICS_KINDS,
    default: () => 'none',
    prompt: { type: 'select', message: 'Metrics endpoint' },
  }),
  tracing: choiceOption({
    description:
      'OpenTelemetry server spans over OTLP/HTTP, configured by the OTEL_* variables, off until OTEL_EXPORTER_OTLP_ENDPOINT is set',
    title: 'Tracing',
    owners: { app: 12 },
    fixedBy: { docker: 'none' },
    stored: true,
    defaultHelp: 'none (otel adds about 7.7 MB to the image)',
    choices: TRACING_KINDS,
    default: () => 'none',
    prompt: { type: 'select', message: 'Tracing' },
  }),
  pprof: booleanOption('pprof', {
    description: 'net/http/pprof on a second listener bound to 127.0.0.1 only (PPROF_ADDR), never on the service port',
    title: 'pprof on loopback',
    owners: { app: 13 },
    fixedBy: { docker: false },
    stored: true,
    defaultHelp: 'false (true adds about 0.6 MB to the image)',
    default: () => false,
    prompt: { type: 'confirm', message: 'Add pprof on a loopback-only listener?' },
  }),
  openapi: booleanOption('openapi', {
    description:
      'api/openapi.yaml (OpenAPI 3.1) served at GET /openapi.yaml; a test checks routes and responses against it',
    title: 'OpenAPI document',
    owners: { app: 14 },
    fixedBy: { docker: false },
    stored: true,
    defaultHelp: 'false',
    default: () => false,
    prompt: { type: 'confirm', message: 'Add an OpenAPI document, served and tested?' },
  }),
  serviceMonitor: booleanOption('serviceMonitor', {
    description: 'With --kubernetes and --metrics prometheus: a ServiceMonitor (needs the Prometheus Operator CRD)',
    title: 'ServiceMonitor',
    owners: { app: 15 },
    fixedBy: { docker: false },
    stored: true,
    defaultHelp: 'false',
    default: () => false,
    prompt: { type: 'confirm', message: 'Add a ServiceMonitor (Prometheus Operator)?' },
    askWhen: { kubernetes: true, metrics: 'prometheus' },
  }),
  // docs/presets-and-templates.md#backstage: catalog-info.yaml, mkdocs.yml and docs/index.md.
  backstage: booleanOption('backstage', {
    description:
      'Write a Backstage catalog entry (catalog-info.yaml: a Component, and its API with api/openapi.yaml) and TechDocs (mkdocs.yml, docs/index.md)',
    title: 'Backstage catalog entry and TechDocs',
    owners: { app: 16 },
    stored: true,
    defaultHelp: 'false',
    default: () => false,
    prompt: { type: 'confirm', message: 'Add a Backstage catalog entry and TechDocs (catalog-info.yaml, mkdocs.yml)?' },
  }),
  owner: {
    description: 'Owner of the Backstage Component (with --backstage)',
    title: 'Owner',
    owners: { app: 17 },
    onlyWith: 'backstage',
    stored: true,
    accepted: 'a Backstage entity reference [kind:][namespace/]name, e.g. group:default/platform',
    defaultHelp: 'none: give it with --backstage (or in the preset)',
    kind: 'string',
    default: () => {
      throw new OptionError(
        '--backstage needs an owner: give --owner <entity reference> (e.g. --owner group:default/platform), or owner in the preset.',
      );
    },
    coerce: asString,
    validate: (value) => validateEntityRef(value, 'group:default/platform'),
    prompt: { type: 'input', message: 'Owner in the Backstage catalog (e.g. group:default/platform)' },
  },
  system: {
    description: 'System the Backstage Component belongs to (with --backstage; empty for none)',
    title: 'System',
    owners: { app: 18 },
    onlyWith: 'backstage',
    stored: true,
    accepted: 'a Backstage entity reference [kind:][namespace/]name, e.g. system:default/payments, or empty for none',
    defaultHelp: 'none',
    kind: 'string',
    default: () => '',
    coerce: asString,
    validate: (value) => (value === '' ? true : validateEntityRef(value, 'system:default/payments')),
    prompt: { type: 'input', message: 'System in the Backstage catalog (empty for none)' },
  },
  lifecycle: choiceOption({
    description: 'Lifecycle of the Backstage Component (with --backstage)',
    title: 'Lifecycle',
    owners: { app: 19 },
    onlyWith: 'backstage',
    stored: true,
    defaultHelp: 'experimental',
    choices: LIFECYCLES,
    default: () => 'experimental',
    prompt: { type: 'select', message: 'Lifecycle in the Backstage catalog' },
  }),
};

/** Whether an option means something with these answers (its `onlyWith` option is not off). */
export function applies(name: AnswerName, answers: Partial<Answers>): boolean {
  const other = OPTIONS[name].onlyWith;
  return other === undefined || answers[other] !== false;
}

/** Whether an option is asked with these answers: it applies, and its `askWhen` answers hold. */
export function askable(name: AnswerName, answers: Partial<Answers>): boolean {
  const when = OPTIONS[name].askWhen ?? {};
  return (
    applies(name, answers) && Object.entries(when).every(([other, value]) => answers[other as AnswerName] === value)
  );
}

/** Every option, in table order (the preset schema's order); each generator asks in its `owners` order. */
export const OPTION_NAMES = Object.keys(OPTIONS) as AnswerName[];

/** The options a generator resolves (its flags, questions and replay flags), in the order it asks them. */
export function optionNames(generator: CommandName): AnswerName[] {
  const place = (name: AnswerName): number | undefined =>
    (OPTIONS[name].owners as Partial<Record<CommandName, number>>)[generator];
  return OPTION_NAMES.filter((name) => place(name) !== undefined).sort((a, b) => place(a)! - place(b)!);
}

export const APP_OPTION_NAMES: AnswerName[] = optionNames('app');
export const DOCKER_OPTION_NAMES: AnswerName[] = optionNames('docker');

/** The answers a generator sets without asking (`fixedBy`). */
export function fixedAnswers(generator: GeneratorName): Partial<Answers> {
  const fixed: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const value = (OPTIONS[name] as OptionSpec<unknown>).fixedBy?.[generator];
    if (value !== undefined) fixed[name] = value;
  }
  return fixed as Partial<Answers>;
}

/** The keys a generator writes to `.yo-rc.json`: what it asks, then what it fixes, if stored. */
export function storedNames(generator: GeneratorName): AnswerName[] {
  const fixed = Object.keys(fixedAnswers(generator)) as AnswerName[];
  return [...optionNames(generator), ...fixed].filter((name) => OPTIONS[name].stored);
}

/** The answers a generator writes to `.yo-rc.json`, in {@link storedNames} order. */
export function storedAnswers(generator: GeneratorName, answers: Partial<Answers>): Partial<Answers> {
  return Object.fromEntries(storedNames(generator).map((name) => [name, answers[name]])) as Partial<Answers>;
}

/** The port's validator: the table's bounds (project.ts reads port literals with it too). */
export const validatePort = OPTIONS.port.validate;

/**
 * An option's help text, formatted in one place: both help views (`go-minimal --help` and
 * `yo go-minimal --help`, see flags.ts) show 'help'; the preset schema's description is 'schema'.
 */
export function optionHelp(name: AnswerName, style: 'help' | 'schema'): string {
  const { description, accepted, defaultHelp } = OPTIONS[name];
  const what = `${description}: ${accepted}`;
  return style === 'schema' ? what : `${what}. Default: ${defaultHelp}.`;
}

export { CONFIG_FILE, OptionError };

/** The folder name a default `name` derives from. */
export function folderNameOf(dir: string): string {
  return basename(dir);
}
