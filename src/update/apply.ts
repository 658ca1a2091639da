/**
 * Writes an update plan with the rules of every other write (commit.ts, fs-safety.ts): every
 * path checked before the first byte (inside the folder, no link on the way, a regular file),
 * each file through a temporary file renamed over the old one, `.yo-rc.json` last.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/commit.js';
import { describeFsError, unwritableReason } from '../io/fs-safety.js';
import { CONFIG_FILE, OptionError } from '../options/table.js';
import { writingDone } from '../io/progress.js';
import { CHANGES, type FilePlan } from './plan.js';

/** Applies the plan's changes under `root`, then writes `config` as `.yo-rc.json`. */
export function applyPlan(root: string, plan: readonly FilePlan[], config: Buffer): void {
  const changes = plan.filter((p) => CHANGES.has(p.action) && (p.action === 'removed' || p.content));
  const refused = [...changes.map((p) => p.path), CONFIG_FILE]
    .map((path) => ({ path, reason: unwritableReason(root, join(root, path)) }))
    .filter((r) => r.reason !== undefined);
  if (refused.length > 0) {
    const list = refused.map((r) => `${r.path} (${r.reason})`).join('; ');
    throw new OptionError(`Nothing was written: cannot write ${list}.`);
  }
  const done: string[] = [];
  for (const [path, write] of [
    ...changes.map(
      (p) =>
        [
          p.path,
          () => (p.action === 'removed' ? rmSync(join(root, p.path)) : writeFileAtomic(join(root, p.path), p.content!)),
        ] as const,
    ),
    [CONFIG_FILE, () => writeFileAtomic(join(root, CONFIG_FILE), config)] as const,
  ]) {
    try {
      write();
    } catch (error) {
      const why = describeFsError(error, path) ?? (error as Error).message.split('\n')[0];
      throw new OptionError(
        `Updating stopped at ${path}: ${why} Done: ${done.join(', ') || 'nothing'}; the rest is as it was.`,
      );
    }
    done.push(path);
  }
  writingDone(done.length);
}
