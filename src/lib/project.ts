/**
 * Reads an existing Go module from disk: go.mod directives, main packages, cgo use and whether the
 * code already has a `-healthcheck` flag. Pure functions over file contents plus one scanner.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { validatePort } from './options.js';

export interface GoMod {
  module: string;
  /** The `go` directive, e.g. `1.22` or `1.22.3`. */
  go?: string;
  /** The `toolchain` directive without its `go` prefix, e.g. `1.23.4`. */
  toolchain?: string;
  requires: { path: string; version: string }[];
}

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

const VERSION_RE = /^1\.(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:(?:rc|beta)[0-9]+)?$/;

/** Strips a `//` comment, keeping `//` inside a quoted string. */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"' && line[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && c === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}

const unquote = (s: string): string => (s.startsWith('"') || s.startsWith('`') ? s.slice(1, -1) : s);

/** Parses go.mod text (module, go, toolchain, require). Throws a ProjectError naming the line. */
export function parseGoMod(text: string, file = 'go.mod'): GoMod {
  const mod: GoMod = { module: '', requires: [] };
  let block: string | undefined;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = stripComment(raw).trim();
    if (line === '') continue;
    const where = `${file}:${index + 1}`;
    if (block) {
      if (line === ')') {
        block = undefined;
        continue;
      }
      if (block === 'require') {
        const [path, version] = line.split(/\s+/);
        if (!path || !version) throw new ProjectError(`cannot parse ${where}: "${raw.trim()}" is not "path version"`);
        mod.requires.push({ path: unquote(path), version });
      }
      continue;
    }
    const m = /^([a-z]+)\s*(.*)$/.exec(line);
    if (!m) throw new ProjectError(`cannot parse ${where}: "${raw.trim()}"`);
    const [, verb, rest = ''] = m;
    if (rest === '(') {
      block = verb;
      continue;
    }
    switch (verb) {
      case 'module':
        mod.module = unquote(rest.trim());
        break;
      case 'go':
        if (!VERSION_RE.test(rest)) throw new ProjectError(`cannot parse ${where}: invalid go version "${rest}"`);
        mod.go = rest;
        break;
      case 'toolchain': {
        const v = rest.replace(/^go/, '');
        if (rest !== 'default' && !VERSION_RE.test(v))
          throw new ProjectError(`cannot parse ${where}: invalid toolchain "${rest}"`);
        if (rest !== 'default') mod.toolchain = v;
        break;
      }
      case 'require': {
        const [path, version] = rest.split(/\s+/);
        if (!path || !version)
          throw new ProjectError(`cannot parse ${where}: "${raw.trim()}" is not "require path version"`);
        mod.requires.push({ path: unquote(path), version });
        break;
      }
      case 'replace':
      case 'exclude':
      case 'retract':
      case 'godebug':
      case 'tool':
      case 'ignore':
        break;
      default:
        throw new ProjectError(`cannot parse ${where}: unknown directive "${verb}"`);
    }
  }
  if (block) throw new ProjectError(`cannot parse ${file}: unclosed "${block} (" block`);
  if (!mod.module) throw new ProjectError(`cannot parse ${file}: no module directive`);
  return mod;
}

/**
 * The Go version the image builds with, from go.mod: the toolchain directive when there is one
 * (it names the exact version `go build` uses), else the go directive's `1.N`. The go line is a
 * minimum, not a pin: `go 1.25.0` builds on the 1.25 image (its newest patch, with the security
 * fixes since 1.25.0).
 */
export function buildGoVersion(mod: GoMod): string | undefined {
  // A prerelease has no -alpine image tag of the same shape: keep its 1.N.
  if (mod.toolchain) return mod.toolchain.replace(/(rc|beta)[0-9]+$/, '').replace(/^(1\.[0-9]+)\.$/, '$1');
  return mod.go ? /^1\.[0-9]+/.exec(mod.go)?.[0] : undefined;
}

/** Modules that only work with cgo (a C library is linked in). */
export const CGO_ONLY_MODULES = [
  'github.com/mattn/go-sqlite3',
  'github.com/confluentinc/confluent-kafka-go',
  'github.com/confluentinc/confluent-kafka-go/v2',
  'github.com/google/gopacket/pcap',
  'github.com/go-gl/glfw',
  'github.com/tecbot/gorocksdb',
  'github.com/linxGnu/grocksdb',
];

