/**
 * Where the package's own files are, found from this module's location by walking up to the
 * package.json: correct from dist/lib/*.js, from a bundled dist/cli.js, and from an install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'generator-go-minimal';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
      return (root = dir);
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find the ${PACKAGE_NAME} package above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** dist/generators/<name>/index.js */
export function generatorPath(name: string): string {
  return join(packageRoot(), 'dist', 'generators', name, 'index.js');
}

/** dist/generators/<name>/templates */
export function templatesPath(name: string): string {
  return join(packageRoot(), 'dist', 'generators', name, 'templates');
}
