// The one table of Docker Engine pieces the e2e suite builds from the Go module proxy: each
// module, version, packages, build tags and link flags. Nothing else names a version.
//
// dockerd, docker-proxy, containerd, its shim, BuildKit's Dockerfile frontend, the buildx plugin
// and a registry are built in one scratch module that requires moby (ENGINE_MODULE): they share
// moby's build list, so containerd and the frontend are the versions moby's go.mod requires (the
// containerd client dockerd was built and tested with, and the BuildKit dockerd embeds), buildx is
// the release made against that BuildKit (v0.37.x: BuildKit v0.33; v0.38 needs v0.34, containerd
// v2.4 and a newer gRPC, and would not share), and every package they have in common compiles once:
// measured cold on 2 cores at load 9-14, buildx took 86 s of CPU after dockerd in the shared module
// against 185 s of wall time on its own, and the registry 25 s against 360 s. pieces.mjs checks
// that the build list selects the versions below.

/**
 * @typedef {object} Piece
 * @property {string} name the store folder is bin/<name>-<version>
 * @property {string} module the module the packages come from
 * @property {string} version
 * @property {Record<string, string>} packages installed file name → Go package
 * @property {string[]} [tags] build tags
 * @property {string} [ldflags]
 * @property {boolean} [inEngineModule] built inside ENGINE_MODULE (moby's build list), not with
 *   `go install module@version`
 * @property {Record<string, string>} [sources] files of the scratch module itself (path → text),
 *   for a main package of our own (the registry)
 */

/** The scratch module the engine pieces are built in (pieces.mjs): its own packages' path. */
export const ENGINE_MAIN = 'go-minimal.local/docker-engine';

/** moby's daemon module: Docker Engine 29 (its dockerd reports the version "library-import"). */
export const MOBY = { module: 'github.com/moby/moby/v2', version: 'v2.0.0-beta.24' };

/** @type {Piece[]} */
export const PIECES = [
  {
    name: 'dockerd',
    ...MOBY,
    packages: { dockerd: `${MOBY.module}/cmd/dockerd`, 'docker-proxy': `${MOBY.module}/cmd/docker-proxy` },
    // No btrfs or devicemapper headers here; overlayfs is what the suite uses.
    tags: ['exclude_graphdriver_btrfs', 'exclude_graphdriver_devicemapper'],
    inEngineModule: true,
  },
  {
    name: 'containerd',
    module: 'github.com/containerd/containerd/v2',
    version: 'v2.3.5',
    packages: {
      containerd: 'github.com/containerd/containerd/v2/cmd/containerd',
      'containerd-shim-runc-v2': 'github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2',
    },
    ldflags: '-X github.com/containerd/containerd/v2/version.Version=v2.3.5',
    inEngineModule: true,
  },
  {
    name: 'dockerfile-frontend',
    module: 'github.com/moby/buildkit',
    version: 'v0.33.0',
    packages: { 'dockerfile-frontend': 'github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend' },
    // As BuildKit's own Dockerfile builds it: a static binary for a FROM scratch image.
    tags: ['netgo', 'static_build', 'osusergo'],
    inEngineModule: true,
  },
  {
    name: 'buildx',
    module: 'github.com/docker/buildx',
    version: 'v0.37.0',
    packages: { 'docker-buildx': 'github.com/docker/buildx/cmd/buildx' },
    ldflags: '-X github.com/docker/buildx/version.Version=v0.37.0',
    inEngineModule: true,
  },
  {
    // v5.7.x require github.com/docker/secrets-engine, whose zips the Go module proxy refuses
    // ("403 Forbidden: This module version is not available"): v5.6.0 is the newest that builds.
    name: 'compose',
    module: 'github.com/docker/compose/v5',
    version: 'v5.6.0',
    packages: { 'docker-compose': 'github.com/docker/compose/v5/cmd' },
    ldflags: '-X github.com/docker/compose/v5/internal.Version=v5.6.0',
  },
  {
    // distribution's own cmd/registry links every storage driver (Azure, GCS, S3 SDKs); the suite
    // needs the filesystem and in-memory ones only, so it builds this main of the same registry.
    name: 'registry',
    module: 'github.com/distribution/distribution/v3',
    version: 'v3.1.2',
    packages: { registry: `${ENGINE_MAIN}/registry` },
    sources: {
      'registry/main.go': `// The registry of distribution v3 with the filesystem and in-memory storage drivers only.
package main

import (
	"github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
)

func main() { _ = registry.RootCmd.Execute() }
`,
    },
    inEngineModule: true,
  },
];

/** @param {string} name @returns {Piece} */
export function piece(name) {
  const p = PIECES.find((x) => x.name === name);
  if (!p) throw new Error(`no Docker piece named ${name} (known: ${PIECES.map((x) => x.name).join(', ')})`);
  return p;
}