/** Does Go source import "C"? (single import or inside an import block) */
export function importsC(source: string): boolean {
  if (/^\s*import\s+"C"/m.test(source)) return true;
  for (const block of source.matchAll(/^\s*import\s*\(([\s\S]*?)\)/gm)) {
    if (/^\s*(?:[A-Za-z_.]+\s+)?"C"\s*(?:\/\/.*)?$/m.test(block[1] ?? '')) return true;
  }
  return false;
}

const PACKAGE_MAIN = /^\s*package\s+main\b/m;
// flag.Bool("healthcheck", …) or, on a FlagSet, fs.BoolVar(&x, "healthcheck", …).
const HEALTHCHECK_FLAG = /\.(?:Bool|BoolVar|Func|BoolFunc)\(\s*(?:&?[\w.]+\s*,\s*)?"healthcheck"/;
const PORT_LITERAL = /"(?:0\.0\.0\.0)?:([0-9]{2,5})"/;

export interface Project {
  mod: GoMod;
  goVersion: string | undefined;
  /** Main packages as `.` or `./cmd/<name>`. */
  mains: string[];
  /** Why the project needs cgo (files importing "C", cgo-only requires); empty when it does not. */
  cgoReasons: string[];
  /** Main packages that define a `-healthcheck` flag. */
  healthcheckMains: string[];
  /** Main packages that mention a health endpoint path. */
  healthEndpointMains: string[];
  /** A port literal like ":8080" found in a main package, per main. */
  ports: Record<string, number>;
  hasVendor: boolean;
}

function goFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

const SKIP_DIRS = new Set(['vendor', 'testdata', 'node_modules', '.git', 'bin', 'dist']);

/** Every non-test .go file under root, skipping vendor/, testdata/ and hidden folders. */
function allGoFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.') && !e.name.startsWith('_')) walk(join(dir, e.name));
      } else if (e.name.endsWith('.go') && !e.name.endsWith('_test.go')) out.push(join(dir, e.name));
    }
  };
  walk(root);
  return out;
}

/** Reads the Go module at root. Throws ProjectError when there is no or a broken go.mod. */
export function readProject(root: string): Project {
  const goModPath = join(root, 'go.mod');
  if (!existsSync(goModPath)) throw new ProjectError(`no go.mod in ${root}: run this in the root of a Go module`);
  const mod = parseGoMod(readFileSync(goModPath, 'utf8'));
  const candidates = ['.'];
  if (existsSync(join(root, 'cmd')) && statSync(join(root, 'cmd')).isDirectory()) {
    for (const e of readdirSync(join(root, 'cmd'), { withFileTypes: true })) {
      if (e.isDirectory()) candidates.push(`./cmd/${e.name}`);
    }
  }
  const mains: string[] = [];
  const healthcheckMains: string[] = [];
  const healthEndpointMains: string[] = [];
  const ports: Record<string, number> = {};
  for (const pkg of candidates) {
    const sources = goFiles(join(root, pkg)).map((f) => readFileSync(f, 'utf8'));
    if (!sources.some((s) => PACKAGE_MAIN.test(s))) continue;
    mains.push(pkg);
    const all = sources.join('\n');
    if (HEALTHCHECK_FLAG.test(all)) healthcheckMains.push(pkg);
    if (/"(?:GET )?\/(?:healthz|health|livez)"/.test(all)) healthEndpointMains.push(pkg);
    const port = PORT_LITERAL.exec(all)?.[1];
    if (port && validatePort(Number(port)) === true) ports[pkg] = Number(port);
  }
  const cgoReasons: string[] = [];
  for (const file of allGoFiles(root)) {
    if (importsC(readFileSync(file, 'utf8'))) cgoReasons.push(`${file.slice(root.length + 1)} imports "C"`);
  }
  for (const req of mod.requires) {
    if (CGO_ONLY_MODULES.includes(req.path)) cgoReasons.push(`go.mod requires ${req.path}, which needs cgo`);
  }
  return {
    mod,
    goVersion: buildGoVersion(mod),
    mains,
    cgoReasons,
    healthcheckMains,
    healthEndpointMains,
    ports,
    hasVendor: existsSync(join(root, 'vendor', 'modules.txt')),
  };
}
