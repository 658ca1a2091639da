// Finding the tools the e2e proof needs, and the skip policy: on a developer's machine a missing
// tool skips with the reason; under CI=true or E2E=required it is a failure.
import { spawnSync } from 'node:child_process';

export { findGo } from './toolchains.mjs';

export const REQUIRED = process.env.CI === 'true' || process.env.E2E === 'required';

/** True when a command is on PATH. */
export function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The reason a test cannot run (missing tools), or undefined when it can. Under CI/E2E=required,
 * a missing tool throws, so the run fails instead of skipping.
 */
export function missing(reasons) {
  const list = reasons.filter(Boolean);
  if (list.length === 0) return undefined;
  const reason = `missing: ${list.join('; ')}`;
  if (REQUIRED)
    throw new Error(
      `${reason} (required because ${process.env.CI === 'true' ? 'CI=true' : 'E2E=required'}; run .ci/install-system)`,
    );
  return reason;
}

/** Environment for Go commands: the chosen toolchain first on PATH, and never the network. */
export function goEnv(goBin) {
  return {
    PATH: `${goBin}:${process.env.PATH}`,
    GOTOOLCHAIN: 'local',
    GOPROXY: 'off',
    GOFLAGS: '-mod=mod',
    GONOSUMDB: '*',
    GOSUMDB: 'off',
  };
}

/** uid and gid of `nobody`, which runs `yo` (it refuses root). */
export const NOBODY = 65534;

/**
 * The argv that runs a command as nobody with only the given environment (none of root's
 * npm_config_*, NODE_PATH, …): `setpriv --reuid … env K=V … cmd args`.
 */
export function asNobody(env, argv) {
  return [
    'setpriv',
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      'env',
      ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
      ...argv,
    ],
  ];
}
