/**
 * The update's decision per file, from three versions of the project: *base* (what the recorded
 * version generates from the stored answers), *theirs* (what this version generates from them)
 * and *yours* (the file on disk). A pure function: nothing here reads or writes the disk.
 *
 * The three-way text merge is node-diff3's (a small, dependency-free, well-kept implementation of
 * GNU diff3's algorithm); conflicts get git's diff3-style markers (yours, base, theirs), so
 * editors and `git mergetool` recognise them.
 */
import { diff3Merge } from 'node-diff3';

export type Action =
  /** yours equals theirs: nothing to do */
  | 'unchanged'
  /** you never changed it: it takes the new content */
  | 'updated'
  /** both changed it, on different lines: merged */
  | 'merged'
  /** both changed the same lines: written with conflict markers */
  | 'conflict'
  /** new in this version */
  | 'added'
  /** this version no longer generates it and you never changed it */
  | 'removed'
  /** your edit, where the template did not change */
  | 'kept'
  /** you deleted it: it stays deleted */
  | 'kept-deleted'
  /** changed by you, no longer generated: kept as yours */
  | 'kept-yours';

export interface FilePlan {
  path: string;
  action: Action;
  /** What to write (updated, merged, conflict, added). */
  content?: Buffer;
  /** For a conflict: how many conflicting regions. */
  conflicts?: number;
  /** Why, when the action alone does not say (binary file, added beside an existing file). */
  note?: string;
}

export interface Labels {
  yours: string;
  base: string;
  theirs: string;
}

/** The actions that write or delete something. */
export const CHANGES: ReadonlySet<Action> = new Set(['updated', 'merged', 'conflict', 'added', 'removed']);

const isBinary = (b: Buffer): boolean => b.subarray(0, 8000).includes(0);

/** Lines with their line ends, so that joining them gives the text back byte for byte. */
function lines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

/** A conflict region's side, ending in a line end so the next marker starts a line. */
function side(part: string[]): string {
  const text = part.join('');
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

const same = (x: readonly string[], y: readonly string[]): boolean =>
  x.length === y.length && x.every((l, i) => l === y[i]);

/**
 * One side only inserted lines right before or after the base lines of the region (every base
 * line kept, in order, none touched) while the other changed them: both apply, the insertion on
 * its side of the change. diff3 (and git) call edits that touch a conflict; the commonest case is
 * a target appended to a Makefile whose last lines the template changed. Undefined when neither
 * side is such an insertion, when the base region is empty (two insertions at one place have no
 * order), or when the insertion reads both ways with different results (`p` → `p p`).
 */
export function insertionBeside(
  a: readonly string[],
  o: readonly string[],
  b: readonly string[],
): string[] | undefined {
  if (o.length === 0) return undefined;
  const results: string[][] = [];
  for (const [ins, other] of [
    [a, b],
    [b, a],
  ] as const) {
    if (ins.length <= o.length) continue;
    const extra = ins.length - o.length;
    if (same(ins.slice(0, o.length), o)) results.push([...other, ...ins.slice(o.length)]);
    if (same(ins.slice(extra), o)) results.push([...ins.slice(0, extra), ...other]);
  }
  const first = results[0];
  if (!first || !results.every((r) => same(r, first))) return undefined;
  // A side whose last line had no line end, now followed by the insertion: it gets one.
  return first.map((l, i) => (i < first.length - 1 && !l.endsWith('\n') ? `${l}\n` : l));
}

/** A three-way merge of texts: the merged text and how many regions conflict. */
export function mergeText(
  yours: string,
  base: string,
  theirs: string,
  labels: Labels,
): { text: string; conflicts: number } {
  const regions = diff3Merge(lines(yours), lines(base), lines(theirs), { excludeFalseConflicts: true });
  let text = '';
  let conflicts = 0;
  for (const region of regions) {
    if (region.ok) {
      text += region.ok.join('');
      continue;
    }
    const c = region.conflict!;
    const beside = insertionBeside(c.a, c.o, c.b);
    if (beside) {
      text += beside.join('');
      continue;
    }
    conflicts++;
    text +=
      `<<<<<<< ${labels.yours}\n${side(c.a)}` +
      `||||||| ${labels.base}\n${side(c.o)}` +
      `=======\n${side(c.b)}` +
      `>>>>>>> ${labels.theirs}\n`;
  }
  return { text, conflicts };
}

/** Both changed a file (or both added it): merge it, or report a binary conflict. */
function bothChanged(path: string, yours: Buffer, base: Buffer, theirs: Buffer, labels: Labels): FilePlan {
  if ([yours, base, theirs].some(isBinary)) {
    return { path, action: 'conflict', conflicts: 1, note: 'binary: both changed it; yours is kept as it is' };
  }
  const { text, conflicts } = mergeText(yours.toString('utf8'), base.toString('utf8'), theirs.toString('utf8'), labels);
  const content = Buffer.from(text, 'utf8');
  if (conflicts > 0) return { path, action: 'conflict', content, conflicts };
  return content.equals(yours) ? { path, action: 'kept' } : { path, action: 'merged', content };
}

/**
 * Plans the update of every path that base or theirs generates. `yours` reads the project's file
 * (undefined when it does not exist). Paths outside both renders are never looked at.
 */
export function planUpdate(
  base: ReadonlyMap<string, Buffer>,
  theirs: ReadonlyMap<string, Buffer>,
  yours: (path: string) => Buffer | undefined,
  labels: Labels,
): FilePlan[] {
  const paths = [...new Set([...base.keys(), ...theirs.keys()])].sort();
  return paths.map((path): FilePlan => {
    const b = base.get(path);
    const t = theirs.get(path);
    const y = yours(path);
    if (t !== undefined && y !== undefined && y.equals(t)) return { path, action: 'unchanged' };
    if (b !== undefined && t !== undefined) {
      if (y === undefined) return { path, action: 'kept-deleted' };
      if (y.equals(b)) return { path, action: 'updated', content: t };
      if (b.equals(t)) return { path, action: 'kept' };
      return bothChanged(path, y, b, t, labels);
    }
    if (t !== undefined) {
      if (y === undefined) return { path, action: 'added', content: t };
      // Yours was not generated by the base, and this version generates it: a merge from nothing.
      return { ...bothChanged(path, y, Buffer.alloc(0), t, labels), note: 'you have a file this version adds' };
    }
    // Generated by the base only.
    if (y === undefined) return { path, action: 'unchanged' };
    return y.equals(b!) ? { path, action: 'removed' } : { path, action: 'kept-yours' };
  });
}
