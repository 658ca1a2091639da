// What test/fuzz.test.mjs throws at each option: generated values, by channel (a flag is text or a
// boolean, a JSON file holds any JSON value, a prompt answer is what its question type returns),
// and the classes of accepted values that get a project each. Near-valid values are generated
// from each option's grammar, so that a good share is accepted and the rest sit on the borders.
import fc from 'fast-check';
import { BASES } from '../../dist/image/images.js';
import { BOTS, CI_KINDS } from '../../dist/image/ci.js';
import { NAME_RE } from '../../dist/options/validate.js';
import { LIFECYCLES, METRICS_KINDS, TRACING_KINDS } from '../../dist/options/types.js';

/** Text a user can type or paste: any code point, controls and bidi overrides included. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({
    unit: fc.constantFrom('\n', '\r', '\t', '\u0000', '\u001b', '\u007f', '\u009b', '\u2028', '\u202e', 'a', '.'),
    maxLength: 8,
  }),
  fc.string({ unit: 'binary-ascii', minLength: 100, maxLength: 400 }),
);

/** Any JSON value (what a preset or .yo-rc.json may hold under a key). */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, [], {}, ''),
);

/** `s` with one character changed, inserted or dropped: the border of a grammar. */
const mutated = (arb) =>
  fc
    .tuple(arb, fc.nat(), fc.constantFrom('', 'A', '-', '.', '_', '/', ' ', '\n', '~', 'é', '..', '\u0000'))
    .map(([s, at, c]) => {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      return at % 3 === 0
        ? s.slice(0, i) + c + s.slice(i)
        : at % 3 === 1
          ? s.slice(0, i) + c + s.slice(i + 1)
          : s.slice(0, i) + s.slice(i + 1);
    });

const element = fc.stringMatching(/^[A-Za-z0-9._~-]{1,10}$/);
const host = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}(\.[a-z0-9-]{1,6}){0,2}$/);
const modulePath = fc
  .tuple(host, fc.array(element, { maxLength: 3 }), fc.option(fc.integer({ min: 0, max: 12 })))
  .map(([h, rest, major]) => [h, ...rest, ...(major === null ? [] : [`v${major}`])].join('/'));

const goVersion = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 40 }), fc.option(fc.integer({ min: 0, max: 20 })))
    .map(([n, p]) => (p === null ? `1.${n}` : `1.${n}.${p}`)),
  fc.constantFrom(
    '1.22',
    '1.26',
    '1.27',
    '1.26.8',
    '1.26.9',
    'go1.23',
    ' 1.23 ',
    '1.23rc1',
    '01.23',
    '1.023',
    '2.0',
    '1',
  ),
);

const port = fc.oneof(fc.integer({ min: -10, max: 70000 }), fc.constantFrom(1, 80, 1023, 1024, 8080, 65535, 65536, 0));
const portText = fc.oneof(
  port.map(String),
  fc.constantFrom('0x1F90', '8080 ', ' 8080', '+80', '1e3', '80.0', '٨٠٨٠', '08080', '-1', ''),
);

const boolText = fc.constantFrom('true', 'false', 'TRUE', 'yes', 'no', '1', '0', '', ' true');
const boolJson = fc.oneof(fc.boolean(), boolText, fc.constantFrom(0, 1, null));

const main = fc.oneof(
  fc.constantFrom('.', './cmd/a', './cmd/b', 'cmd/a', './cmd/a/', 'cmd/b//', './cmd/c', '../x', './cmd/../a', './', ''),
  fc.stringMatching(/^(\.\/)?[a-z.]{1,4}(\/[a-z.]{1,4}){0,2}\/?$/),
);

/** Backstage entity references, `[kind:][namespace/]name`, each part near the catalog's rules. */
const entityRef = fc
  .tuple(
    fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/), { nil: undefined }),
    fc.option(fc.stringMatching(/^[a-z0-9]+(-[a-z0-9]+)?$/), { nil: undefined }),
    fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/),
  )
  .map(([kind, ns, name]) => `${kind ? `${kind}:` : ''}${ns ? `${ns}/` : ''}${name}`);

