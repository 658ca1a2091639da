// Building the stand-ins (once per store, under a lock, skipped while their stamp still matches)
// and warming the builder's cache mounts so that later image builds compile little.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { cli, engine } from './cli.mjs';
import { CACHE_MOUNT_DIRS, DIRS } from './config.mjs';
import { exec } from './exec.mjs';
import { foreignMissing } from './foreign.mjs';
import { HOST_PLATFORM } from './layers.mjs';
import { FINAL_RECIPES, RECIPE_VERSION, goBuilderRecipe, normalizeRef } from './recipes.mjs';
import { imageId, readStamp, sha256, withLock, writeStamp } from './store.mjs';

/** @typedef {import('./recipes.mjs').StandInRecipe} StandInRecipe */
/** @typedef {import('./recipes.mjs').GoBuilderSpec} GoBuilderSpec */
/** @typedef {{ ref: string, built: boolean, ms: number }} StandInResult */

/** The other architecture of multi-platform stand-ins and images. */
export const FOREIGN_ARCH = 'arm64';

/** Instructions `docker import --change` takes: a stand-in made of them alone can be imported. */
const IMPORTABLE = /^(ENV|WORKDIR|CMD|USER|ENTRYPOINT|EXPOSE|LABEL) /;

/**
 * Builds a stand-in unless its stamp (per engine: the two stores hold different images) still
 * matches. `variants` are the same image for several platforms (host first), made into one
 * multi-platform image under one tag on Docker, whose containerd store holds image indexes.
 * Docker imports a single-platform stand-in whose config is all `--change`-able (`tar | docker
 * import`: measured 16 s against 31 s for `docker build` of the 300 MB builder rootfs, and no
 * copy of it left in BuildKit's cache); everything else is a `FROM scratch` + `COPY rootfs/ /`
 * build.
 * @param {StandInRecipe[]} variants @returns {Promise<StandInResult>}
 */
async function ensureStandIn(variants) {
  const t0 = Date.now();
  const kind = await cli();
  const recipe = /** @type {StandInRecipe} */ (variants[0]);
  const hash = sha256(
    RECIPE_VERSION,
    variants.map((v) => [v.inputs, v.config, v.platform]),
    recipe.fill.toString(),
  );
  const key = `standin-${kind}-${recipe.tag}`;
  const fresh = async () => {
    const s = readStamp(key);
    return s?.hash === hash && !!s.id && (await imageId(recipe.tag)) === s.id;
  };
  if (await fresh()) return { ref: recipe.tag, built: false, ms: Date.now() - t0 };
  return withLock(key, async () => {
    if (await fresh()) return { ref: recipe.tag, built: false, ms: Date.now() - t0 };
    const previous = await imageId(recipe.tag);
    const ctx = await fsp.mkdtemp(path.join(DIRS.tmp, 'standin-'));
    try {
      const multi = variants.length > 1;
      /** @param {StandInRecipe} v */
      const archOf = (v) => (v.platform ?? HOST_PLATFORM).split('/')[1];
      for (const v of variants) {
        const root = path.join(ctx, multi ? `rootfs-${archOf(v)}` : 'rootfs');
        await fsp.mkdir(root);
        await v.fill(root, ctx);
      }
      if (kind === 'docker' && !multi && !recipe.platform && recipe.config.every((c) => IMPORTABLE.test(c))) {
        const changes = recipe.config.flatMap((c) => ['--change', c]);
        const script = 'root=$1; shift; tar -C "$root" -c . | docker import "$@"';
        await exec('sh', ['-c', script, 'sh', path.join(ctx, 'rootfs'), ...changes, '-', recipe.tag], {
          timeoutMs: 10 * 60_000,
        });
      } else {
        const copy = multi ? ['ARG TARGETARCH', 'COPY rootfs-${TARGETARCH}/ /'] : ['COPY rootfs/ /'];
        await fsp.writeFile(path.join(ctx, 'Dockerfile'), ['FROM scratch', ...copy, ...recipe.config, ''].join('\n'));
        const args = ['build', '-t', recipe.tag, '-f', path.join(ctx, 'Dockerfile')];
        if (kind === 'podman') args.push('--format', 'docker', '--layers=false', '--pull=never');
        if (multi || recipe.platform)
          args.push('--platform', variants.map((v) => v.platform ?? HOST_PLATFORM).join(','));
        await engine([...args, ctx]);
      }
      const id = await imageId(recipe.tag);
      if (!id) throw new Error(`the stand-in ${recipe.tag} was built but is not in the store`);
      writeStamp(key, { ref: recipe.tag, hash, id, builtAt: new Date().toISOString() });
      // drop the previous stand-in unless something still uses it (then rmi fails harmlessly)
      if (previous && previous !== id) await engine(['rmi', previous], { allowFail: true });
      return { ref: recipe.tag, built: true, ms: Date.now() - t0 };
    } finally {
      await fsp.rm(ctx, { recursive: true, force: true });
    }
  });
}

