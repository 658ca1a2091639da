/**
 * Pure validators. Each returns `true` or a short hint saying what is accepted; the same function
 * serves the prompt's `validate`, the flag and stored-config checks, and the unit tests.
 */
import { MIN_GO_MINOR } from '../image/go.js';

export type Validation = true | string;

export const NAME_MAX = 63;

/**
 * Docker's reference grammar for one path component of an image name
 * (distribution/reference: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`): lowercase alphanumeric runs
 * joined by one '.', one or two '_', or any number of '-'.
 */
export const NAME_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

/** Binary and image name: a Docker image path component, at most 63 characters. */
export function validateName(value: string): Validation {
  const hint = `use lowercase letters and digits, joined by '.', '_', '__' or dashes (not at either end), at most ${NAME_MAX} characters`;
  if (value.length === 0 || value.length > NAME_MAX) return hint;
  return NAME_RE.test(value) ? true : hint;
}

// Windows-reserved names Go refuses as path elements (golang.org/x/mod/module: badWindowsNames).
const WINDOWS_RESERVED = new Set([
  'CON', 'PRN', 'AUX', 'NUL',
  'COM1', 'COM2', 'COM3', 'COM4', 'COM5', 'COM6', 'COM7', 'COM8', 'COM9',
  'LPT1', 'LPT2', 'LPT3', 'LPT4', 'LPT5', 'LPT6', 'LPT7', 'LPT8', 'LPT9',
]); // prettier-ignore

function checkElement(elem: string, first: boolean): string | undefined {
  if (elem === '') return 'empty path element';
  if (elem === '.' || elem === '..') return `"${elem}" path element`;
  if (elem.startsWith('.')) return 'leading dot in path element';
  if (elem.endsWith('.')) return 'trailing dot in path element';
  // The first element is a host-like name: lowercase only, no leading dash.
  const allowed = first ? /^[a-z0-9.-]+$/ : /^[A-Za-z0-9._~-]+$/;
  if (!allowed.test(elem)) {
    return first
      ? 'the first element may hold only lowercase letters, digits, "." and "-"'
      : 'elements may hold only letters, digits and "-", ".", "_", "~"';
  }
  if (first && elem.startsWith('-')) return 'leading dash in first path element';
  const short = (elem.split('.')[0] ?? '').toUpperCase();
  if (WINDOWS_RESERVED.has(short)) return `"${elem}" is a reserved file name on Windows`;
  // Names like GOPHER~1 look like Windows short names.
  if (/~[0-9]+$/.test(elem.split('.')[0] ?? '')) return 'path element looks like a Windows short name';
  return undefined;
}

/**
 * First path elements Go resolves before any module, so a module named by one cannot be built:
 * the standard library's top-level folders ("fmt" → ambiguous import) and the package patterns
 * of `go help packages` ("std" → not an importable package). From `go list std` of Go 1.26; a
 * new top-level folder is rare (iter, unique, weak came in 1.23–1.24).
 */
const GO_RESERVED = new Set(
  (
    'all archive bufio builtin bytes cmd cmp compress container context crypto database debug embed ' +
    'encoding errors expvar flag fmt go hash html image index io iter log maps math mime net os path ' +
    'plugin reflect regexp runtime slices sort std strconv strings structs sync syscall testing text ' +
    'time tool unicode unique unsafe weak work'
  ).split(' '),
);

/**
 * A Go module path, by Go's own rules (golang.org/x/mod/module.CheckPath), except that, like
 * `go mod init`, the first element need not contain a dot (but may not be {@link GO_RESERVED}). A
 * final `/vN` must have N ≥ 2.
 */
export function validateModulePath(value: string): Validation {
  const hint = (why: string): string =>
    `${why}; use a Go module path such as example.com/team/service or example.com/service/v2`;
  if (value.length === 0) return hint('empty path');
  if (value.length > 512) return hint('too long');
  if (value.startsWith('/') || value.endsWith('/')) return hint('leading or trailing slash');
  const elems = value.split('/');
  for (const [i, elem] of elems.entries()) {
    const problem = checkElement(elem, i === 0);
    if (problem) return hint(problem);
  }
  if (GO_RESERVED.has(elems[0] ?? ''))
    return hint(`"${elems[0]}" is taken by Go (a standard-library package or a package pattern)`);
  const last = elems[elems.length - 1] ?? '';
  // go build takes a package whose name starts with '-' for a flag: "invalid input directory name".
  if (last.startsWith('-')) return hint('leading dash in the last path element');
  if (elems.length > 1 && /^v[0-9]+$/.test(last)) {
    if (last === 'v0' || last === 'v1' || last.startsWith('v0')) {
      return hint(`invalid major version suffix "/${last}" (only /v2 and above)`);
    }
  }
  return true;
}

/**
 * A main package as `--main` takes it and as the Dockerfile's `RUN go build` line prints it: `.`
 * or `./` followed by folder names of letters, digits, `_`, `.` and `-` (no `..`). Folders found
 * in a module pass the same check before their name is written anywhere.
 */
export function validateMainPackage(value: string): Validation {
  return /^\.(\/[A-Za-z0-9_.-]+)*$/.test(value) && !value.includes('/..') ? true : 'use . or ./cmd/<name>';
}

