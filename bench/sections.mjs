// Sections of bench/RESULTS.md that scripts other than bench/run.mjs write between markers
// (bench/service-options.mjs): run.mjs renders the rest of the file and keeps these as they are.
import fs from 'node:fs';

/** bench/service-options.mjs's section. */
export const SERVICE_OPTIONS_MARK = { start: '<!-- service-options:start -->', end: '<!-- service-options:end -->' };

/**
 * The marked sections of a RESULTS.md (the file's current text, '' when there is none), to append
 * to a new rendering of the rest. @param {string} file @returns {string}
 */
export function keptSections(file) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const { start, end } = SERVICE_OPTIONS_MARK;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  return i >= 0 && j > i ? `\n${text.slice(i, j + end.length)}\n` : '';
}
