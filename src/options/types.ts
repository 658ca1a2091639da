/**
 * The option table's types (table.ts): the answers, the generators and commands, what a default
 * may read. A module of its own, so the kinds (kinds.ts) and run options (run-options.ts) share
 * them with the table without importing it.
 */
import type { Bot, CiKind } from '../image/ci.js';
import type { Base } from '../image/images.js';
import type { Validation } from './validate.js';

/** `--metrics`: Prometheus' client_golang, or nothing. */
export const METRICS_KINDS = ['prometheus', 'none'] as const;
export type MetricsKind = (typeof METRICS_KINDS)[number];
/** `--tracing`: OpenTelemetry (OTLP/HTTP), or nothing. */
export const TRACING_KINDS = ['otel', 'none'] as const;
export type TracingKind = (typeof TRACING_KINDS)[number];

/** What a default may read of an existing Go module (module/project.ts fills it). */
export interface ModuleFacts {
  /** Main packages as `.` or `./cmd/<name>`. */
  mains: string[];
  /** The port found in each main package's code. */
  ports: Record<string, number>;
  /** Why the module needs cgo; empty when it does not. */
  cgoReasons: string[];
}

/** The answers that shape a generated project (stored in `.yo-rc.json`). */
export interface Answers {
  name: string;
  modulePath: string;
  goVersion: string;
  base: Base;
  port: number;
  healthcheck: boolean;
  /** Main package to build (`.` or `./cmd/<name>`); the docker generator asks it. */
  main: string;
  /** Build with cgo (alpine only); the docker generator detects it. */
  cgo: boolean;
  ci: CiKind;
  bot: Bot;
  /** Write deploy/kubernetes/ (Deployment, Service, PodDisruptionBudget, kustomization). */
  kubernetes: boolean;
  /** Write compose.yaml. */
  compose: boolean;
  /** Write catalog-info.yaml, mkdocs.yml and docs/index.md (a Backstage Component with TechDocs). */
  backstage: boolean;
  /** With backstage: the Component's owner, an entity reference (group:default/platform). */
  owner: string;
  /** With backstage: the System it belongs to, an entity reference, or '' for none. */
  system: string;
  /** With backstage: the Component's lifecycle. */
  lifecycle: Lifecycle;
  /** `/metrics` from Prometheus' client_golang (metrics.go), or none. */
  metrics: MetricsKind;
  /** OpenTelemetry spans over OTLP/HTTP (tracing.go), or none. */
  tracing: TracingKind;
  /** net/http/pprof on a loopback listener of its own (pprof.go). */
  pprof: boolean;
  /** api/openapi.yaml, served at GET /openapi.yaml and kept in step by openapi_test.go. */
  openapi: boolean;
  /** With --kubernetes and --metrics prometheus: a Prometheus Operator ServiceMonitor. */
  serviceMonitor: boolean;
}

/** Backstage's well-known lifecycles (the catalog accepts any string; its UI knows these). */
export const LIFECYCLES = ['experimental', 'production', 'deprecated'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];
export type AnswerName = keyof Answers;

/** What defaults may depend on. */
export interface DefaultContext {
  /** Base name of the destination folder. */
  folderName: string;
  /** Answers resolved so far (in the generator's `owners` order). */
  answers: Partial<Answers>;
  /** The local Go toolchain's `1.N`, computed only when needed. */
  localGoMinor: () => string | undefined;
  /** Prints one line about a default that is not the obvious one (e.g. an unsupported local Go). */
  note?: (line: string) => void;
  /** What the docker generator read of the existing Go module (module/project.ts's Project). */
  project?: ModuleFacts;
}

/** The generators that take options from the table. */
export type GeneratorName = 'app' | 'docker';

/** Every command of the bin (and generator under yo): the two that write a project, its update, a Backstage template. */
export type CommandName = GeneratorName | 'update' | 'backstage';

export interface OptionSpec<T> {
  description: string;
  /** A form field's label (a Backstage template's parameter title). */
  title: string;
  /**
   * The boolean option (asked earlier) without which this one means nothing (owner only with
   * backstage): when that is off, this one is not asked, resolved or stored, and its flag is refused.
   */
  onlyWith?: 'backstage';
  /** The default derives from the folder or an earlier answer: a form with no folder offers none. */
  folderDefault?: true;
  /**
   * The generators that resolve it (flag, stored, preset, default or prompt), each with its place
   * in that generator's questions (1 = first): a default may read earlier answers only.
   */
  owners: Partial<Record<GeneratorName, number>>;
  /** The value a generator sets without asking (the app's new module: main '.', no cgo). */
  fixedBy?: Partial<Record<GeneratorName, T>>;
  /** Written to `.yo-rc.json` by the generators that own or fix it. */
  stored: boolean;
  /** Bounds of an integer option: its accepted text, validator and JSON Schema range. */
  min?: number;
  max?: number;
  /** What is accepted, for `--help`. */
  accepted: string;
  /** How the default is chosen, for `--help`. */
  defaultHelp: string;
  kind: 'string' | 'integer' | 'boolean' | 'choice';
  choices?: readonly string[];
  default: (ctx: DefaultContext) => T;
  /** Converts a raw value (flag string, JSON value, prompt answer) to T; undefined when it is not one. */
  coerce: (raw: unknown) => T | undefined;
  validate: (value: T) => Validation;
  prompt: { type: 'input' | 'confirm' | 'select'; message: string };
  /**
   * When the question makes sense: each of these earlier answers has this value. Otherwise it is
   * not asked and the default is taken (a flag, stored answer or preset still applies). Data, not a
   * function, so the Backstage form says the same as JSON Schema's if/then (options/backstage.ts).
   */
  askWhen?: Partial<Answers>;
}

export type OptionTable = { [K in AnswerName]: OptionSpec<Answers[K]> };
