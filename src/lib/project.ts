/**
 * Reads an existing Go module from disk: go.mod directives, main packages, cgo use and whether the
 * code already has a `-healthcheck` flag. Pure functions over file contents plus one scanner.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modulePackages } from './packages.js';
import { detectPort } from './ports.js';

export { importsC } from './packages.js';

export interface GoMod {
  module: string;
  /** The `go` directive, e.g. `1.22` or `1.22.3`. */
  go?: string;
  /** The `toolchain` directive without its `go` prefix, e.g. `1.23.4`. */
  toolchain?: string;
  /** `indirect`: marked `// indirect`, i.e. no package of this module imports it. */
  requires: { path: string; version: string; indirect?: boolean }[];
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

const requireOf = (path: string, version: string, raw: string): GoMod['requires'][number] =>
  /\/\/\s*indirect\s*(?:;.*)?$/.test(raw)
    ? { path: unquote(path), version, indirect: true }
    : { path: unquote(path), version };

/**
 * Parses go.mod text (module, go, toolchain, require). Throws a ProjectError naming the line.
 * One function over 60 lines on purpose: a single pass over the lines with the block state
 * (inside `require (`) in view, as the go.mod grammar reads.
 */
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
        mod.requires.push(requireOf(path, version, raw));
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
        mod.requires.push(requireOf(path, version, raw));
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

const PACKAGE_MAIN_DIR = /^(?:\.|cmd\/[^/]+)$/;
// flag.Bool("healthcheck", …) or, on a FlagSet, fs.BoolVar(&x, "healthcheck", …).
const HEALTHCHECK_FLAG = /\.(?:Bool|BoolVar|Func|BoolFunc)\(\s*(?:&?[\w.]+\s*,\s*)?"healthcheck"/;

export interface Project {
  mod: GoMod;
  goVersion: string | undefined;
  /** Main packages as `.` or `./cmd/<name>`. */
  mains: string[];
  /** Why the project needs cgo (files importing "C", cgo-only requires); empty when it does not. */
  cgoReasons: string[];
  /** Cgo-only modules go.mod requires `// indirect`: needed by a dependency, maybe with cgo. */
  indirectCgo: string[];
  /** Main packages that define a `-healthcheck` flag. */
  healthcheckMains: string[];
  /** Main packages that mention a health endpoint path. */
  healthEndpointMains: string[];
  /** Which of the Kubernetes probes' paths (/healthz, /readyz) each main package mentions. */
  probePaths: Record<string, string[]>;
  /** The port found in a main package's code, per main. */
  ports: Record<string, number>;
  /** Where each of `ports` came from (a literal, a flag's or variable's default). */
  portSources: Record<string, string>;
  /** `//go:embed` patterns, relative to the module root (without `all:`). */
  embeds: string[];
  /** The code calls time.LoadLocation and does not import time/tzdata. */
  loadsLocation: boolean;
  hasVendor: boolean;
}

/** The paths the generated Kubernetes probes GET: liveness and startup, readiness. */
export const PROBE_PATHS = ['/healthz', '/readyz'] as const;

/** `.` or `./cmd/api` for a package folder relative to root. */
const pkgPath = (dir: string): string => (dir === '.' ? '.' : `./${dir}`);
const fileIn = (dir: string, file: string): string => (dir === '.' ? file : `${dir}/${file}`);

/** Reads the Go module at root. Throws ProjectError when there is no or a broken go.mod. */
export function readProject(root: string, options: { useGo?: boolean } = {}): Project {
  const goModPath = join(root, 'go.mod');
  if (!existsSync(goModPath)) throw new ProjectError(`no go.mod in ${root}: run this in the root of a Go module`);
  const mod = parseGoMod(readFileSync(goModPath, 'utf8'));
  const packages = modulePackages(root, options);
  const read = (dir: string, files: string[]): string =>
    files.map((f) => readFileSync(join(root, dir, f), 'utf8')).join('\n');
  const project: Project = {
    mod,
    goVersion: buildGoVersion(mod),
    mains: [],
    cgoReasons: [],
    indirectCgo: [],
    healthcheckMains: [],
    healthEndpointMains: [],
    probePaths: {},
    ports: {},
    portSources: {},
    embeds: [],
    loadsLocation: false,
    hasVendor: existsSync(join(root, 'vendor', 'modules.txt')),
  };
  const mains = packages.filter((p) => p.name === 'main' && PACKAGE_MAIN_DIR.test(p.dir));
  for (const p of mains.sort((a, b) => (a.dir === '.' ? -1 : b.dir === '.' ? 1 : a.dir < b.dir ? -1 : 1))) {
    const pkg = pkgPath(p.dir);
    const all = read(p.dir, p.files);
    project.mains.push(pkg);
    if (HEALTHCHECK_FLAG.test(all)) project.healthcheckMains.push(pkg);
    if (/"(?:GET )?\/(?:healthz|health|livez)"/.test(all)) project.healthEndpointMains.push(pkg);
    project.probePaths[pkg] = PROBE_PATHS.filter((path) => new RegExp(`"(?:GET )?${path}"`).test(all));
    const port = detectPort(all);
    if (port) {
      project.ports[pkg] = port.port;
      project.portSources[pkg] = port.from;
    }
  }
  let tzdata = false;
  for (const p of packages) {
    for (const f of p.cgoFiles) project.cgoReasons.push(`${fileIn(p.dir, f)} imports "C"`);
    for (const e of p.embedPatterns) project.embeds.push(fileIn(p.dir, e.replace(/^all:/, '')));
    const all = read(p.dir, p.files);
    if (/\btime\.LoadLocation\(/.test(all)) project.loadsLocation = true;
    if (/^\s*(?:import\s+)?_\s+"time\/tzdata"/m.test(all)) tzdata = true;
  }
  if (tzdata) project.loadsLocation = false;
  project.embeds = [...new Set(project.embeds)].sort();
  for (const req of mod.requires) {
    if (!CGO_ONLY_MODULES.includes(req.path)) continue;
    // Indirect: no package here imports it; a dependency may, and then says so when built.
    if (req.indirect) project.indirectCgo.push(req.path);
    else project.cgoReasons.push(`go.mod requires ${req.path}, which needs cgo`);
  }
  return project;
}
