/**
 * Values derived from the answers, computed here (and unit-tested) so templates only print them.
 */
import { GO_TOOL_REFS, USES, conflictMarkerCheck, type ActionName, type GoToolName } from '../image/ci.js';
import { CI_IMAGES, builderImage, finalImage } from '../image/images.js';
import { OTEL_SEMCONV, requiredModules, type GoModule } from '../image/modules.js';
import { APP_OPTION_NAMES, kebab, type AnswerName, type Answers } from '../options/table.js';
import { API_DESCRIPTION } from '../io/paths.js';

/** Where the binary lives in the image. */
export const BINARY_DIR = '/usr/local/bin';

/** The nonroot user every image runs as: numeric, so Kubernetes' runAsNonRoot can verify it. */
export const NONROOT_UID = 65532;

/** Linker flags shared by the Makefile and the Dockerfile; `$VERSION` is filled by each. */
export function ldflags(versionRef: string): string {
  // -s strips the symbol table (in Go ≥ 1.22 it implies -w, kept for older readers).
  return `-s -w -X main.version=${versionRef}`;
}

/** Build flags shared by the Makefile and the Dockerfile. */
export const GO_BUILD_FLAGS = '-trimpath -buildvcs=false';

/**
 * `make verify`'s default size budget in MB (10^6 bytes), per final base: the base (scratch 0,
 * distroless static ≈ 2, alpine ≈ 8) plus 20 MB for the binary, about four times a stripped
 * `net/http` service (≈ 5 MB). Overridable: make verify VERIFY_MAX_MB=….
 */
export const IMAGE_BUDGET_MB: Readonly<Record<Answers['base'], number>> = { scratch: 20, distroless: 25, alpine: 30 };

/**
 * The generated main.go's drain, in seconds (its SHUTDOWN_DELAY and SHUTDOWN_TIMEOUT defaults):
 * /readyz answers 503 for the delay while requests are still served, then in-flight requests get
 * the timeout to finish. main.go, the Kubernetes manifests and compose.yaml all print these.
 */
export const SHUTDOWN_DELAY_SECONDS = 2;
export const SHUTDOWN_TIMEOUT_SECONDS = 5;
/**
 * The generated server's ReadTimeout and WriteTimeout: no longer than the drain's timeout, so a
 * request in flight at SIGTERM (a slow upload too) ends before the drain does and the service
 * exits 0.
 */
export const REQUEST_TIMEOUT_SECONDS = SHUTDOWN_TIMEOUT_SECONDS;
/** After the drain: time for the process to exit and its logs to flush before SIGKILL. */
export const GRACE_MARGIN_SECONDS = 3;
/** terminationGracePeriodSeconds (Kubernetes) and stop_grace_period (Compose): the whole drain plus the margin. */
export const TERMINATION_GRACE_SECONDS = SHUTDOWN_DELAY_SECONDS + SHUTDOWN_TIMEOUT_SECONDS + GRACE_MARGIN_SECONDS;

/**
 * The generated middleware's limits (middleware.go), stated in the generated README: request line
 * and headers (431 above), request bodies (413 above). net/http's own header default is 1 MiB.
 */
export const LIMITS = { maxHeaderKiB: 64, maxBodyMiB: 1 } as const;

/** `--pprof`: the listener's default address (PPROF_ADDR); loopback only. */
export const PPROF_ADDR = '127.0.0.1:6060';

/**
 * The pod's resources. Memory is the limit GOMEMLIMIT reads (downward API), so the GC works
 * harder before the kernel's OOM killer would. No CPU limit: it throttles a Go service's GC
 * and latency; the request alone schedules it.
 */
export const POD_RESOURCES = { cpuRequest: '50m', memoryRequest: '64Mi', memoryLimit: '128Mi' } as const;

/**
 * The service's name as Kubernetes objects take it: a Service and a container need an RFC 1035
 * label (lowercase letters, digits and '-', a letter first, at most 63), which an image name
 * (`my.svc`, `my_svc`, `9lives`) need not be. Runs of '.' and '_' become '-'; a leading digit
 * gets an `svc-` prefix.
 */
export function kubernetesName(name: string): string {
  const dashed = name.replace(/[._]+/g, '-');
  return (/^[a-z]/.test(dashed) ? dashed : `svc-${dashed}`).slice(0, 63).replace(/-+$/, '');
}

/** Renders a JSON array of strings the way Dockerfile exec form expects. */
export function execForm(args: string[]): string {
  return `[${args.map((a) => JSON.stringify(a)).join(', ')}]`;
}

