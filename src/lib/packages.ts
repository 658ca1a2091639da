/**
 * The module's packages with the files that build for the image: from `go list` when Go is on
 * PATH, else read here with the same rules approximated (see constraints.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileBuilds } from './constraints.js';
import { goListPackages, type ListedPackage } from './golist.js';

export type { ListedPackage } from './golist.js';

/** Does Go source import "C"? (single import or inside an import block) */
export function importsC(source: string): boolean {
  if (/^\s*import\s+"C"/m.test(source)) return true;
  for (const block of source.matchAll(/^\s*import\s*\(([\s\S]*?)\)/gm)) {
    if (/^\s*(?:[A-Za-z_.]+\s+)?"C"\s*(?:\/\/.*)?$/m.test(block[1] ?? '')) return true;
  }
  return false;
}

/** The patterns of a file's `//go:embed` lines (quoted or not), relative to its folder. */
export function embedPatterns(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^\/\/go:embed\s+(.+)$/gm)) {
    for (const t of m[1]!.matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g)) out.push(t[1] ?? t[2] ?? t[3]!);
  }
  return out;
}

// go list's ./... skips these too (and bin, dist and node_modules hold no sources of ours).
const SKIP_DIRS = new Set(['vendor', 'testdata', 'node_modules', 'bin', 'dist']);

/** The module's packages read from the files: every folder below root with non-test .go files. */
export function scanPackages(root: string): ListedPackage[] {
  const out: ListedPackage[] = [];
  const walk = (rel: string): void => {
    const entries = readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const pkg: ListedPackage = { dir: rel, name: '', files: [], cgoFiles: [], embedPatterns: [] };
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !/^[._]/.test(e.name)) walk(rel === '.' ? e.name : `${rel}/${e.name}`);
        continue;
      }
      if (!e.name.endsWith('.go') || e.name.endsWith('_test.go') || /^[._]/.test(e.name)) continue;
      const source = readFileSync(join(root, rel, e.name), 'utf8');
      if (!fileBuilds(e.name, source)) continue;
      pkg.files.push(e.name);
      pkg.name ||= /^\s*package\s+(\w+)/m.exec(source)?.[1] ?? '';
      if (importsC(source)) pkg.cgoFiles.push(e.name);
      pkg.embedPatterns.push(...embedPatterns(source));
    }
    if (pkg.files.length > 0) out.push(pkg);
  };
  walk('.');
  return out;
}

/** The module's packages: go list's view when it answers, else {@link scanPackages}. */
export function modulePackages(root: string, { useGo = true }: { useGo?: boolean } = {}): ListedPackage[] {
  return (useGo ? goListPackages(root) : undefined) ?? scanPackages(root);
}
