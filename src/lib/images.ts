/**
 * Every container image the generated Dockerfile refers to, pinned to a version (never `latest`).
 * A bump is one line here; tests, the e2e stand-ins and the README read this table.
 */

/** Final-stage bases a user can choose. */
export const BASES = ['scratch', 'distroless', 'alpine'] as const;
export type Base = (typeof BASES)[number];

/** Alpine release used for the `alpine` final stage. */
export const ALPINE_VERSION = '3.21';

/** Fixed image references (without the Go builder, which follows the chosen Go version). */
export const IMAGES = {
  /** Static distroless, Debian 12, `nonroot` variant: CA bundle, passwd/group with 65532, /tmp. */
  distroless: 'gcr.io/distroless/static-debian12:nonroot',
  alpine: `alpine:${ALPINE_VERSION}`,
} as const;

/** The builder image for a Go version (`1.N` or `1.N.P`): the official Go image on Alpine. */
export function builderImage(goVersion: string): string {
  return `golang:${goVersion}-alpine`;
}

/** The final stage's `FROM` reference for a base. */
export function finalImage(base: Base): string {
  return base === 'scratch' ? 'scratch' : IMAGES[base];
}
