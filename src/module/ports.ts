/**
 * The port a main package listens on, read from its source: a `":8080"` literal, else the default
 * of a port flag or of a PORT environment variable. Patterns, not a parser: each one is the shape
 * real services use, and anything else is reported as assumed.
 */
import { validatePort } from '../options/table.js';

export interface DetectedPort {
  port: number;
  /** Where it came from, for the end message: e.g. `the -port flag's default`. */
  from: string;
}

const NUM = '"?([0-9]{2,5})"?';
// An env lookup with a fallback: getEnv("X_PORT", "80"), envOr("PORT", 8080), env.Get("HTTP_PORT", "80").
// The lookbehind starts the name only at the start of a run of name characters: without it, a
// long run (a 100 KB string literal) is rescanned from each of its characters (quadratic).
const ENV_CALL = `(?<![\\w.])[\\w.]+\\(\\s*"([A-Z0-9_]*PORT)"\\s*,\\s*${NUM}\\s*\\)`;
const FLAG_NAME = '"((?:[\\w-]*-)?[pP]ort|[a-z]+Port)"';
// flag.Int("port", 8081, …), fs.IntVar(&p, "port", 8081, …), flag.String("port", "8081", …).
const FLAG_DEFAULT = new RegExp(
  `\\.(?:Int|IntVar|Uint|UintVar|String|StringVar)\\(\\s*(?:&?[\\w.]+\\s*,\\s*)?${FLAG_NAME}\\s*,\\s*(?:${NUM}|${ENV_CALL})\\s*,`,
);
const ENV_DEFAULT = new RegExp(ENV_CALL);
// cmp.Or(os.Getenv("PORT"), "8080")
const CMP_OR = /cmp\.Or\(\s*os\.Getenv\(\s*"([A-Z0-9_]*PORT)"\s*\)\s*,\s*"([0-9]{2,5})"\s*\)/;
// port := os.Getenv("PORT"); if port == "" { port = "8080" }
const GETENV_IF_EMPTY =
  /\b(\w+)\s*:?=\s*os\.Getenv\(\s*"([A-Z0-9_]*PORT)"\s*\)[\s\S]{0,200}?\bif\s+\1\s*==\s*""\s*\{\s*\1\s*=\s*"([0-9]{2,5})"/;
const PORT_LITERAL = /"(?:0\.0\.0\.0)?:([0-9]{2,5})"/;

const valid = (value: string | undefined): number | undefined =>
  value !== undefined && validatePort(Number(value)) === true ? Number(value) : undefined;

/**
 * The port of a main package's source (one string, or its files in order), or undefined when none
 * of the shapes is there. Each pattern is linear in the source: no nested or overlapping unbounded
 * runs, and every unanchored one starts at a literal or a word boundary.
 */
export function detectPort(sources: string | readonly string[]): DetectedPort | undefined {
  const files = typeof sources === 'string' ? [sources] : sources;
  for (const shape of SHAPES) {
    for (const source of files) {
      const found = shape(source);
      if (found) return found;
    }
  }
  return undefined;
}

/** The shapes, most specific first: a literal wins over a flag's default, which wins over an environment default. */
const SHAPES: ((source: string) => DetectedPort | undefined)[] = [
  (source) => {
    const literal = valid(PORT_LITERAL.exec(source)?.[1]);
    return literal ? { port: literal, from: `a ":${literal}" literal` } : undefined;
  },
  (source) => {
    const flag = FLAG_DEFAULT.exec(source);
    if (!flag) return undefined;
    const [, name, plain, env, envDefault] = flag;
    const port = valid(plain ?? envDefault);
    if (!port) return undefined;
    return { port, from: env ? `the ${env} default of the -${name} flag` : `the -${name} flag's default` };
  },
  (source) => {
    for (const re of [ENV_DEFAULT, CMP_OR]) {
      const m = re.exec(source);
      const port = valid(m?.[2]);
      if (port) return { port, from: `the ${m![1]} environment variable's default` };
    }
    return undefined;
  },
  (source) => {
    const m = GETENV_IF_EMPTY.exec(source);
    const port = valid(m?.[3]);
    return port ? { port, from: `the ${m![2]} environment variable's default` } : undefined;
  },
];