/**
 * Makes sure local stand-ins exist for base images that cannot be pulled, tagged with the exact
 * names a Dockerfile `FROM` resolves to. Built once per store: skipped when the stamp file in
 * `<E2E_ROOT>/stamps` records the same recipe hash and the tag still points at the same image.
 * Safe to call from several processes at once (per-image lock).
 *
 * - builders `{ goVersion: '1.23', goroot: '/usr/lib/go-1.23' }` → `docker.io/library/golang:1.23-alpine`:
 *   busybox applets, Go at /usr/local/go, CA bundle, root in passwd/group, /tmp 1777,
 *   PATH=/go/bin:/usr/local/go/bin:…, GOPATH=/go, GOTOOLCHAIN=local, WORKDIR /go. No GOPROXY, as
 *   upstream: the build's GOPROXY build arg decides (an ENV would override it in every RUN).
 *   With the host's gcc and musl-tools, it also carries a C toolchain for cgo: an /sbin/apk
 *   stand-in whose `apk add gcc musl-dev` puts Debian's gcc, run with musl-gcc's specs, on PATH
 *   (so a cgo binary links musl, as on alpine); any other package fails in one line, nothing is
 *   fetched. Before that `apk add`, no gcc is on PATH, as in the real image.
 * - finals (full or short refs): `alpine:<x.y>` → busybox, musl's /lib/ld-musl-x86_64.so.1 when
 *   the host has musl (no apk, no adduser), CA bundle, passwd/group with root, nobody, nonroot 65532; `gcr.io/distroless/static-debian13:nonroot`
 *   (and `:latest`, `gcr.io/distroless/static`) → no shell, CA bundle, tzdata, passwd/group with
 *   root, nobody, nonroot 65532, /tmp 1777, /home/nonroot, USER 65532:65532. Unknown refs throw.
 * - arch (e.g. 'arm64'): the finals for that architecture instead, tagged
 *   `localhost/standin-<arch>/<repository>:<tag>` (a tag names one image, and the host's stand-in
 *   keeps the real name), with the busybox and musl of Debian's <arch> packages ({@link foreignMissing}).
 *   A build selects them by the name in its FROM: `--build-context alpine:3.24=docker-image://<ref>`.
 * - On Docker, finals without `arch` are multi-platform images (the host's and arm64, when
 *   Debian's arm64 packages are at hand) under the real name, so `docker buildx build --platform
 *   linux/amd64,linux/arm64` of an unchanged Dockerfile finds each platform's base.
 *
 * @param {{ builders?: GoBuilderSpec[], finals?: string[], arch?: string }} [spec]
 * @returns {Promise<StandInResult[]>} one entry per image, in order (builders first)
 */
export async function ensureStandIns({ builders = [], finals = [], arch } = {}) {
  const kind = await cli();
  /** @type {StandInRecipe[][]} */
  const images = builders.map((b) => [goBuilderRecipe(b)]);
  for (const ref of finals) {
    const n = normalizeRef(ref);
    const make = FINAL_RECIPES[`${n.registry}/${n.repository}`];
    if (!make)
      throw new Error(
        `no stand-in recipe for final image ${JSON.stringify(ref)} (resolves to ${n.full}); ` +
          `known repositories: ${Object.keys(FINAL_RECIPES).join(', ')}`,
      );
    if (arch) images.push([make(n.tag, `localhost/standin-${arch}/${n.repository}:${n.tag}`, arch)]);
    // Docker's containerd store keeps a multi-platform image under the real name, as a registry
    // serves it: FROM picks the platform's own (arm64 when its Debian packages are at hand).
    else if (kind === 'docker' && !foreignMissing(FOREIGN_ARCH))
      images.push([make(n.tag, n.full), make(n.tag, n.full, FOREIGN_ARCH)]);
    else images.push([make(n.tag, n.full)]);
  }
  const results = [];
  for (const variants of images) results.push(await ensureStandIn(variants)); // sequential: 2 cores, disk-bound
  return results;
}

