/**
 * Stored answers that this version no longer accepts, and how each is carried forward. A
 * migration is named (the update prints its name and what it changed) and tested; a stored value
 * that no migration covers stops the update with the table's one-line error.
 */
import { GO_VERSIONS } from '../image/go.js';
import { MIN_GO_MINOR } from '../options/validate.js';
import { OptionError } from '../messages/errors.js';
import { quoteValue } from '../messages/quote.js';
import { VERSION_PATTERN } from '../options/provenance.js';
import { compareVersions } from './source.js';
import type { MigrationTree } from './tree.js';

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

/**
 * A team generator's migration (the composition API: `static migrations` on its update
 * generator): run once, by `go-minimal update` to a version at or past `version` from one before
 * it, on the merged tree, in version order; its name is recorded in `.yo-rc.json` (`migrations`)
 * so that it never runs again.
 */
export interface TeamMigration {
  /** The version that needs it (a release number of the team's package). */
  version: string;
  /** Unique and stable: what `.yo-rc.json` records. */
  name: string;
  run: (tree: MigrationTree) => void | Promise<void>;
}

/** The migrations an update from `from` to `to` runs, in order, leaving out those already run. */
export function pendingMigrations(
  list: readonly TeamMigration[],
  from: string,
  to: string,
  done: readonly string[],
): TeamMigration[] {
  const names = new Set<string>();
  for (const m of list) {
    if (
      !VERSION_PATTERN.test(m.version) ||
      typeof m.name !== 'string' ||
      m.name === '' ||
      typeof m.run !== 'function'
    ) {
      throw new OptionError(
        `Invalid migration ${quoteValue(m.name)}: give each a release version, a name and a run function.`,
      );
    }
    if (names.has(m.name)) throw new OptionError(`Two migrations are named ${quoteValue(m.name)}: name each once.`);
    names.add(m.name);
  }
  return list
    .filter(
      (m) => compareVersions(m.version, from) > 0 && compareVersions(m.version, to) <= 0 && !done.includes(m.name),
    )
    .sort((a, b) => compareVersions(a.version, b.version));
}
