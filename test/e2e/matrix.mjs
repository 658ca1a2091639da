// The option matrix the e2e proof runs: one row per cell. Adding an option adds rows here, not a
// test file. Options are the generator's flags (camelCase); `id` names the cell in failures.
import { BASES } from '../../dist/image/images.js';
import { GO_VERSIONS } from '../../dist/image/go.js';
import { MIN_GO_MINOR } from '../../dist/options/validate.js';

/** The Go minors every base is tested with: Go's supported releases. */
export const E2E_GO_VERSIONS = [...GO_VERSIONS];
/** The oldest Go the generator accepts: one cell keeps it honest. */
export const OLDEST_GO = `1.${MIN_GO_MINOR}`;
/** Every Go minor some cell builds with (each needs a toolchain and a builder stand-in). */
export const MATRIX_GO_VERSIONS = [OLDEST_GO, ...E2E_GO_VERSIONS];
/** The newest supported Go: the one cells without a reason for another use. */
export const NEWEST_GO = /** @type {string} GO_VERSIONS is never empty */ (E2E_GO_VERSIONS.at(-1));

/**
 * @typedef {object} Cell
 * @property {string} id names the cell in failures
 * @property {{ base: string, goVersion: string, healthcheck: boolean, name?: string, modulePath?: string, port?: number,
 *   metrics?: string, tracing?: string, pprof?: boolean, openapi?: boolean, backstage?: boolean, owner?: string }} options
 *   the generator's flags (camelCase)
 */

/** @type {Cell[]} */
const cells = [];
for (const base of BASES) {
  for (const goVersion of E2E_GO_VERSIONS) {
    for (const healthcheck of [true, false]) {
      cells.push({
        id: `${base}-go${goVersion}-${healthcheck ? 'hc' : 'nohc'}`,
        options: { base, goVersion, healthcheck },
      });
    }
  }
}
// Naming edge cases and a non-default port, each on a different base; the dotted name also
// keeps one cell on the oldest Go the generator still accepts. The port cell carries --backstage's
// files through the same proof (build, run, image, make verify).
cells.push(
  {
    id: 'modpath-v2-upper-dash',
    options: { base: 'scratch', goVersion: NEWEST_GO, healthcheck: true, modulePath: 'example.com/Team-A/My-Svc/v2' },
  },
  { id: 'name-with-dots', options: { base: 'distroless', goVersion: OLDEST_GO, healthcheck: true, name: 'my.svc.v1' } },
  {
    id: 'port-9090',
    options: {
      base: 'alpine',
      goVersion: NEWEST_GO,
      healthcheck: true,
      port: 9090,
      backstage: true,
      owner: 'group:default/platform',
    },
  },
);

export const MATRIX = cells;

/**
 * The service options (issue 18), which add modules: few cells, each turning several options on,
 * so that every option runs on both supported Go minors and every base at least once. The Go
 * level (go.test.mjs) proves them as MATRIX cells; the image level is service.test.mjs (their
 * builds fetch modules through a proxy in the engine's network namespace).
 * @type {Cell[]}
 */
export const SERVICE_CELLS = [
  {
    id: 'service-all',
    options: {
      base: 'scratch',
      goVersion: NEWEST_GO,
      healthcheck: true,
      metrics: 'prometheus',
      tracing: 'otel',
      pprof: true,
      openapi: true,
    },
  },
  {
    id: 'service-metrics-tracing',
    options: {
      base: 'distroless',
      goVersion: E2E_GO_VERSIONS[0] ?? NEWEST_GO,
      healthcheck: false,
      metrics: 'prometheus',
      tracing: 'otel',
    },
  },
  {
    id: 'service-pprof-openapi',
    options: {
      base: 'alpine',
      goVersion: E2E_GO_VERSIONS[0] ?? NEWEST_GO,
      healthcheck: true,
      pprof: true,
      openapi: true,
    },
  },
];

/** The flags that generate a cell. @param {Cell} cell @returns {string[]} */
export function cellFlags(cell) {
  const flags = ['--yes', '--name', cell.options.name ?? `svc-${cell.id}`.slice(0, 63)];
  for (const [key, value] of Object.entries(cell.options)) {
    if (key === 'name') continue;
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (typeof value === 'boolean') flags.push(value ? `--${flag}` : `--no-${flag}`);
    else flags.push(`--${flag}`, String(value));
  }
  return flags;
}

/** The answers a cell resolves to (defaults filled in), for checks. @param {Cell} cell */
export function cellAnswers(cell) {
  const name = cell.options.name ?? `svc-${cell.id}`.slice(0, 63);
  return {
    name,
    modulePath: cell.options.modulePath ?? `example.com/${name}`,
    goVersion: cell.options.goVersion,
    base: cell.options.base,
    port: cell.options.port ?? 8080,
    healthcheck: cell.options.healthcheck,
  };
}