/** Near-valid values of each option, as text (a flag or an input prompt). */
const NEAR_TEXT = {
  name: fc.oneof(
    fc.stringMatching(NAME_RE),
    mutated(fc.stringMatching(NAME_RE)),
    fc.stringMatching(/^[a-z0-9]{60,66}$/),
  ),
  modulePath: fc.oneof(
    modulePath,
    mutated(modulePath),
    fc.constantFrom('fmt', 'net/http', 'std', 'cmd/go', 'a/v1', 'a/v2', 'con.x/y', 'x/COM1', 'x/gopher~1'),
  ),
  goVersion: fc.oneof(goVersion, mutated(goVersion)),
  base: fc.oneof(
    fc.constantFrom(...BASES, 'Alpine', ' alpine', 'ubuntu', 'distroless:nonroot', ''),
    mutated(fc.constantFrom(...BASES)),
  ),
  port: portText,
  healthcheck: boolText,
  main: fc.oneof(main, mutated(main)),
  cgo: boolText,
  ci: fc.oneof(fc.constantFrom(...CI_KINDS, 'GitHub', ' gitlab', 'jenkins', ''), mutated(fc.constantFrom(...CI_KINDS))),
  bot: fc.oneof(fc.constantFrom(...BOTS, 'Renovate', 'snyk', ''), mutated(fc.constantFrom(...BOTS))),
  kubernetes: boolText,
  compose: boolText,
  metrics: fc.oneof(
    fc.constantFrom(...METRICS_KINDS, 'Prometheus', ' none', 'statsd', ''),
    mutated(fc.constantFrom(...METRICS_KINDS)),
  ),
  tracing: fc.oneof(
    fc.constantFrom(...TRACING_KINDS, 'OTel', 'jaeger', ' otel', ''),
    mutated(fc.constantFrom(...TRACING_KINDS)),
  ),
  pprof: boolText,
  openapi: boolText,
  serviceMonitor: boolText,
  backstage: boolText,
  owner: fc.oneof(entityRef, mutated(entityRef)),
  system: fc.oneof(fc.constant(''), entityRef, mutated(entityRef)),
  lifecycle: fc.oneof(
    fc.constantFrom(...LIFECYCLES, 'Production', 'beta', ''),
    mutated(fc.constantFrom(...LIFECYCLES)),
  ),
};

/** Near-valid values as a JSON file holds them: typed values, and the same as text. */
const NEAR_JSON = {
  ...NEAR_TEXT,
  port: fc.oneof(port, fc.double({ min: -1, max: 70000 }), portText),
  healthcheck: boolJson,
  cgo: boolJson,
  kubernetes: boolJson,
  compose: boolJson,
  pprof: boolJson,
  openapi: boolJson,
  serviceMonitor: boolJson,
  backstage: boolJson,
};

const weighted = (near, junk) => fc.oneof({ arbitrary: near, weight: 4 }, { arbitrary: junk, weight: 1 });

/** The arbitrary for one option through one channel. */
export function valuesFor(name, channel, kind) {
  if (channel === 'flag') {
    // The CLI gives text, and a boolean for --x / --no-x.
    return kind === 'boolean'
      ? weighted(fc.oneof(fc.boolean(), boolText), hostileText)
      : weighted(NEAR_TEXT[name], hostileText);
  }
  if (channel === 'prompt') {
    // confirm answers a boolean; input and select answer text (a fake prompt may answer anything).
    return kind === 'boolean'
      ? weighted(fc.boolean(), anyJson)
      : weighted(NEAR_TEXT[name], fc.oneof(hostileText, anyJson));
  }
  return weighted(NEAR_JSON[name], fc.oneof(hostileText, anyJson));
}

/** The class of an accepted value: one generated project per class shows the whole class works. */
export function classOf(name, value) {
  switch (name) {
    case 'name': {
      const seps = new Set((value.match(/__|[._]|-+/g) ?? []).map((s) => (s.startsWith('-') ? '-' : s)));
      return `${[...seps].sort().join('') || 'plain'}${value.length === 63 ? ' longest' : ''}`;
    }
    case 'modulePath': {
      const elems = value.split('/');
      const traits = [
        elems.length > 1 ? 'nested' : 'single',
        elems[0].includes('.') ? 'host' : 'nohost',
        /\/v[0-9]+$/.test(value) ? 'major' : '',
        /[A-Z~_]/.test(value) ? 'odd' : '',
      ];
      return traits.filter(Boolean).join(' ');
    }
    case 'goVersion':
      return value.split('.').length === 3 ? '1.N.P' : '1.N';
    case 'port':
      return value === 1 ? 'min' : value === 65535 ? 'max' : value < 1024 ? 'privileged' : 'unprivileged';
    case 'owner':
    case 'system':
      // The shape: which parts the reference names (one project per shape).
      return value === '' ? 'none' : `${value.includes(':') ? 'kind:' : ''}${value.includes('/') ? 'ns/' : ''}name`;
    case 'main':
      return value === '.'
        ? 'root'
        : /^\.\/cmd\/[ab]$/.test(value)
          ? 'a main of the fixture'
          : 'not a main of the fixture';
    default:
      return String(value);
  }
}