export interface TemplateData extends Answers {
  /** Binary file name. */
  binary: string;
  /** Absolute path of the binary in the image. */
  binaryPath: string;
  builderImage: string;
  finalImage: string;
  goBuildFlags: string;
  /** ldflags with the Dockerfile's `${VERSION}` build arg. */
  dockerLdflags: string;
  /** ldflags with the Makefile's `$(VERSION)`. */
  makeLdflags: string;
  entrypoint: string;
  healthcheckCmd: string;
  user: string;
  /** vendor/modules.txt exists: the image build downloads nothing. */
  vendored: boolean;
  /** Build with `-tags timetzdata`: the code loads time zones and the base has no zoneinfo. */
  tzdata: boolean;
  /** The existing .dockerignore's own entries, kept after ours; undefined when there are none. */
  dockerignoreOwn: string | undefined;
  /** `!path` lines for what `//go:embed` names, so the build context keeps it. */
  embedKeep: string[];
  /** What the code reads at run time through relative paths: copied into {@link RUNTIME_DIR}. */
  runtimeCopies: { path: string; parent: string }[];
  /** The folders to create before the copies, once each. */
  runtimeParents: string[];
  /** `!path` lines for them, so the build context keeps them. */
  runtimeKeep: string[];
  runtimeDir: string;
  /** `make verify`'s default size budget in MB. */
  imageBudgetMB: number;
  /** `1.N` of goVersion: what make check-go-version compares. */
  goMinor: string;
  /** Each pinned action's `uses:` value (ci.ts). */
  uses: Readonly<Record<ActionName, string>>;
  ciImages: typeof CI_IMAGES;
  /** The conflict-marker step's script lines, per CI (ci.ts). */
  conflictCheck: { github: string[]; plain: string[] };
  /** Each pinned Go tool as `module@version` (ci.ts GO_TOOLS): what `go run` names. */
  goTools: Readonly<Record<GoToolName, string>>;
  shutdownDelaySeconds: number;
  shutdownTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  graceMarginSeconds: number;
  terminationGraceSeconds: number;
  resources: typeof POD_RESOURCES;
  nonrootUid: number;
  /** The requires the service options add to go.mod (modules.ts), sorted by path. */
  goModules: GoModule[];
  /** The OpenTelemetry semantic conventions package tracing.go imports. */
  otelSemconv: string;
  limits: typeof LIMITS;
  pprofAddr: string;
  /** Object, container and label name in the Kubernetes manifests (see kubernetesName). */
  k8sName: string;
  /**
   * The string scalars the YAML templates print, double-quoted: a name such as `true`, `yes`,
   * `null`, `1e3`, `0x1f` or `08` is a string, whichever YAML version (1.1 or 1.2) reads it.
   */
  yaml: { name: string; k8sName: string; devImage: string };
  /** With backstage: catalog-info.yaml's and mkdocs.yml's values, YAML-quoted where they are scalars. */
  catalog?: CatalogData;
}

export { API_DESCRIPTION };

export interface CatalogData {
  description: string;
  /** `url:https://<module path without its /vN>/`: where the code is, for Backstage's source links. */
  sourceLocation: string;
  lifecycle: string;
  owner: string;
  /** Undefined when the Component belongs to no System. */
  system?: string;
  /** The API description's path when the project has one: the Component provides that API. */
  api?: string;
  apiDescription: string;
  /** docs/index.md's first paragraph. */
  summary: string;
}

/** The repository a module path names: the path without a major-version suffix (`/v2`). */
export const repositoryOf = (modulePath: string): string => modulePath.replace(/\/v[0-9]+$/, '');

/** catalog-info.yaml's values (backstage on), or undefined. */
export function catalogData(answers: Answers, apiDescription?: string): CatalogData | undefined {
  if (!answers.backstage) return undefined;
  return {
    description: yamlString(`A Go HTTP service on the standard library, in a ${answers.base} image`),
    sourceLocation: yamlString(`url:https://${repositoryOf(answers.modulePath)}/`),
    lifecycle: yamlString(answers.lifecycle),
    owner: yamlString(answers.owner),
    system: answers.system ? yamlString(answers.system) : undefined,
    api: apiDescription,
    apiDescription: yamlString(`The HTTP API of ${answers.name} (${apiDescription ?? ''})`),
    summary: `A small HTTP service written with Go's standard library only (module \`${answers.modulePath}\`, Go ${answers.goVersion}), owned by \`${answers.owner}\`.`,
  };
}

/** A YAML string scalar, always double-quoted (JSON's string syntax is YAML's double-quoted style). */
export const yamlString = (value: string): string => JSON.stringify(value);

