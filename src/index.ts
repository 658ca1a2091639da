/**
 * Public entry point, for team generators that compose or extend ours:
 *
 *   import { AppGenerator } from 'generator-go-minimal';
 *   export default class extends AppGenerator {
 *     constructor(args, opts) {
 *       super(args, { ...opts, preset: opts.preset ?? { base: 'distroless', locked: ['base'] } });
 *     }
 *   }
 */
export { default as AppGenerator } from './generators/app/index.js';
export { default as DockerGenerator } from './generators/docker/index.js';
export { default as UpdateGenerator } from './generators/update/index.js';
export { default as BackstageGenerator } from './generators/backstage/index.js';
export { runUpdate, type UpdateOptions } from './update/index.js';
export type { TeamMigration } from './update/migrations.js';
export type { MigrationTree } from './update/tree.js';
export { OptionsGenerator, type GenOptions, type FileEntry } from './generators/base.js';
export {
  OPTIONS,
  OPTION_NAMES,
  APP_OPTION_NAMES,
  DOCKER_OPTION_NAMES,
  RUN_OPTIONS,
  type Answers,
  type AnswerName,
  type OptionSpec,
} from './options/table.js';
export { checkOption } from './options/check.js';
export {
  presetSchema,
  parsePreset,
  loadPreset,
  findPresetFile,
  type Preset,
  type PresetInput,
} from './options/preset.js';
export { templateData, replayCommand, type TemplateData } from './generators/derive.js';
export { IMAGES, BASES, builderImage, finalImage } from './image/images.js';
export { GO_VERSIONS } from './image/go.js';
export { generatorPath, templatesPath } from './io/paths.js';
export { writeImageFiles } from './generators/docker/files.js';
