/**
 * `git status` for the update's "uncommitted changes" guard, run so that the repository being
 * updated (possibly cloned from someone else) cannot make it start a program. What git would
 * otherwise run from the repository's own files, each switched off and tested
 * (test/update-git.test.mjs):
 *
 *   hooks (post-index-change, …)   core.hooksPath=/dev/null, and --no-optional-locks (no index write)
 *   filter.<name>.clean/process    each configured driver emptied (an empty command is no filter)
 *   core.fsmonitor                 false
 *   submodules (their own config)  --ignore-submodules=all: never entered
 *   lazy fetches of a partial clone protocol.allow=never (no transport, so no ssh or ext:: command)
 *   the system config              GIT_CONFIG_NOSYSTEM=1
 *
 * No pager or external diff runs for `status --porcelain` with its output on a pipe.
 */
import { spawnSync } from 'node:child_process';
import { OptionError } from '../options/table.js';
import { printable } from '../messages/quote.js';

const GIT_ENV = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_OPTIONAL_LOCKS: '0',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
});

/** Every bound of a git call: 30 s, 16 MiB of output. */
const LIMITS = { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 } as const;

/** `-c` switches that empty every filter driver the repository's config names. */
function filterOverrides(folder: string): string[] {
  const r = spawnSync('git', ['--no-optional-locks', 'config', '--null', '--get-regexp', '^filter\\.'], {
    cwd: folder,
    encoding: 'utf8',
    env: GIT_ENV(),
    stdio: ['ignore', 'pipe', 'ignore'],
    ...LIMITS,
  });
  const names = new Set<string>();
  for (const record of (r.stdout ?? '').split('\0')) {
    const key = record.split('\n')[0] ?? '';
    const m = /^filter\.(.+)\.[a-z]+$/i.exec(key);
    if (m) names.add(m[1]!);
  }
  return [...names].flatMap((name) =>
    ['clean', 'smudge', 'process']
      .flatMap((k) => ['-c', `filter.${name}.${k}=`])
      .concat('-c', `filter.${name}.required=false`),
  );
}

/**
 * Paths git reports as changed or untracked in the folder; none outside a git work tree or
 * without git. A git that fails inside a work tree stops the update in one line (it cannot tell).
 */
export function uncommitted(folder: string): string[] {
  const args = [
    '-c',
    'core.fsmonitor=false',
    '-c',
    'core.hooksPath=/dev/null',
    '-c',
    'protocol.allow=never',
    ...filterOverrides(folder),
    '--no-optional-locks',
    'status',
    '--porcelain',
    '--ignore-submodules=all',
    '--',
    '.',
  ];
  const r = spawnSync('git', args, {
    cwd: folder,
    encoding: 'utf8',
    env: GIT_ENV(),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...LIMITS,
  });
  if (r.error) return []; // no git: no repository to be dirty
  if (r.status !== 0) {
    const first = (r.stderr ?? '').trim().split('\n')[0] ?? '';
    if (/not a git repository/.test(first)) return [];
    throw new OptionError(
      `git status failed in the folder (${printable(JSON.stringify(first.slice(0, 160)))}), so uncommitted changes cannot be ruled out: fix that, or pass --allow-dirty.`,
    );
  }
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.slice(3));
}
