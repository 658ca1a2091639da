// The option matrix the e2e proof runs: one row per cell. Adding an option adds rows here, not a
// test file. Options are the generator's flags (camelCase); `id` names the cell in failures.
import { BASES } from '../../dist/lib/images.js';

/** Go versions with a local toolchain and an image stand-in. */
export const E2E_GO_VERSIONS = ['1.22', '1.23'];

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
// Naming edge cases and a non-default port, each on a different base.
cells.push(
  {
    id: 'modpath-v2-upper-dash',
    options: { base: 'scratch', goVersion: '1.23', healthcheck: true, modulePath: 'example.com/Team-A/My-Svc/v2' },
  },
  { id: 'name-with-dots', options: { base: 'distroless', goVersion: '1.22', healthcheck: true, name: 'my.svc.v1' } },
  { id: 'port-9090', options: { base: 'alpine', goVersion: '1.23', healthcheck: true, port: 9090 } },
);

export const MATRIX = cells;

/** The flags that generate a cell. */
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

/** The answers a cell resolves to (defaults filled in), for checks. */
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
