/**
 * The module's packages with the files that build for the image: from `go list` when Go is on
 * PATH, else read here with the same rules approximated (see constraints.ts). Every scan is
 * linear in the source and every read bounded (fs-safety.ts): a repository's files choose
 * neither how long we take nor how much memory.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { fileBuilds } from './constraints.js';
import { InputError, readBounded } from '../io/fs-safety.js';
import { goListPackages, type ListedPackage } from './golist.js';
import { quoteValue } from '../messages/quote.js';

export type { ListedPackage } from './golist.js';

/** An import spec on one trimmed line, `"C"` or `name "C"`, with an optional comment. */
const C_SPEC = /^(?:[A-Za-z_.]+[ \t]+)?"C"[ \t]*(?:\/\/.*)?$/;

/** Does Go source import "C"? (single import or inside an import block; line by line, linear) */
export function importsC(source: string): boolean {
  let block = false;
  for (const raw of source.split('\n')) {
    let line = raw.trim();
    if (!block) {
      const m = /^import\b[ \t]*(.*)$/.exec(line);
      if (!m) continue;
      line = m[1]!;
      if (!line.startsWith('(')) {
        if (C_SPEC.test(line)) return true;
        continue;
      }
      block = true;
      line = line.slice(1).trim();
    }
    const close = line.indexOf(')');
    if (close >= 0) {
      block = false;
      line = line.slice(0, close).trim();
    }
    if (C_SPEC.test(line)) return true;
  }
  return false;
}

/** The patterns of a file's `//go:embed` lines (quoted or not), relative to its folder. */
export function embedPatterns(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^\/\/go:embed[ \t]+(.+)$/gm)) {
    for (const t of m[1]!.matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g)) out.push(t[1] ?? t[2] ?? t[3]!);
  }
  return out;
}

/**
 * A Go source file as the scanners read it: through the input rules (a link must stay inside the
 * module; never a FIFO or a device), at most 1 MiB of it: the package clause, imports and build
 * directives come first, so a large generated file is scanned, not refused.
 */
export function readSource(root: string, rel: string): string {
  return (readBounded(join(root, rel), quoteValue(rel), { root, truncate: true }) ?? Buffer.alloc(0)).toString('utf8');
}

// go list's ./... skips these too (and bin, dist and node_modules hold no sources of ours).
const SKIP_DIRS = new Set(['vendor', 'testdata', 'node_modules', 'bin', 'dist']);
const skipped = (name: string): boolean => SKIP_DIRS.has(name) || /^[._]/.test(name);

/**
 * Walks the folders go build would look at below root (links to folders are not followed, so a
 * loop cannot trap the walk), calling `visit` for each entry that is not such a folder.
 */
function walk(root: string, visit: (rel: string, entry: Dirent) => void, rel = '.'): void {
  const entries = readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const path = rel === '.' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) {
      if (!skipped(e.name)) walk(root, visit, path);
    } else visit(path, e);
  }
}

/** The module's packages read from the files: every folder below root with non-test .go files. */
export function scanPackages(root: string): ListedPackage[] {
  const byDir = new Map<string, ListedPackage>();
  walk(root, (rel, e) => {
    if (!e.name.endsWith('.go') || e.name.endsWith('_test.go') || /^[._]/.test(e.name)) return;
    const source = readSource(root, rel);
    if (!fileBuilds(e.name, source)) return;
    const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.';
    let pkg = byDir.get(dir);
    if (!pkg) byDir.set(dir, (pkg = { dir, name: '', files: [], cgoFiles: [], embedPatterns: [] }));
    pkg.files.push(e.name);
    pkg.name ||= /^[ \t]*package[ \t]+(\w+)/m.exec(source)?.[1] ?? '';
    if (importsC(source)) pkg.cgoFiles.push(e.name);
    pkg.embedPatterns.push(...embedPatterns(source));
  });
  return [...byDir.values()];
}

/**
 * Refuses, in one line, a go.mod, go.sum or Go file that is a FIFO, a device or a socket where go
 * build looks: reading it (ours or go list's) would block or never end. Names only, no reads.
 */
export function assertNoSpecialSources(root: string): void {
  walk(root, (rel, e) => {
    const goFile = e.name.endsWith('.go') || e.name === 'go.mod' || e.name === 'go.sum';
    if (goFile && (e.isFIFO() || e.isCharacterDevice() || e.isBlockDevice() || e.isSocket())) {
      throw new InputError(`Cannot use ${quoteValue(rel)}: it is not a regular file (a device, FIFO or socket).`);
    }
  });
}

/** The module's packages: go list's view when it answers, else {@link scanPackages}. */
export function modulePackages(root: string, { useGo = true }: { useGo?: boolean } = {}): ListedPackage[] {
  assertNoSpecialSources(root);
  return (useGo ? goListPackages(root) : undefined) ?? scanPackages(root);
}
