import type { FileEntry } from '../base.js';
import type { TemplateData } from '../derive.js';

/** What the app generator always writes itself (the image files come from the docker generator). */
export const APP_FILES: readonly FileEntry[] = [
  { template: 'go.mod.ejs', dest: 'go.mod' },
  { template: 'main.go.ejs', dest: 'main.go' },
  { template: 'main_test.go.ejs', dest: 'main_test.go' },
  // Access log, request ID, recovery and limits: a file of their own, so an edited main.go still
  // merges when `go-minimal update` brings a change of them.
  { template: 'middleware.go.ejs', dest: 'middleware.go' },
  { template: 'middleware_test.go.ejs', dest: 'middleware_test.go' },
  { template: 'echo.go.ejs', dest: 'echo.go' },
  // Dotfiles are stored without the dot: npm pack drops .gitignore from tarballs.
  { template: 'gitignore.ejs', dest: '.gitignore' },
  { template: 'editorconfig.ejs', dest: '.editorconfig' },
  { template: 'golangci.yml.ejs', dest: '.golangci.yml' },
  { template: 'Makefile.ejs', dest: 'Makefile' },
  { template: 'README.md.ejs', dest: 'README.md' },
];

/** `--backstage`: the catalog entry and TechDocs, written after every other file (catalog-info.yaml reads api/openapi.yaml's presence). */
export const BACKSTAGE_FILES: readonly FileEntry[] = [
  { template: 'backstage/catalog-info.yaml.ejs', dest: 'catalog-info.yaml' },
  { template: 'backstage/mkdocs.yml.ejs', dest: 'mkdocs.yml' },
  { template: 'backstage/docs/index.md.ejs', dest: 'docs/index.md' },
];

const goPair = (name: string): FileEntry[] => [
  { template: `${name}.go.ejs`, dest: `${name}.go` },
  { template: `${name}_test.go.ejs`, dest: `${name}_test.go` },
];

/** The service options' files: each option's code and its test in files of their own. */
export const SERVICE_FILES = {
  metrics: goPair('metrics'),
  tracing: goPair('tracing'),
  pprof: goPair('pprof'),
  openapi: [...goPair('openapi'), { template: 'api/openapi.yaml.ejs', dest: 'api/openapi.yaml' }],
} as const satisfies Record<string, readonly FileEntry[]>;

/** Every template the app generator may render (a preset's override of one is never an extra file). */
export const ALL_APP_TEMPLATES: readonly string[] = [
  ...APP_FILES,
  ...Object.values(SERVICE_FILES).flat(),
  ...BACKSTAGE_FILES,
].map((f) => f.template);

/** What the answers ask the app generator to write. */
export function appFiles(data: Pick<TemplateData, 'metrics' | 'tracing' | 'pprof' | 'openapi'>): FileEntry[] {
  return [
    ...APP_FILES,
    ...(data.metrics === 'prometheus' ? SERVICE_FILES.metrics : []),
    ...(data.tracing === 'otel' ? SERVICE_FILES.tracing : []),
    ...(data.pprof ? SERVICE_FILES.pprof : []),
    ...(data.openapi ? SERVICE_FILES.openapi : []),
  ];
}
