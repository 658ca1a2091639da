/** The regular files of a project, as the update reads them: no links, nothing under .git or node_modules. */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const SKIPPED = ['.git', 'node_modules'];

/** Relative paths (with the platform's separator) of the regular files under `root`, sorted. */
export function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((rel) => !SKIPPED.some((skip) => rel === skip || rel.startsWith(`${skip}${sep}`)))
    .sort();
}
