/**
 * Values as error messages show them: JSON-quoted, so an error stays one printable line whatever
 * the user typed (a newline, an escape sequence, a terminal control, a right-to-left override).
 */

/** Longest value shown in full; the rest is elided, with the length said. */
export const QUOTE_MAX = 120;

// JSON.stringify escapes U+0000–U+001F, but not these, which a terminal still acts on or hides:
// DEL and the C1 controls, the line and paragraph separators, bidi controls, the BOM. (C0 is
// listed for String(value), the fallback for what JSON cannot show.)
// eslint-disable-next-line no-control-regex -- matching controls is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Text with every control (and invisible direction change) written as a \uXXXX escape. */
export function printable(json: string): string {
  return json.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value for an error message: `"text"` (escaped), `42`, `null`, `[1,2]`, on one line. */
export function quoteValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string' && value.length > QUOTE_MAX) {
    text = `${JSON.stringify(value.slice(0, QUOTE_MAX))}… (${value.length} characters)`;
  } else if (typeof value === 'number' && !Number.isFinite(value)) {
    text = String(value); // JSON.stringify(NaN) says null
  } else {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      json = undefined; // a cycle or a BigInt: not from JSON or a flag, but never a crash
    }
    text = json ?? String(value);
    if (text.length > QUOTE_MAX) text = `${text.slice(0, QUOTE_MAX)}… (${text.length} characters)`;
  }
  return printable(text);
}
