// The image behind `# syntax=docker/dockerfile:1`: nothing can be pulled here, so BuildKit's own
// Dockerfile frontend, built from the Go module proxy (engine/docker/versions.mjs), is put in the
// suite's store as a local image of that name. A generated Dockerfile then builds unchanged, its
// first line included: without the image, the line fails in 0.5 s ("failed to resolve source
// metadata for docker.io/docker/dockerfile:1").

import fsp from 'node:fs/promises';
import path from 'node:path';
import { DIRS } from '../config.mjs';
import { exec } from '../exec.mjs';
import { withLock } from '../lock.mjs';
import { pieceFile } from './pieces.mjs';
import { piece } from './versions.mjs';

/** The name the generated Dockerfiles' syntax line resolves to. */
export const FRONTEND_IMAGE = 'docker.io/docker/dockerfile:1';
const LABEL = 'go-minimal.e2e.frontend';

/** The frontend version the local image carries, or '' without one. */
async function localVersion() {
  const r = await exec(
    'docker',
    ['image', 'inspect', '--format', `{{index .Config.Labels "${LABEL}"}}`, FRONTEND_IMAGE],
    {
      allowFail: true,
      timeoutMs: 30_000,
    },
  );
  return r.code === 0 ? r.stdout.trim() : '';
}

/**
 * Makes sure docker/dockerfile:1 is the frontend of the table's BuildKit version (built once).
 * The labels are those of BuildKit's own frontend image: no network for the frontend, and the
 * capabilities the docker CLI checks before it sends named contexts and subrequests.
 * @returns {Promise<{ built: boolean }>}
 */
export async function ensureFrontend() {
  const version = piece('dockerfile-frontend').version;
  if ((await localVersion()) === version) return { built: false };
  return withLock('docker-frontend', async () => {
    if ((await localVersion()) === version) return { built: false };
    const ctx = await fsp.mkdtemp(path.join(DIRS.tmp, 'frontend-'));
    try {
      await fsp.copyFile(pieceFile('dockerfile-frontend'), path.join(ctx, 'dockerfile-frontend'));
      await fsp.writeFile(
        path.join(ctx, 'Dockerfile'),
        [
          'FROM scratch',
          'COPY dockerfile-frontend /bin/dockerfile-frontend',
          'LABEL moby.buildkit.frontend.network.none="true"',
          'LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"',
          `LABEL ${LABEL}="${version}"`,
          'ENTRYPOINT ["/bin/dockerfile-frontend"]',
          '',
        ].join('\n'),
      );
      await exec('docker', ['build', '-q', '-t', FRONTEND_IMAGE, ctx], { timeoutMs: 5 * 60_000 });
      return { built: true };
    } finally {
      await fsp.rm(ctx, { recursive: true, force: true });
    }
  });
}
