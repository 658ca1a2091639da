import { relative } from 'node:path';
import { API_DESCRIPTION, templateData, replayCommand, shellQuote } from '../derive.js';
import { which } from '../../image/go.js';
import { templatesPath } from '../../io/paths.js';
import { OptionsGenerator, type GenOptions } from '../base.js';
import { APP_OPTION_NAMES, fixedAnswers, type Answers } from '../../options/table.js';
import { IMAGE_TEMPLATES } from '../../image/files.js';
import { writeImageFiles } from '../docker/files.js';
import { ALL_APP_TEMPLATES, BACKSTAGE_FILES, appFiles } from './files.js';

/** `yo go-minimal` / `go-minimal`: a new standard-library Go service and its image. */
export default class AppGenerator extends OptionsGenerator {
  readonly generatorName = 'app';

  constructor(args: string[], opts: GenOptions) {
    // customInstallTask: no npm install (there is no package.json); install() runs go mod tidy.
    // inheritTasks: a team generator that extends this class runs these steps too.
    super(args, opts, { customInstallTask: true, inheritTasks: true });
    // Explicit, so templates are found from a bundled bin too.
    this.sourceRoot(templatesPath('app'));
    this.registerOptions('app');
  }

  initializing(): void {
    this.resolveAnswers(APP_OPTION_NAMES);
  }

  async prompting(): Promise<void> {
    await this.promptMissing(APP_OPTION_NAMES);
    Object.assign(this.answers, fixedAnswers('app'));
  }

  configuring(): void {
    this.storeAnswers();
  }

  writing(): void {
    const data = templateData(this.answers as Answers);
    this.renderFiles(appFiles(data), data);
    // One Dockerfile template in the project: the docker generator's write step, with these answers.
    writeImageFiles(this, data);
    this.renderExtras([...ALL_APP_TEMPLATES, ...IMAGE_TEMPLATES], data);
    if (!this.answers.backstage) return;
    // Last: whatever wrote an API description this run (an option, a preset's template) or before it is seen.
    const api = this.fs.exists(this.destinationPath(API_DESCRIPTION)) ? API_DESCRIPTION : undefined;
    this.renderFiles(BACKSTAGE_FILES, templateData(this.answers as Answers, { apiDescription: api }));
  }

  transform(): void {
    this.refuseConflicts();
  }

  async install(): Promise<void> {
    if (this.given('skipInstall')) return;
    if (!which('go')) {
      this.log('warning: go is not on PATH, so `go mod tidy` was skipped; the files are complete without it.');
      return;
    }
    try {
      await this.spawn('go', ['mod', 'tidy'], { cwd: this.destinationRoot(), stdio: 'pipe' });
    } catch (error) {
      const detail = (error as { stderr?: string; message: string }).stderr?.trim() || (error as Error).message;
      this.log(`warning: \`go mod tidy\` failed (the files are written): ${detail.split('\n')[0]}`);
    }
  }

  end(): void {
    this.announcePreset();
    const answers = this.answers as Answers;
    const folder = relative(process.cwd(), this.destinationRoot());
    const cd = folder === '' ? '' : `cd ${shellQuote(folder)} && `;
    const preset = this.preset && typeof this.given('preset') !== 'object' ? this.preset.file : undefined;
    this.finish(
      `Created ${answers.name} (${answers.modulePath}), Go ${answers.goVersion}, ${answers.base} image, port ${answers.port}.`,
      [
        '',
        'Next steps:',
        `  ${cd}make build test`,
        `  make docker-build       # image ${answers.name}:<git describe>; DOCKER=podman works too`,
        '  make docker-run         # read-only root filesystem, all capabilities dropped',
      ],
      replayCommand(answers, APP_OPTION_NAMES, { folder: folder === '' ? undefined : folder, preset }),
    );
  }
}
