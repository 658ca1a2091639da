import type { FileEntry } from '../base.js';

/** What the app generator writes itself (the image files come from the docker generator). */
export const APP_FILES: readonly FileEntry[] = [
  { template: 'go.mod.ejs', dest: 'go.mod' },
  { template: 'main.go.ejs', dest: 'main.go' },
  { template: 'main_test.go.ejs', dest: 'main_test.go' },
  // Dotfiles are stored without the dot: npm pack drops .gitignore from tarballs.
  { template: 'gitignore.ejs', dest: '.gitignore' },
  { template: 'editorconfig.ejs', dest: '.editorconfig' },
  { template: 'Makefile.ejs', dest: 'Makefile' },
  { template: 'README.md.ejs', dest: 'README.md' },
];

/** `--backstage`: the catalog entry and TechDocs, written after every other file (catalog-info.yaml reads api/openapi.yaml's presence). */
export const BACKSTAGE_FILES: readonly FileEntry[] = [
  { template: 'backstage/catalog-info.yaml.ejs', dest: 'catalog-info.yaml' },
  { template: 'backstage/mkdocs.yml.ejs', dest: 'mkdocs.yml' },
  { template: 'backstage/docs/index.md.ejs', dest: 'docs/index.md' },
];
