/**
 * Where the package's own files are, found from this module's location by walking up to the
 * package.json: correct from dist/<folder>/*.js, from create-go-minimal's bundle, and from an install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stored config file (yeoman's), named in error messages and written last. */
export const CONFIG_FILE = '.yo-rc.json';

/**
 * The API description a project may have (an option that writes one, or the user): with
 * --backstage, catalog-info.yaml's API entity; the update's app renders copy it in.
 */
export const API_DESCRIPTION = 'api/openapi.yaml';

/** This package, or create-go-minimal: the same code bundled, with the templates beside it. */
const PACKAGE_NAMES = ['generator-go-minimal', 'create-go-minimal'];

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      PACKAGE_NAMES.includes((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name ?? '')
    ) {
      return (root = dir);
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find the ${PACKAGE_NAMES[0]} package above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The package a file belongs to: the nearest folder above it with a package.json (a team generator's too). */
export function packageFolderOf(file: string): string {
  let dir = dirname(file);
  while (dir !== dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`no package.json above ${file}`);
}

/** dist/generators/<name>/index.js */
export function generatorPath(name: string): string {
  return join(packageRoot(), 'dist', 'generators', name, 'index.js');
}

/** dist/generators/<name>/templates */
export function templatesPath(name: string): string {
  return join(packageRoot(), 'dist', 'generators', name, 'templates');
}