// ---------------------------------------------------------------------------------------------
// Build cache warm-up

const WARM_MAIN_GO = `package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"
)

func main() {
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok", "n": strconv.Itoa(1)})
	})
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	_, _ = debug.ReadBuildInfo()
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error(fmt.Sprint(err))
	}
}
`;

/**
 * Pre-warms the builder's cache mounts (buildah's folders, or BuildKit's cache) `/go/pkg/mod` and `/root/.cache/go-build` (the targets the
 * generated Dockerfiles use; they are shared by all builds of this store) by compiling a
 * net/http + log/slog + encoding/json + os/signal program with
 * `CGO_ENABLED=0 go build -trimpath -ldflags "-s -w"` in the stand-in builder. (A GOCACHE baked
 * into the image would be hidden by the cache mount.) Skipped when already done for the same
 * builder image and the cache still exists. The builder must exist ({@link ensureStandIns}).
 * @param {string} goVersion e.g. '1.23'
 * @returns {Promise<{ warmed: boolean, ms: number }>}
 */
export async function warmBuilder(goVersion) {
  const t0 = Date.now();
  const ref = `docker.io/library/golang:${goVersion}-alpine`;
  const id = await imageId(ref);
  if (!id) throw new Error(`warmBuilder: ${ref} does not exist; call ensureStandIns({ builders }) first`);
  const kind = await cli();
  const key = `warm-${kind}-go${goVersion}`;
  // The cache mounts are there: buildah's folders, or BuildKit's records of exec cache mounts
  // (a pruned build cache has none).
  const cached = async () =>
    kind === 'podman'
      ? CACHE_MOUNT_DIRS.some((d) => fs.existsSync(path.join(d, 'root/.cache/go-build/README')))
      : /\bMB\b|\bGB\b/.test((await engine(['buildx', 'du', '--filter', 'type=exec.cachemount'])).stdout);
  const fresh = async () => readStamp(key)?.id === id && (await cached());
  if (await fresh()) return { warmed: false, ms: Date.now() - t0 };
  return withLock(key, async () => {
    if (await fresh()) return { warmed: false, ms: Date.now() - t0 };
    const ctx = await fsp.mkdtemp(path.join(DIRS.tmp, 'warm-'));
    try {
      await fsp.writeFile(path.join(ctx, 'go.mod'), `module example.com/warm\n\ngo ${goVersion}\n`);
      await fsp.writeFile(path.join(ctx, 'main.go'), WARM_MAIN_GO);
      await fsp.writeFile(
        path.join(ctx, 'Dockerfile'),
        [
          `FROM ${ref}`,
          'WORKDIR /src',
          'COPY . .',
          'ARG WARM_AT',
          'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\',
          '    echo "warming $WARM_AT" && \\',
          '    CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -buildvcs=false -ldflags "-s -w" -o /tmp/app .',
          '',
        ].join('\n'),
      );
      const iid = path.join(ctx, 'iid');
      // BuildKit's --no-cache also leaves out (and drops) the cache mounts: the step is made to
      // run by a build arg that changes every time instead.
      const args = ['build', '--iidfile', iid, '--build-arg', `WARM_AT=${Date.now()}`];
      if (kind === 'podman') args.push('--no-cache', '--layers=false', '--pull=never');
      await engine([...args, ctx]);
      await engine(['rmi', (await fsp.readFile(iid, 'utf8')).trim()], { allowFail: true });
      writeStamp(key, { ref, id, warmedAt: new Date().toISOString() });
      return { warmed: true, ms: Date.now() - t0 };
    } finally {
      await fsp.rm(ctx, { recursive: true, force: true });
    }
  });
}
