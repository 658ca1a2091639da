/**
 * The Go modules the service options add to a generated go.mod, pinned (a bump is one line
 * here). go.mod.ejs writes these requires; `go mod tidy` at generation then resolves the rest of
 * the build list from them by minimum version selection, so the same answers give the same
 * go.sum. The default project requires nothing.
 *
 * Versions: the newest the Go module proxy served on 2026-12-03 (`go list -m -versions`). Each
 * group's oldest Go is the highest `go` line in its build list (client_golang and otel ask for
 * 1.26.0, kin-openapi for 1.25): an older --go-version is refused (moduleGoConflict).
 */
export interface GoModule {
  path: string;
  version: string;
}

/** `--metrics prometheus`: client_golang (registry, collectors, promhttp). */
export const PROMETHEUS_MODULES: readonly GoModule[] = [
  { path: 'github.com/prometheus/client_golang', version: 'v1.25.0' },
];

/** `--tracing otel`: the OpenTelemetry API, SDK and OTLP/HTTP trace exporter (one release train). */
export const OTEL_VERSION = 'v1.47.0';
export const OTEL_MODULES: readonly GoModule[] = [
  'go.opentelemetry.io/otel',
  'go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp',
  'go.opentelemetry.io/otel/sdk',
  'go.opentelemetry.io/otel/trace',
].map((path) => ({ path, version: OTEL_VERSION }));

/** `--openapi`: kin-openapi validates the document and the responses, in openapi_test.go only. */
export const OPENAPI_MODULES: readonly GoModule[] = [{ path: 'github.com/getkin/kin-openapi', version: 'v0.153.0' }];

/** The semantic conventions package the spans' attribute keys come from (it ships with otel). */
export const OTEL_SEMCONV = 'go.opentelemetry.io/otel/semconv/v1.43.0';

/** The oldest Go minor each option's modules build with. */
export const MIN_GO_MINOR_FOR = { metrics: 26, tracing: 26, openapi: 25 } as const;

/** What the answers add to go.mod, in go.mod's order (sorted by path). */
export function requiredModules(answers: { metrics?: string; tracing?: string; openapi?: boolean }): GoModule[] {
  return [
    ...(answers.metrics === 'prometheus' ? PROMETHEUS_MODULES : []),
    ...(answers.tracing === 'otel' ? OTEL_MODULES : []),
    ...(answers.openapi ? OPENAPI_MODULES : []),
  ].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * Why the answers cannot work together, or undefined: an option whose modules need a newer Go
 * than --go-version (go mod tidy would refuse, or raise the go line behind the user's back).
 */
export function moduleGoConflict(answers: {
  goVersion?: string;
  metrics?: string;
  tracing?: string;
  openapi?: boolean;
}): string | undefined {
  if (answers.goVersion === undefined) return undefined;
  const minor = Number(answers.goVersion.split('.')[1]);
  const refuse = (flag: string, what: string, need: number, instead: string) =>
    minor < need
      ? `Invalid ${flag} with --go-version ${answers.goVersion}: ${what} needs Go 1.${need} or newer; use --go-version 1.${need} or newer, or ${instead}.`
      : undefined;
  return (
    (answers.metrics === 'prometheus'
      ? refuse(
          '--metrics "prometheus"',
          `client_golang ${PROMETHEUS_MODULES[0]!.version}`,
          MIN_GO_MINOR_FOR.metrics,
          '--metrics none',
        )
      : undefined) ??
    (answers.tracing === 'otel'
      ? refuse('--tracing "otel"', `OpenTelemetry ${OTEL_VERSION}`, MIN_GO_MINOR_FOR.tracing, '--tracing none')
      : undefined) ??
    (answers.openapi
      ? refuse(
          '--openapi',
          `kin-openapi ${OPENAPI_MODULES[0]!.version} (in openapi_test.go)`,
          MIN_GO_MINOR_FOR.openapi,
          '--no-openapi',
        )
      : undefined)
  );
}
