import type { FileEntry } from '../../lib/base-generator.js';

/** What the docker generator writes: template (under templates/) → destination. */
export const DOCKER_FILES: readonly FileEntry[] = [
  { template: 'Dockerfile.ejs', dest: 'Dockerfile' },
  // Stored without the dot: npm pack drops some dotfiles from tarballs.
  { template: 'dockerignore.ejs', dest: '.dockerignore' },
  { template: 'docker.mk.ejs', dest: 'docker.mk' },
];

/** The line that makes an existing Makefile offer the image targets (`-`: a missing docker.mk breaks nothing). */
export const INCLUDE_LINE = '-include docker.mk';
