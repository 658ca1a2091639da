/**
 * The port a main package listens on, read from its source: a `":8080"` literal, else the default
 * of a port flag or of a PORT environment variable. Patterns, not a parser: each one is the shape
 * real services use, and anything else is reported as assumed.
 */
import { validatePort } from './options.js';

export interface DetectedPort {
  port: number;
  /** Where it came from, for the end message: e.g. `the -port flag's default`. */
  from: string;
}

const NUM = '"?([0-9]{2,5})"?';
// An env lookup with a fallback: getEnv("X_PORT", "80"), envOr("PORT", 8080), env.Get("HTTP_PORT", "80").
const ENV_CALL = `[\\w.]+\\(\\s*"([A-Z0-9_]*PORT)"\\s*,\\s*${NUM}\\s*\\)`;
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
  /(\w+)\s*:?=\s*os\.Getenv\(\s*"([A-Z0-9_]*PORT)"\s*\)[\s\S]{0,200}?\bif\s+\1\s*==\s*""\s*\{\s*\1\s*=\s*"([0-9]{2,5})"/;
const PORT_LITERAL = /"(?:0\.0\.0\.0)?:([0-9]{2,5})"/;

const valid = (value: string | undefined): number | undefined =>
  value !== undefined && validatePort(Number(value)) === true ? Number(value) : undefined;

/** The port of a main package's concatenated source, or undefined when none of the shapes is there. */
export function detectPort(source: string): DetectedPort | undefined {
  const literal = valid(PORT_LITERAL.exec(source)?.[1]);
  if (literal) return { port: literal, from: `a ":${literal}" literal` };
  const flag = FLAG_DEFAULT.exec(source);
  if (flag) {
    const [, name, plain, env, envDefault] = flag;
    const port = valid(plain ?? envDefault);
    if (port) return { port, from: env ? `the ${env} default of the -${name} flag` : `the -${name} flag's default` };
  }
  for (const re of [ENV_DEFAULT, CMP_OR]) {
    const m = re.exec(source);
    const port = valid(m?.[2]);
    if (port) return { port, from: `the ${m![1]} environment variable's default` };
  }
  const m = GETENV_IF_EMPTY.exec(source);
  const port = valid(m?.[3]);
  return port ? { port, from: `the ${m![2]} environment variable's default` } : undefined;
}
