/**
 * Reads an existing Go module from disk: go.mod directives, main packages, cgo use and whether the
 * code already has a `-healthcheck` flag. Pure functions over file contents plus one scanner.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, decodeUtf8, readBounded } from '../io/fs-safety.js';
import { modulePackages, readSource } from './packages.js';
import { detectPort } from './ports.js';
import {
  runtimeLiterals,
  runtimePaths,
  type RuntimeLiteral,
  type RuntimePath,
  type RuntimeRefusal,
} from './runtime-files.js';
import { excerpt, printable, quoteValue } from '../messages/quote.js';
import { validateMainPackage } from '../options/validate.js';

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
        if (!path || !version) throw new ProjectError(`cannot parse ${where}: ${excerpt(raw)} is not "path version"`);
        mod.requires.push(requireOf(path, version, raw));
      }
      continue;
    }
    const m = /^([a-z]+)\s*(.*)$/.exec(line);
    if (!m) throw new ProjectError(`cannot parse ${where}: ${excerpt(raw)}`);
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
        if (!VERSION_RE.test(rest))
          throw new ProjectError(`cannot parse ${where}: invalid go version ${excerpt(rest)}`);
        mod.go = rest;
        break;
      case 'toolchain': {
        const v = rest.replace(/^go/, '');
        if (rest !== 'default' && !VERSION_RE.test(v))
          throw new ProjectError(`cannot parse ${where}: invalid toolchain ${excerpt(rest)}`);
        if (rest !== 'default') mod.toolchain = v;
        break;
      }
      case 'require': {
        const [path, version] = rest.split(/\s+/);
        if (!path || !version)
          throw new ProjectError(`cannot parse ${where}: ${excerpt(raw)} is not "require path version"`);
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
        throw new ProjectError(`cannot parse ${where}: unknown directive ${excerpt(verb ?? '')}`);
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
  /** Main packages as `.` or `./cmd/<name>`, each accepted by --main's rules. */
  mains: string[];
  /** Main packages whose folder name --main's rules refuse (never written anywhere). */
  refusedMains: string[];
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
  /** Files and folders the code reads at run time through a relative path (runtime-files.ts). */
  runtimePaths: RuntimePath[];
  /** Such paths that are not copied into the image, and why. */
  runtimeRefused: RuntimeRefusal[];
  /** The code calls time.LoadLocation and does not import time/tzdata. */
  loadsLocation: boolean;
  hasVendor: boolean;
}

/** The paths the generated Kubernetes probes GET: liveness and startup, readiness. */
export const PROBE_PATHS = ['/healthz', '/readyz'] as const;

/** `.` or `./cmd/api` for a package folder relative to root. */
const pkgPath = (dir: string): string => (dir === '.' ? '.' : `./${dir}`);
const fileIn = (dir: string, file: string): string => (dir === '.' ? file : `${dir}/${file}`);

/**
 * A `//go:embed` pattern as .dockerignore can carry it: one line (no control or invisible
 * character), not a comment or an exclusion of its own (`#`, `!`), no backslash (an escape in
 * .dockerignore) and no space at either end (trimmed there). Anything else is refused in one line.
 */
export function checkEmbedPattern(pattern: string, where: string): string {
  const bad = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\\]/u.test(pattern) || /^[#!]|^\s|\s$/.test(pattern) || pattern === '';
  if (bad) {
    throw new InputError(
      `Cannot use the //go:embed pattern ${quoteValue(pattern)} in ${where}: .dockerignore could not keep it as one line; use a plain path or glob (letters, digits, ./_-*?[]).`,
    );
  }
  return pattern;
}

/** The main packages go build may build, as `.` or `./cmd/<name>`; the rest, refused by --main's rules. */
function splitMains(dirs: string[]): { mains: string[]; refused: string[] } {
  const mains: string[] = [];
  const refused: string[] = [];
  for (const dir of dirs) {
    const pkg = pkgPath(dir);
    // The same checker as --main: a folder name that could break a RUN line never reaches one.
    (validateMainPackage(pkg) === true ? mains : refused).push(pkg);
  }
  return { mains, refused };
}

