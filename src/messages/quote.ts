/**
 * Values as error messages show them: JSON-quoted, so an error stays one printable line whatever
 * the user typed (a newline, an escape sequence, a terminal control, a right-to-left override).
 */

/** Longest value shown in full; the rest is elided, with the length said. */
export const QUOTE_MAX = 120;

// JSON.stringify escapes U+0000–U+001F, but not what a terminal still acts on or hides: DEL and
// the C1 controls (an ANSI escape can also start with U+009B), every format character (bidi
// controls, zero-width spaces and joiners, the BOM, soft hyphen), the line and paragraph
// separators, private-use and unpaired surrogate code points. (C0 is listed for String(value), the
// fallback for what JSON cannot show.)
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}]/gu;

/** Text with every control (and invisible or direction-changing character) written as a \uXXXX escape. */
export function printable(json: string): string {
  return json.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A short excerpt of a line from a file, for a message that points at it: at most `max`
 * characters, quoted and escaped like {@link quoteValue}. Only ever for a regular file inside
 * the folder the user pointed at (never a device, a link out, or a file we were not given).
 */
export function excerpt(line: string, max = 40): string {
  const trimmed = line.trim();
  const cut = [...trimmed];
  return cut.length > max
    ? `${printable(JSON.stringify(cut.slice(0, max).join('')))}…`
    : printable(JSON.stringify(trimmed));
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
