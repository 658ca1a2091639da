// Finding the tools the e2e proof needs, and the skip policy: on a developer's machine a missing
// tool skips with the reason; under CI (CI=true or CI=1) or E2E=required it is a failure.
import { spawnSync } from 'node:child_process';
import { quote } from '../../engine/index.mjs';

export { findGo } from './toolchains.mjs';

/** Whether this is a CI run: CI=true (GitHub Actions, GitLab, …) or CI=1, in any case. */
export const isCI = () => /^(true|1)$/i.test(process.env.CI ?? '');

/** The one skip policy: under CI or E2E=required, a missing tool is a failure, not a skip. */
export const REQUIRED = isCI() || process.env.E2E === 'required';

/** True when a command is on PATH. @param {string} command */
export function have(command) {
  return spawnSync('sh', ['-c', `command -v ${quote(command)}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The reason a test cannot run (missing tools), or undefined when it can. Under CI/E2E=required,
 * a missing tool throws, so the run fails instead of skipping.
 * @param {(string | false | undefined)[]} reasons one per tool, falsy when the tool is there
 * @returns {string | undefined}
 */
export function missing(reasons) {
  const list = reasons.filter(Boolean);
  if (list.length === 0) return undefined;
  const reason = `missing: ${list.join('; ')}`;
  if (REQUIRED)
    throw new Error(
      `${reason} (required because ${isCI() ? `CI=${process.env.CI}` : 'E2E=required'}; run .ci/install-system)`,
    );
  return reason;
}

/** Environment for Go commands: the chosen toolchain first on PATH, and never the network. @param {string} goBin */
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
 * The argv that runs a command as uid/gid 65534 with only the given environment (none of root's
 * npm_config_*, NODE_PATH, …): `unshare --user --map-user=65534 --map-group=65534 env -i K=V … cmd`.
 *
 * In the new user namespace the command sees uid 65534 (so yo does not refuse it), while the
 * kernel checks its file access as the caller's uid, which 65534 maps to: it reaches everything
 * the caller reaches, even under a `/` of mode 0700 (where a real switch to uid 65534 cannot even
 * load libc), and what it writes is owned by the caller outside. It has no capabilities, so no
 * DAC override: only the owner's permission bits apply. Needs root, or unprivileged user
 * namespaces (see nobodyBlocker).
 * @param {Record<string, string>} env
 * @param {string[]} argv
 * @returns {[string, string[]]}
 */
export function asNobody(env, argv) {
  return [
    'unshare',
    [
      '--user',
      `--map-user=${NOBODY}`,
      `--map-group=${NOBODY}`,
      'env',
      '-i',
      ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
      ...argv,
    ],
  ];
}

/**
 * Why asNobody cannot run here, or undefined: it runs `id -u` through it and expects 65534.
 * Root is not needed: an unprivileged caller may map its own uid, where the kernel allows
 * unprivileged user namespaces (user.max_user_namespaces > 0; on Ubuntu also
 * kernel.apparmor_restrict_unprivileged_userns = 0).
 */
export function nobodyBlocker() {
  const r = spawnSync(...asNobody({ PATH: '/usr/bin:/bin' }, ['id', '-u']), {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
  });
  if (/** @type {NodeJS.ErrnoException | undefined} */ (r.error)?.code === 'ENOENT')
    return 'unshare is not on PATH (util-linux)';
  if (r.status === 0 && r.stdout.trim() === String(NOBODY)) return undefined;
  const detail = (r.stderr || r.stdout || r.error?.message || '').trim();
  return `\`unshare --user --map-user=${NOBODY}\` does not work here (${detail || `exit ${r.status}`}): it needs root or unprivileged user namespaces (user.max_user_namespaces > 0)`;
}