/** Reads the Go module at root. Throws ProjectError when there is no or a broken go.mod. */
export function readProject(root: string, options: { useGo?: boolean } = {}): Project {
  // Through the input rules: a regular file inside the module, at most 1 MiB, valid UTF-8 (a
  // go.mod linked to /proc/self/environ is refused, never read and never quoted).
  const goModBytes = readBounded(join(root, 'go.mod'), 'go.mod', { root });
  if (goModBytes === undefined)
    throw new ProjectError(`no go.mod in ${quoteValue(root)}: run this in the root of a Go module`);
  const mod = parseGoMod(decodeUtf8(goModBytes, 'go.mod'));
  const packages = modulePackages(root, options);
  const sources = (dir: string, files: string[]): string[] => files.map((f) => readSource(root, fileIn(dir, f)));
  const project: Project = {
    mod,
    goVersion: buildGoVersion(mod),
    mains: [],
    refusedMains: [],
    cgoReasons: [],
    indirectCgo: [],
    healthcheckMains: [],
    healthEndpointMains: [],
    probePaths: {},
    ports: {},
    portSources: {},
    embeds: [],
    runtimePaths: [],
    runtimeRefused: [],
    loadsLocation: false,
    hasVendor: existsSync(join(root, 'vendor', 'modules.txt')),
  };
  const mainDirs = packages
    .filter((p) => p.name === 'main' && PACKAGE_MAIN_DIR.test(p.dir))
    .sort((a, b) => (a.dir === '.' ? -1 : b.dir === '.' ? 1 : a.dir < b.dir ? -1 : 1));
  const { refused } = splitMains(mainDirs.map((p) => p.dir));
  project.refusedMains = refused;
  for (const p of mainDirs) {
    const pkg = pkgPath(p.dir);
    if (refused.includes(pkg)) continue;
    const files = sources(p.dir, p.files);
    const any = (re: RegExp): boolean => files.some((f) => re.test(f));
    project.mains.push(pkg);
    if (any(HEALTHCHECK_FLAG)) project.healthcheckMains.push(pkg);
    if (any(/"(?:GET )?\/(?:healthz|health|livez)"/)) project.healthEndpointMains.push(pkg);
    project.probePaths[pkg] = PROBE_PATHS.filter((path) => any(new RegExp(`"(?:GET )?${path}"`)));
    const port = detectPort(files);
    if (port) {
      project.ports[pkg] = port.port;
      project.portSources[pkg] = port.from;
    }
  }
  let tzdata = false;
  const literals: RuntimeLiteral[] = [];
  for (const p of packages) {
    for (const f of p.cgoFiles) project.cgoReasons.push(`${printable(fileIn(p.dir, f))} imports "C"`);
    for (const e of p.embedPatterns) {
      project.embeds.push(fileIn(p.dir, checkEmbedPattern(e.replace(/^all:/, ''), quoteValue(pkgPath(p.dir)))));
    }
    for (const f of p.files) {
      const source = readSource(root, fileIn(p.dir, f));
      literals.push(...runtimeLiterals(source, fileIn(p.dir, f)));
      if (/\btime\.LoadLocation\(/.test(source)) project.loadsLocation = true;
      // [ \t], not \s: a \s* at each line start would rescan every run of blank lines (quadratic).
      if (/^[ \t]*(?:import[ \t]+)?_[ \t]+"time\/tzdata"/m.test(source)) tzdata = true;
    }
  }
  if (tzdata) project.loadsLocation = false;
  project.embeds = [...new Set(project.embeds)].sort();
  const runtime = runtimePaths(root, literals, project.embeds);
  project.runtimePaths = runtime.paths;
  project.runtimeRefused = runtime.refused;
  for (const req of mod.requires) {
    if (!CGO_ONLY_MODULES.includes(req.path)) continue;
    // Indirect: no package here imports it; a dependency may, and then says so when built.
    if (req.indirect) project.indirectCgo.push(req.path);
    else project.cgoReasons.push(`go.mod requires ${req.path}, which needs cgo`);
  }
  return project;
}
