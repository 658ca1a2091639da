/**
 * YAML text for plain data (objects, arrays, strings, numbers, booleans): block style, two-space
 * indents, every string double-quoted (JSON's string syntax is YAML's double-quoted style), so no
 * value is read as another type (`on`, `1.10`, `${{ … }}`) by any YAML 1.1 or 1.2 reader. Keys
 * that are not plain words are quoted too (`"ui:field"`).
 */
const key = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k));

function scalar(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length === 0) return '[]';
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return '{}';
  if (typeof value !== 'object') throw new TypeError(`no YAML for ${typeof value}`);
  return undefined;
}

/** yamllint's default line length. */
const WIDTH = 80;

/** Text a folded scalar gives back unchanged: one line, single spaces, none at either end. */
const foldable = (text: string): boolean =>
  /^[^\s](?:[^\s]| (?! ))*$/.test(text) && !/[^\x20-\x7e\u00a0-\uffff]/.test(text);

/** A long string as a folded block scalar's lines (`>-`: joined by single spaces, no final line end). */
function fold(text: string, indent: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      out.push(`${indent}${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...out, `${indent}${line}`];
}

function lines(value: unknown, indent: string): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value as readonly unknown[]) {
      const s = scalar(item);
      if (s !== undefined) out.push(`${indent}- ${s}`);
      else {
        // The item's first line goes after "- ", the rest under it.
        const [first, ...rest] = lines(item, `${indent}  `);
        out.push(`${indent}- ${first!.slice(indent.length + 2)}`, ...rest);
      }
    }
    return out;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    const s = scalar(v);
    const line = `${indent}${key(k)}: ${s}`;
    if (typeof v === 'string' && line.length > WIDTH && foldable(v))
      out.push(`${indent}${key(k)}: >-`, ...fold(v, `${indent}  `));
    else if (s !== undefined) out.push(line);
    else out.push(`${indent}${key(k)}:`, ...lines(v, `${indent}  `));
  }
  return out;
}

/** A YAML document (`---` first, a line end last) of a mapping. */
export function toYaml(value: Record<string, unknown>): string {
  return `---\n${lines(value, '').join('\n')}\n`;
}
