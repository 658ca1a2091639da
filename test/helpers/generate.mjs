// Shared by the test files: paths, and running the generator through yeoman-test.
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import helpers from 'yeoman-test';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const APP = fileURLToPath(new URL('../../dist/generators/app/index.js', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Answers that make a run independent of the machine (no local-Go lookup). */
export const FIXED = { goVersion: '1.23' };

/** Pretends stdin is a terminal, so the generator prompts (yeoman-test answers the prompts). */
export function withTty(value = true) {
  const before = process.stdin.isTTY;
  process.stdin.isTTY = value;
  return () => {
    process.stdin.isTTY = before;
  };
}

/** For every test of the enclosing describe: stdin is a terminal (restored after the suite). */
export function ttyInSuite() {
  /** @type {() => void} */
  let restore;
  before(() => {
    restore = withTty();
  });
  after(() => restore());
}

/**
 * A non-interactive run with --yes and the given flags.
 * @param {Record<string, unknown>} [options]
 */
export function runYes(options = {}) {
  // yeoman-test types only yeoman's own options; ours are the generator's
  const all = /** @type {import('yeoman-generator').BaseOptions} */ (
    /** @type {unknown} */ ({ yes: true, skipInstall: true, ...FIXED, ...options })
  );
  return helpers.run(APP).withOptions(all);
}

export { helpers };

export const DOCKER = fileURLToPath(new URL('../../dist/generators/docker/index.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
