/**
 * The image's files: which templates the write step renders to which destinations, per answer
 * (the image files always; CI, bot, Kubernetes, ServiceMonitor and compose files when chosen). The docker
 * generator writes them (generators/docker/files.ts); the update knows them as its output.
 */
import { ALL_CI_TEMPLATES, BOT_FILES, CI_FILES, type Bot, type CiKind } from './ci.js';

/** A template (relative to a generator's templates/) and the file it renders to. */
export interface FileEntry {
  template: string;
  dest: string;
}

/** What the docker generator writes: template (under templates/) → destination. */
export const DOCKER_FILES: readonly FileEntry[] = [
  { template: 'Dockerfile.ejs', dest: 'Dockerfile' },
  // Stored without the dot: npm pack drops some dotfiles from tarballs.
  { template: 'dockerignore.ejs', dest: '.dockerignore' },
  { template: 'docker.mk.ejs', dest: 'docker.mk' },
  // make verify's image checks: a Go test behind the `verify` build tag, so go test ./... skips it.
  { template: 'verify/image_test.go.ejs', dest: 'verify/image_test.go' },
];

/** `--kubernetes`: plain manifests and a kustomization (no Helm), under deploy/kubernetes. */
export const KUBERNETES_FILES: readonly FileEntry[] = ['kustomization', 'deployment', 'service', 'pdb'].map((n) => ({
  template: `deploy/kubernetes/${n}.yaml.ejs`,
  dest: `deploy/kubernetes/${n}.yaml`,
}));

/** `--service-monitor` (with --kubernetes and --metrics prometheus): the Prometheus Operator's ServiceMonitor. */
export const SERVICE_MONITOR_FILES: readonly FileEntry[] = [
  { template: 'deploy/kubernetes/servicemonitor.yaml.ejs', dest: 'deploy/kubernetes/servicemonitor.yaml' },
];

/** `--compose`: one compose.yaml. */
export const COMPOSE_FILES: readonly FileEntry[] = [{ template: 'compose.yaml.ejs', dest: 'compose.yaml' }];

/** Every template the write step may render: a preset's templatesDir overrides these, never adds them twice. */
export const IMAGE_TEMPLATES: readonly string[] = [
  ...[...DOCKER_FILES, ...KUBERNETES_FILES, ...SERVICE_MONITOR_FILES, ...COMPOSE_FILES].map((f) => f.template),
  ...ALL_CI_TEMPLATES,
];

/**
 * The files the answers ask for: the image files always, the CI and bot files of the choices, the
 * manifests (and the ServiceMonitor) and compose.yaml when enabled.
 */
export function imageFiles(data: {
  kubernetes: boolean;
  serviceMonitor: boolean;
  compose: boolean;
  ci: CiKind;
  bot: Bot;
}): FileEntry[] {
  return [
    ...DOCKER_FILES,
    ...CI_FILES[data.ci],
    ...BOT_FILES[data.bot],
    ...(data.kubernetes ? KUBERNETES_FILES : []),
    ...(data.kubernetes && data.serviceMonitor ? SERVICE_MONITOR_FILES : []),
    ...(data.compose ? COMPOSE_FILES : []),
  ];
}

/** Every file the write step can write, whatever the answers (the update's docker renders leave them out of their input). */
export const ALL_IMAGE_FILES: readonly string[] = [
  ...DOCKER_FILES,
  ...Object.values(CI_FILES).flat(),
  ...Object.values(BOT_FILES).flat(),
  ...KUBERNETES_FILES,
  ...SERVICE_MONITOR_FILES,
  ...COMPOSE_FILES,
].map((f) => f.dest);

/** The line that makes an existing Makefile offer the image targets (`-`: a missing docker.mk breaks nothing). */
export const INCLUDE_LINE = '-include docker.mk';
