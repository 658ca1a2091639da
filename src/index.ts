/** Public entry point: the generator class and the option table, for team generators that compose or extend ours. */
export { default as AppGenerator } from './generators/app/index.js';
export { OPTIONS, OPTION_NAMES, RUN_OPTIONS, checkOption, type Answers, type OptionSpec } from './lib/options.js';
export { templateData, replayCommand, type TemplateData } from './lib/derive.js';
export { IMAGES, BASES, builderImage, finalImage } from './lib/images.js';
export { GO_VERSIONS } from './lib/go.js';
