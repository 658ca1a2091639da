import type { OptionsGenerator } from '../base.js';
import type { TemplateData } from '../derive.js';
import { imageFiles } from '../../image/files.js';
import { templatesPath } from '../../io/paths.js';

/**
 * The docker generator's write step, a function of resolved answers: the docker generator calls
 * it for an existing module, the app generator for its new one (one Dockerfile template).
 */
export function writeImageFiles(gen: OptionsGenerator, data: TemplateData): void {
  gen.renderFiles(imageFiles(data), data, templatesPath('docker'));
}
