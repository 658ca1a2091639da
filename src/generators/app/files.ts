/** What the app generator writes: template (under templates/) → destination. */
export interface FileEntry {
  template: string;
  dest: string;
}

export const APP_FILES: readonly FileEntry[] = [
  { template: 'go.mod.ejs', dest: 'go.mod' },
  { template: 'main.go.ejs', dest: 'main.go' },
  { template: 'main_test.go.ejs', dest: 'main_test.go' },
  { template: 'Dockerfile.ejs', dest: 'Dockerfile' },
  // Dotfiles are stored without the dot: npm pack drops .gitignore from tarballs.
  { template: 'dockerignore.ejs', dest: '.dockerignore' },
  { template: 'gitignore.ejs', dest: '.gitignore' },
  { template: 'editorconfig.ejs', dest: '.editorconfig' },
  { template: 'Makefile.ejs', dest: 'Makefile' },
  { template: 'README.md.ejs', dest: 'README.md' },
];
