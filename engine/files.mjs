// The one tree walk of the repository's scripts.

import fs from 'node:fs';
import path from 'node:path';

/**
 * Every entry under dir that is not a directory (symbolic links are listed, not followed), as a
 * path relative to dir, sorted.
 * @param {string} dir
 * @param {{ markNonFiles?: boolean }} [o] markNonFiles: append " (not a regular file)" to entries
 *   that are not regular files (links, sockets, …), so that a comparison of two trees shows them
 * @returns {string[]}
 */
export function tree(dir, { markNonFiles = false } = {}) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => {
      const rel = path.relative(dir, path.join(e.parentPath, e.name));
      return markNonFiles && !e.isFile() ? `${rel} (not a regular file)` : rel;
    })
    .sort();
}
