/**
 * Stored answers that this version no longer accepts, and how each is carried forward. A
 * migration is named (the update prints its name and what it changed) and tested; a stored value
 * that no migration covers stops the update with the table's one-line error.
 */
import { GO_VERSIONS } from '../image/go.js';
import { MIN_GO_MINOR } from '../options/validate.js';

export interface Migration {
  name: string;
  /** The changed entry and one line saying what changed, or undefined when it does not apply. */
  apply: (entry: Record<string, unknown>) => { entry: Record<string, unknown>; note: string } | undefined;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    // Go supports its two newest releases; go.mod and the builder image follow the oldest of them.
    name: 'go-version-unsupported',
    apply: (entry) => {
      const m = typeof entry.goVersion === 'string' ? /^1\.([0-9]+)(\.[0-9]+)?$/.exec(entry.goVersion) : null;
      if (!m || Number(m[1]) >= MIN_GO_MINOR) return undefined;
      const to = GO_VERSIONS[0];
      return {
        entry: { ...entry, goVersion: to },
        note: `goVersion ${entry.goVersion} is no longer supported (Go ${MIN_GO_MINOR}+): moved to ${to}`,
      };
    },
  },
];

/** Runs every migration that applies, in order; returns the entry and the notes. */
export function migrate(entry: Record<string, unknown>): { entry: Record<string, unknown>; notes: string[] } {
  const notes: string[] = [];
  let current = entry;
  for (const migration of MIGRATIONS) {
    const r = migration.apply(current);
    if (!r) continue;
    current = r.entry;
    notes.push(`migration ${migration.name}: ${r.note}`);
  }
  return { entry: current, notes };
}