export { MIN_GO_MINOR };

/** What bounds a Go version from above: the newest release the generator knows, and the local Go. */
export interface GoLimits {
  newestKnown: string;
  /** The local Go's `1.N`, read only when a value is newer than `newestKnown`. */
  local: () => string | undefined;
}

/**
 * `1.N` or `1.N.P` with N from {@link MIN_GO_MINOR} up to the newer of the newest known release
 * and the local Go: a version nobody can have is refused, one the local Go has is accepted.
 */
export function validateGoVersion(value: string, limits: GoLimits): Validation {
  // P up to 99: Go's patches are single or double digits, and an image tag must exist.
  const m = /^1\.(0|[1-9][0-9]{0,3})(?:\.(0|[1-9][0-9]?))?$/.exec(value);
  const known = Number(limits.newestKnown.split('.')[1]);
  const range = (newest: number): string =>
    `use 1.N or 1.N.P with N from ${MIN_GO_MINOR} to ${newest} and P from 0 to 99, e.g. 1.${newest}`;
  if (!m || Number(m[1]) < MIN_GO_MINOR) return range(known);
  const minor = Number(m[1]);
  if (minor <= known) return true;
  const local = limits.local();
  const localMinor = local ? Number(local.split('.')[1]) : 0;
  if (minor <= localMinor) return true;
  const newest = Math.max(known, localMinor);
  return `newer than the newest Go release known here (${limits.newestKnown}) and the local Go (${local ?? 'none'}); ${range(newest)}`;
}

/** An integer from min to max, written in decimal; the bounds come from the option table. */
export function validateInteger(min: number, max: number): (value: number) => Validation {
  return (value) =>
    Number.isInteger(value) && value >= min && value <= max ? true : `use a number from ${min} to ${max}`;
}

/** A value from a fixed list. */
export function validateChoice<T extends string>(choices: readonly T[]): (value: string) => Validation {
  return (value) => ((choices as readonly string[]).includes(value) ? true : `use one of: ${choices.join(', ')}`);
}

/**
 * Folder name → a valid `name` (see validateName): lowercase, accents dropped; any other
 * character becomes '-';
 * a run of separators that Docker's grammar refuses ('..', '._', '___') becomes '-'; no
 * separator at either end; at most 63 characters.
 */
export function sanitizeName(folderName: string): string {
  const cleaned = folderName
    .normalize('NFKD') // 'é' → 'e' and a combining accent, dropped next
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[._-]{2,}/g, (run) => (/^(-+|__)$/.test(run) ? run : '-'))
    .replace(/^[._-]+/, '')
    .slice(0, NAME_MAX)
    .replace(/[._-]+$/, '');
  return cleaned === '' ? 'app' : cleaned;
}

/**
 * A Backstage entity reference, `[<kind>:][<namespace>/]<name>`, parsed as the catalog parses it
 * (@backstage/catalog-model's parseEntityRef: the first ':' before any '/' ends the kind, the
 * first '/' ends the namespace) and each part held to the catalog's own rules: a kind of letters
 * and digits starting with a letter, a namespace that is a DNS label, a name of letters, digits,
 * '-', '_' and '.' with a letter or digit at each end, each at most 63 characters. A reference the
 * catalog would refuse, or one that could never name an entity, is refused here first.
 */
export function validateEntityRef(value: string, example: string): Validation {
  const hint = `use an entity reference [kind:][namespace/]name such as ${example} (name: letters, digits, '-', '_' and '.', a letter or digit at each end; namespace: lowercase letters, digits and '-'; each at most 63 characters)`;
  const slash = value.indexOf('/');
  let colon = value.indexOf(':');
  if (slash !== -1 && slash < colon) colon = -1;
  const kind = colon === -1 ? undefined : value.slice(0, colon);
  const namespace = slash === -1 ? undefined : value.slice(colon + 1, slash);
  const name = value.slice(Math.max(colon + 1, slash + 1));
  const part = (s: string, re: RegExp) => s.length >= 1 && s.length <= 63 && re.test(s);
  if (kind !== undefined && !part(kind, /^[a-zA-Z][a-z0-9A-Z]*$/)) return hint;
  if (namespace !== undefined && !part(namespace, /^[a-z0-9]+(?:-+[a-z0-9]+)*$/)) return hint;
  return part(name, /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/) ? true : hint;
}

/**
 * A ServiceMonitor selects the Service of --kubernetes and scrapes the /metrics of --metrics
 * prometheus: without either it would be a manifest that scrapes nothing.
 */
export function serviceMonitorConflict(answers: {
  serviceMonitor?: boolean;
  kubernetes?: boolean;
  metrics?: string;
}): string | undefined {
  if (answers.serviceMonitor !== true) return undefined;
  if (answers.kubernetes === false)
    return 'Invalid --service-monitor without --kubernetes: the ServiceMonitor selects the Service in deploy/kubernetes; add --kubernetes, or drop --service-monitor.';
  if (answers.metrics === 'none')
    return 'Invalid --service-monitor with --metrics none: there is no /metrics to scrape; add --metrics prometheus, or drop --service-monitor.';
  return undefined;
}
