/**
 * Where a template comes from: a preset's templatesDir overrides a built-in template of the same
 * relative path, and adds its other files as extras. Every preset file is checked as input
 * (a regular file of bounded size, fs-safety.ts) before it is used.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { assertInputFile } from '../io/fs-safety.js';

/** A preset's template: a regular file of bounded size, or one line. */
function checkedTemplate(path: string): string {
  assertInputFile(path, "template in the preset's templatesDir");
  return path;
}

/** A built-in template of `root`, or the preset's file of the same relative path. */
export function templatePath(template: string, root: string, presetDir: string | undefined): string {
  if (presetDir && existsSync(join(presetDir, template))) return checkedTemplate(join(presetDir, template));
  return join(root, template);
}

/**
 * The files of a preset's templatesDir that override no built-in template, each with the path it
 * renders to (its relative path without `.ejs`).
 */
export function extraTemplates(
  presetDir: string | undefined,
  builtIn: readonly string[],
): { source: string; dest: string }[] {
  if (!presetDir) return [];
  // Not following links to folders (a link loop would never end); every file is checked.
  const files = readdirSync(presetDir, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory());
  return files
    .map((entry) => relative(presetDir, join(entry.parentPath ?? entry.path, entry.name)))
    .filter((rel) => !builtIn.includes(rel))
    .map((rel) => ({ source: checkedTemplate(join(presetDir, rel)), dest: rel.replace(/\.ejs$/, '') }));
}
