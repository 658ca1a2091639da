/**
 * Build constraints for when Go is not on PATH (go list applies them otherwise): a file's
 * `//go:build` line and its `_GOOS` / `_GOARCH` name suffix, evaluated for the image's linux with
 * cgo, the host's architecture and every go1.N tag. Old `// +build` lines are not read.
 */

const KNOWN_OS = new Set(
  'aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos'.split(
    ' ',
  ),
);
const KNOWN_ARCH = new Set(
  '386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm'.split(
    ' ',
  ),
);

/** Node's architecture name as GOARCH. */
export function goArch(arch: string = process.arch): string {
  return ({ x64: 'amd64', ia32: '386' } as Record<string, string>)[arch] ?? arch;
}

/** Is the tag set for a linux build with cgo on arch? */
function tagSet(tag: string, arch: string): boolean {
  return ['linux', 'unix', 'gc', 'cgo', arch].includes(tag) || /^go1\.[0-9]+$/.test(tag);
}

/** Evaluates a `//go:build` expression (`!`, `&&`, `||`, parentheses); a malformed one is false, as go build rejects it. */
export function evalBuildExpr(expr: string, arch: string = goArch()): boolean {
  const tokens = expr.match(/&&|\|\||[!()]|[\w.]+|\S/g) ?? [];
  let i = 0;
  const fail = (): never => {
    throw new Error('bad constraint');
  };
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === '||') {
      i++;
      v = and() || v;
    }
    return v;
  };
  const and = (): boolean => {
    let v = not();
    while (tokens[i] === '&&') {
      i++;
      v = not() && v;
    }
    return v;
  };
  const not = (): boolean => {
    const t = tokens[i++] ?? fail();
    if (t === '!') return !not();
    if (t === '(') {
      const v = or();
      if (tokens[i++] !== ')') fail();
      return v;
    }
    return /^[\w.]+$/.test(t) ? tagSet(t, arch) : fail();
  };
  try {
    const v = or();
    return i === tokens.length && v;
  } catch {
    return false;
  }
}

/** Does a file named name (e.g. `x_windows.go`) with this source build for linux on arch? */
export function fileBuilds(name: string, source: string, arch: string = goArch()): boolean {
  const parts = name.replace(/\.go$/, '').split('_').slice(1);
  const last = parts.at(-1);
  const before = parts.at(-2);
  if (last && KNOWN_ARCH.has(last)) {
    if (last !== arch) return false;
    if (before && KNOWN_OS.has(before) && before !== 'linux') return false;
  } else if (last && KNOWN_OS.has(last) && last !== 'linux') return false;
  // [ \t], not \s: a \s* at each line start would rescan every run of blank lines (quadratic).
  const header = source.split(/^[ \t]*package[ \t]/m)[0] ?? '';
  const line = /^\/\/go:build[ \t]+(.*)$/m.exec(header);
  return line ? evalBuildExpr(line[1]!.trim(), arch) : true;
}
