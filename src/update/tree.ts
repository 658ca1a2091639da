/**
 * The merged tree a team generator's migrations run on (migrations.ts): the project as the update
 * would leave it (the plan's results over the files on disk), in memory, with the renders beside
 * it. A migration reads and changes it; the update then writes what changed, by the rules of every
 * write, or (--check) only reports it. Paths are relative, with '/', inside the project.
 */
import { OptionError } from '../messages/errors.js';
import { quoteValue } from '../messages/quote.js';
import { mergeText, type FilePlan, type Labels } from './plan.js';

/** What a migration may do to the merged tree. */
export interface MigrationTree {
  /** The file's text after the merge, or undefined when there is none. */
  read(path: string): string | undefined;
  exists(path: string): boolean;
  write(path: string, text: string): void;
  delete(path: string): void;
  /**
   * Moves a file. When this version generates `to` and the base generated `from`, the moved file
   * is a three-way merge (yours at `from`, the base's `from`, this version's `to`): your edits
   * move with it and the template's change to it arrives (a conflict gets markers).
   */
  rename(from: string, to: string): void;
}

export interface TreeInput {
  folder: string;
  plan: readonly FilePlan[];
  base: ReadonlyMap<string, Buffer>;
  theirs: ReadonlyMap<string, Buffer>;
  labels: Labels;
  /** A project file's bytes (bounded, no links followed), or undefined. */
  readYours: (path: string) => Buffer | undefined;
}

/** A path a migration names: relative, '/'-separated, no '..', no empty part. */
function checkPath(path: string): string {
  const parts = path.split('/');
  if (path === '' || path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new OptionError(`A migration named the path ${quoteValue(path)}: use a relative path inside the project.`);
  }
  return path;
}

/** The merged tree, and the plan entries for what the migrations changed. */
export function mergedTree(input: TreeInput): { tree: MigrationTree; changes: () => FilePlan[] } {
  const planned = new Map(input.plan.map((p) => [p.path, p]));
  /** path → new content (undefined: deleted); only paths a migration touched. */
  const touched = new Map<string, Buffer | undefined>();
  const conflicts = new Map<string, number>();
  const current = (path: string): Buffer | undefined => {
    if (touched.has(path)) return touched.get(path);
    const p = planned.get(path);
    if (p?.action === 'removed') return undefined;
    return p?.content ?? input.readYours(path);
  };
  const tree: MigrationTree = {
    read: (path) => current(checkPath(path))?.toString('utf8'),
    exists: (path) => current(checkPath(path)) !== undefined,
    write: (path, text) => void touched.set(checkPath(path), Buffer.from(text, 'utf8')),
    delete: (path) => void touched.set(checkPath(path), undefined),
    rename: (from, to) => {
      const moved = current(checkPath(from));
      checkPath(to);
      if (moved === undefined) return;
      const base = input.base.get(from);
      const theirs = input.theirs.get(to);
      let content = moved;
      if (base !== undefined && theirs !== undefined && !input.base.has(to)) {
        const r = mergeText(moved.toString('utf8'), base.toString('utf8'), theirs.toString('utf8'), input.labels);
        content = Buffer.from(r.text, 'utf8');
        if (r.conflicts > 0) conflicts.set(to, r.conflicts);
      }
      touched.set(from, undefined);
      touched.set(to, content);
    },
  };
  const changes = (): FilePlan[] =>
    [...touched].flatMap(([path, content]): FilePlan[] => {
      const onDisk = input.readYours(path);
      const note = 'by a migration';
      if (content === undefined) return onDisk === undefined ? [] : [{ path, action: 'removed', note }];
      if (onDisk?.equals(content)) return [{ path, action: 'unchanged' }];
      const n = conflicts.get(path);
      if (n) return [{ path, action: 'conflict', content, conflicts: n, note }];
      return [{ path, action: onDisk === undefined ? 'added' : 'updated', content, note }];
    });
  return { tree, changes };
}
