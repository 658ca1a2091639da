/** The options that steer a run rather than shape the project (flags.ts lists them after the table's). */
import type { CommandName } from './types.js';

/** Options that steer a run rather than shape the project, and the commands that take them. */
export const RUN_OPTIONS = {
  yes: {
    type: 'boolean',
    alias: 'y',
    for: ['app', 'docker', 'update', 'backstage'],
    description: 'Accept defaults for every unanswered question: no prompt at all',
  },
  preset: {
    type: 'string',
    alias: undefined,
    for: ['app', 'docker', 'update', 'backstage'],
    value: '<file>',
    description:
      'A team preset file (JSON): defaults, locked options, templatesDir. Default: .go-minimal.json in the folder, a parent or ~',
  },
  force: {
    type: 'boolean',
    alias: 'f',
    for: ['app', 'docker', 'backstage'],
    description: 'Overwrite existing files that differ',
  },
  skipInstall: {
    type: 'boolean',
    alias: undefined,
    for: ['app', 'docker'],
    description: 'Do not run go mod tidy',
    // 0.1.0's docker command took it (a no-op); docs/releasing.md: kept, with a note, for a minor release at least.
    deprecated: { docker: 'has no effect for docker (it runs no go mod tidy)' },
  },
  from: {
    type: 'string',
    alias: undefined,
    for: ['update'],
    value: '<version|tarball|folder>',
    description:
      'What renders the base: a released version (fetched with npm, cache first), a package tarball, or a package folder. Default: the version recorded in .yo-rc.json',
  },
  check: {
    type: 'boolean',
    alias: undefined,
    for: ['update'],
    description: 'Write nothing; exit 0 when up to date, 1 when an update would change files (listed)',
  },
  set: {
    type: 'string',
    alias: undefined,
    for: ['update'],
    multiple: true,
    value: '<option>=<value>',
    description:
      'Change a stored answer through the merge (repeatable): the new version renders with it, your edits are kept (--set base=distroless); refused where the preset locks the option',
  },
  json: {
    type: 'boolean',
    alias: undefined,
    for: ['update'],
    description:
      'With --check: print one JSON object (project, current and available versions, each file that would change and how) instead of text',
  },
  allowDirty: {
    type: 'boolean',
    alias: undefined,
    for: ['update'],
    description:
      'Update even when git shows uncommitted changes in the folder (by default refused, so that the update is one reviewable diff)',
  },
  verify: {
    type: 'boolean',
    alias: undefined,
    for: ['update'],
    negatable: true,
    description:
      'After a clean merge, run go vet, go test and make verify (with a container engine); --no-verify skips them. Default: true',
  },
} as const satisfies Record<
  string,
  {
    type: 'boolean' | 'string';
    alias: string | undefined;
    for: readonly CommandName[];
    value?: string;
    negatable?: boolean;
    /** Repeatable: every value is kept, in order. */
    multiple?: boolean;
    description: string;
    /**
     * Commands that still accept the flag only so that released command lines keep working: why
     * it is deprecated there (the note a run prints). Left out of that command's help.
     */
    deprecated?: Partial<Record<CommandName, string>>;
  }
>;