/** What an existing module adds to the answers (the app generator's new project has none of it). */
export interface ProjectFacts {
  vendored?: boolean;
  /** The code calls time.LoadLocation without importing time/tzdata. */
  loadsLocation?: boolean;
  dockerignoreOwn?: string;
  embedKeep?: string[];
  /** Files and folders the code reads at run time (module/runtime-files.ts), relative to the module root. */
  runtimePaths?: string[];
  /** The project's API description (API_DESCRIPTION) when it has one. */
  apiDescription?: string;
}

/**
 * The image's working directory when the code reads files at run time through relative paths:
 * they are copied there, as they are in the module, and the service starts there.
 */
export const RUNTIME_DIR = '/app';

/** Does the image need Go's embedded time-zone data? distroless ships /usr/share/zoneinfo; scratch and alpine do not. */
export const needsTzdata = (base: Answers['base'], loadsLocation = false): boolean =>
  loadsLocation && base !== 'distroless';

export function templateData(answers: Answers, project: ProjectFacts = {}): TemplateData {
  const binaryPath = `${BINARY_DIR}/${answers.name}`;
  return {
    ...answers,
    binary: answers.name,
    binaryPath,
    builderImage: builderImage(answers.goVersion),
    finalImage: finalImage(answers.base),
    goBuildFlags: GO_BUILD_FLAGS,
    dockerLdflags: ldflags('${VERSION}'),
    makeLdflags: ldflags('$(VERSION)'),
    entrypoint: execForm([binaryPath]),
    healthcheckCmd: execForm([binaryPath, '-healthcheck']),
    user: `${NONROOT_UID}:${NONROOT_UID}`,
    vendored: project.vendored ?? false,
    tzdata: needsTzdata(answers.base, project.loadsLocation),
    dockerignoreOwn: project.dockerignoreOwn,
    embedKeep: project.embedKeep ?? [],
    runtimeCopies: (project.runtimePaths ?? []).map((path) => ({
      path,
      parent: path.includes('/') ? `${RUNTIME_DIR}/${path.slice(0, path.lastIndexOf('/'))}` : RUNTIME_DIR,
    })),
    runtimeParents: [
      ...new Set(
        (project.runtimePaths ?? []).map((path) =>
          path.includes('/') ? `${RUNTIME_DIR}/${path.slice(0, path.lastIndexOf('/'))}` : RUNTIME_DIR,
        ),
      ),
    ],
    runtimeKeep: (project.runtimePaths ?? []).flatMap((path) => [`!${path}`, `!${path}/**`]),
    runtimeDir: RUNTIME_DIR,
    imageBudgetMB: IMAGE_BUDGET_MB[answers.base],
    goMinor: answers.goVersion.split('.').slice(0, 2).join('.'),
    uses: USES,
    ciImages: CI_IMAGES,
    conflictCheck: { github: conflictMarkerCheck('github'), plain: conflictMarkerCheck('plain') },
    goTools: GO_TOOL_REFS,
    shutdownDelaySeconds: SHUTDOWN_DELAY_SECONDS,
    shutdownTimeoutSeconds: SHUTDOWN_TIMEOUT_SECONDS,
    requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS,
    graceMarginSeconds: GRACE_MARGIN_SECONDS,
    terminationGraceSeconds: TERMINATION_GRACE_SECONDS,
    resources: POD_RESOURCES,
    nonrootUid: NONROOT_UID,
    goModules: requiredModules(answers),
    otelSemconv: OTEL_SEMCONV,
    limits: LIMITS,
    pprofAddr: PPROF_ADDR,
    k8sName: kubernetesName(answers.name),
    yaml: {
      name: yamlString(answers.name),
      k8sName: yamlString(kubernetesName(answers.name)),
      devImage: yamlString(`${answers.name}:dev`),
    },
    catalog: catalogData(answers, project.apiDescription),
  };
}

/** Quotes an argument for a POSIX shell only when it needs it. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The non-interactive command that replays a run: every answer as a flag, plus --yes. */
export function replayCommand(
  answers: Partial<Answers>,
  names: readonly AnswerName[] = APP_OPTION_NAMES,
  { program = 'go-minimal', folder, preset }: { program?: string; folder?: string; preset?: string } = {},
): string {
  const parts = [program];
  if (folder) parts.push(shellQuote(folder));
  if (preset) parts.push('--preset', shellQuote(preset));
  for (const name of names) {
    const value = answers[name];
    if (value === undefined) continue;
    if (typeof value === 'boolean') parts.push(value ? `--${kebab(name)}` : `--no-${kebab(name)}`);
    else parts.push(`--${kebab(name)}`, shellQuote(String(value)));
  }
  parts.push('--yes');
  return parts.join(' ');
}
