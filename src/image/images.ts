/**
 * Every container image the generated Dockerfile refers to, pinned to a version (never `latest`).
 * A bump is one line here; tests, the e2e stand-ins and the README read this table.
 */

/** Final-stage bases a user can choose. */
export const BASES = ['scratch', 'distroless', 'alpine'] as const;
export type Base = (typeof BASES)[number];

/**
 * Alpine release used for the `alpine` final stage. 3.24.0 was released on 2026-06-09 (Alpine's
 * announcement, as reported at https://news.lavx.hu/article/alpine-3-24-0-and-the-quiet-discipline-of-subtraction);
 * Alpine supports a release for two years, so 3.24 is supported until about May 2028 (3.21's
 * support ended in November 2026, 3.22's ends in May 2027).
 */
export const ALPINE_VERSION = '3.24';

/** Fixed image references (without the Go builder, which follows the chosen Go version). */
export const IMAGES = {
  /**
   * Static distroless on Debian 13, `nonroot` variant: CA bundle, tzdata, passwd/group with
   * 65532, /tmp. The distroless README lists `gcr.io/distroless/static-debian13`; the Debian 12
   * images reached their end of support in September 2026.
   */
  distroless: 'gcr.io/distroless/static-debian13:nonroot',
  alpine: `alpine:${ALPINE_VERSION}`,
} as const;

/**
 * What the GitLab pipeline (ci.ts) runs in: the Docker CLI with buildx, its daemon as a service,
 * and QEMU's binfmt installer, needed only by a cgo build's arm64 builder (a static build
 * cross-compiles). The Go jobs use {@link builderImage}, so the Go version stays in one group.
 */
export const CI_IMAGES = {
  docker: 'docker:29',
  dind: 'docker:29-dind',
  binfmt: 'tonistiigi/binfmt:qemu-v10.2.3',
} as const;

/** The builder image for a Go version (`1.N` or `1.N.P`): the official Go image on Alpine. */
export function builderImage(goVersion: string): string {
  return `golang:${goVersion}-alpine`;
}

/** The final stage's `FROM` reference for a base. */
export function finalImage(base: Base): string {
  return base === 'scratch' ? 'scratch' : IMAGES[base];
}
