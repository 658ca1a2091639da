/**
 * The .dockerignore the docker generator writes into an existing module: our exclusions, then the
 * project's own entries kept as they were (later lines win, so theirs override ours), then
 * re-inclusions for what `//go:embed` names (the build needs it, even `dist/` or a `.crt`).
 * The template prints the two headers below; a re-run finds the project's part by them.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const OWN_HEADER = "# The project's own entries";
const EMBED_HEADER = '# Named by //go:embed';
const RUNTIME_HEADER = '# Read at run time and copied into the image';
/** Larger than any real .dockerignore: past this it is not read. */
const MAX_BYTES = 1024 * 1024;

/** The existing .dockerignore under root, if it is a regular file of sane size. */
export function readDockerignore(root: string): string | undefined {
  const file = join(root, '.dockerignore');
  try {
    const st = lstatSync(file);
    return st.isFile() && st.size <= MAX_BYTES ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** The entries (not comments or blank lines) of .dockerignore text, trimmed. */
const entries = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

/**
 * The project's own part of an existing .dockerignore: after our "own entries" header when a
 * previous run wrote one, else the whole file; undefined when there is none, or when every entry
 * in it is one of ours (a file this generator wrote before).
 */
export function projectDockerignore(existing: string | undefined, ours: string): string | undefined {
  if (existing === undefined) return undefined;
  let lines = existing.replace(/^\uFEFF/, '').split(/\r?\n/);
  const own = lines.findIndex((l) => l.startsWith(OWN_HEADER));
  if (own >= 0) lines = lines.slice(own + 1);
  // Our sections after theirs end their part.
  const tail = lines.findIndex((l) => l.startsWith(EMBED_HEADER) || l.startsWith(RUNTIME_HEADER));
  if (tail >= 0) lines = lines.slice(0, tail);
  const text = lines.join('\n').trim();
  const ourEntries = new Set(entries(ours));
  if (own < 0 && entries(text).every((e) => ourEntries.has(e))) return undefined;
  return text === '' ? undefined : text;
}

/** Re-inclusion lines for `//go:embed` patterns (module-relative): the path and what is under it. */
export function embedKeepLines(embeds: readonly string[]): string[] {
  const out = new Set<string>(); // insertion-ordered; a Set keeps 100,000 patterns linear
  for (const e of embeds) {
    const path = e.replace(/^\.\//, '').replace(/\/+$/, '');
    if (path === '' || path === '.') continue;
    out.add(`!${path}`).add(`!${path}/**`);
  }
  return [...out];
}
