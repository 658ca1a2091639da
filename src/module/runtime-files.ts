/**
 * Files a service reads at run time through a relative path (HTML templates, a static UI,
 * migrations): an image built from the binary alone lacks them, and the service fails on first
 * use while its health check passes. Found in the code as string literals passed to the calls
 * that read files (os.Open, os.ReadFile, os.ReadDir, os.DirFS, http.Dir, template.ParseFiles,
 * template.ParseGlob and the methods of the same names) and as the defaults of string flags or
 * `./`-relative constants, when the path names something present in the module. Patterns, not a
 * parser, each linear in the source: every one starts at a literal and reads a bounded string.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { printable, quoteValue } from '../messages/quote.js';

/** A path the code reads at run time, relative to the module root (its working directory in the image). */
export interface RuntimePath {
  /** The file or folder to copy: `ui`, `web/static`, `templates` (of `templates/*.html`). */
  path: string;
  /** Where it was found, for the end message: `http.Dir("./ui") in cmd/web/main.go`. */
  from: string;
}

/** A path the code reads at run time that is not copied into the image, and why. */
export interface RuntimeRefusal {
  literal: string;
  from: string;
  why: string;
}

const LITERAL = '"([^"\\\\\\n]{1,200})"';
// os.ReadFile("x"), http.Dir("./ui"), template.ParseGlob("t/*.html"), t.ParseFiles("a.html", …).
const READ_CALL = new RegExp(
  `\\b(os\\.(?:Open|ReadFile|ReadDir|DirFS|Stat)|http\\.Dir|template\\.(?:ParseFiles|ParseGlob)|\\.Parse(?:Files|Glob))\\(\\s*${LITERAL}`,
  'g',
);
// flag.String("static", "./ui", …), fs.StringVar(&dir, "templates", "web/templates", …).
const FLAG_DEFAULT = new RegExp(`\\.String(?:Var)?\\(\\s*(?:&[\\w.]+\\s*,\\s*)?"[\\w-]{1,64}"\\s*,\\s*${LITERAL}`, 'g');
// const staticDir = "./web" (explicitly relative: a bare word is too often not a path).
const RELATIVE_CONST = new RegExp(`\\b(?:const|var)?\\s*\\w{1,64}\\s*:?=\\s*"(\\./[^"\\\\\\n]{1,198})"`, 'g');

/** A path we can put on a RUN line and in .dockerignore: plain names, nothing a shell reads. */
const SAFE = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

/**
 * The file or folder a literal names, relative to the module root: `./` dropped, a glob cut at its
 * first pattern element (`templates/*.html` → `templates`); undefined when it is absolute, the
 * module root itself, or a URL.
 */
function pathOf(literal: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(literal) || literal.startsWith('/')) return undefined;
  const elements: string[] = [];
  for (const element of literal.split('/')) {
    if (element === '' || element === '.') continue;
    if (/[*?[\]{}]/.test(element)) break;
    elements.push(element);
  }
  return elements.length === 0 ? undefined : elements.join('/');
}

/** A literal found in a file, and where, for {@link runtimePaths}. */
export interface RuntimeLiteral {
  literal: string;
  from: string;
}

/** The path literals of every shape in one file's source (`file` names it in messages). */
export function runtimeLiterals(source: string, file: string): RuntimeLiteral[] {
  const found: RuntimeLiteral[] = [];
  const where = printable(file);
  const add = (literal: string, from: string): number => found.push({ literal, from: `${from} in ${where}` });
  for (const m of source.matchAll(READ_CALL)) add(m[2]!, `${m[1]}(${quoteValue(m[2])})`);
  for (const m of source.matchAll(FLAG_DEFAULT)) add(m[1]!, `a flag's default ${quoteValue(m[1])}`);
  for (const m of source.matchAll(RELATIVE_CONST)) add(m[1]!, quoteValue(m[1]));
  return found;
}

/**
 * The run-time paths of a module from the literals of its Go sources ({@link runtimeLiterals});
 * `embedded` are the //go:embed patterns (already in the binary). A literal that names nothing in the
 * module is left alone (the service may create it); one that names something outside the module,
 * or a name that cannot be written safely, is refused with the reason.
 */
export function runtimePaths(
  root: string,
  literals: readonly RuntimeLiteral[],
  embedded: readonly string[],
): { paths: RuntimePath[]; refused: RuntimeRefusal[] } {
  const paths = new Map<string, RuntimePath>();
  const refused: RuntimeRefusal[] = [];
  const seen = new Set<string>();
  const embeddedBases = new Set(embedded.map(pathOf).filter((p) => p !== undefined));
  // In the binary already: the path or a folder above it is embedded (a lookup per element).
  const isEmbedded = (path: string): boolean =>
    path.split('/').some((_, i, parts) => embeddedBases.has(parts.slice(0, i + 1).join('/')));
  for (const { literal, from } of literals) {
    const path = pathOf(literal);
    if (path === undefined || seen.has(path) || isEmbedded(path)) continue;
    seen.add(path);
    if (path.split('/').includes('..')) {
      if (lstatSync(join(root, path), { throwIfNoEntry: false }))
        refused.push({ literal, from, why: 'it is outside the module, so not in the build context' });
      continue;
    }
    const stat = lstatSync(join(root, path), { throwIfNoEntry: false });
    if (!stat || path === 'go.mod' || path === 'go.sum' || path === 'vendor') continue;
    if (!SAFE.test(path) || stat.isSymbolicLink()) {
      refused.push({ literal, from, why: 'its name is not a plain path (letters, digits, ".", "_", "-", "/")' });
      continue;
    }
    paths.set(path, { path, from });
  }
  // A path inside another one is copied with it (sorted, a nested path follows its folder).
  const kept: RuntimePath[] = [];
  for (const p of [...paths.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const last = kept.at(-1);
    if (!last || !p.path.startsWith(`${last.path}/`)) kept.push(p);
  }
  return { paths: kept, refused };
}
