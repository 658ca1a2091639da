import { readFileSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { templateData, replayCommand, shellQuote } from '../../lib/derive.js';
import { localGoMinor, which } from '../../lib/go.js';
import {
  OPTIONS,
  OPTION_NAMES,
  RUN_OPTIONS,
  checkOption,
  folderNameOf,
  promptValidator,
  OptionError,
  type AnswerName,
  type Answers,
  type DefaultContext,
  type OptionSpec,
} from '../../lib/options.js';
import { APP_FILES } from './files.js';

/** Options as parsed: table options stay raw (validated in initializing), absent ones undefined. */
export type AppOptions = BaseOptions &
  Partial<Record<AnswerName, unknown>> & { yes?: boolean; force?: boolean; 'skip-install'?: boolean };

/** The generator's stored config file, named in error messages. */
const CONFIG_FILE = '.yo-rc.json';

export default class AppGenerator extends Generator<Partial<Answers>, AppOptions> {
  /** Resolved answers; complete after prompting. */
  answers: Partial<Answers> = {};

  constructor(args: string[], opts: AppOptions) {
    // customInstallTask: no npm install (there is no package.json); install() runs go mod tidy.
    super(args, opts, { customInstallTask: true });
    for (const name of OPTION_NAMES) {
      const spec = OPTIONS[name];
      // No default here: an absent flag must stay undefined so stored answers and prompts win.
      this.option(name, {
        type: spec.kind === 'boolean' ? Boolean : String,
        description: `${spec.description}: ${spec.accepted} (default: ${spec.defaultHelp})`,
      });
    }
    this.option('yes', { type: Boolean, alias: RUN_OPTIONS.yes.alias, description: RUN_OPTIONS.yes.description });
  }

  /** No questions: --yes, or no terminal to ask on. */
  get nonInteractive(): boolean {
    return Boolean(this.options.yes) || process.stdin.isTTY !== true;
  }

  private defaultContext(): DefaultContext {
    let local: string | undefined | null = null;
    return {
      folderName: folderNameOf(this.destinationRoot()),
      answers: this.answers,
      localGoMinor: () => (local === null ? (local = localGoMinor()) : local),
    };
  }

  initializing(): void {
    // Validate every flag and stored answer before anything is written.
    const stored = this.config.getAll() as Record<string, unknown>;
    const ctx = this.defaultContext();
    for (const name of OPTION_NAMES) {
      const flag = this.options[name] as unknown;
      let value: unknown;
      if (flag !== undefined) value = checkOption(name, flag, { kind: 'flag' });
      else if (stored[name] !== undefined) value = checkOption(name, stored[name], { kind: 'file', file: CONFIG_FILE });
      else if (this.nonInteractive) value = (OPTIONS[name] as OptionSpec<unknown>).default(ctx);
      if (value !== undefined) (this.answers as Record<string, unknown>)[name] = value;
    }
  }

  async prompting(): Promise<void> {
    const missing = OPTION_NAMES.filter((name) => this.answers[name] === undefined);
    if (missing.length === 0) return;
    const ctx = this.defaultContext();
    const questions = missing.map((name) => {
      const spec = OPTIONS[name] as OptionSpec<unknown>;
      return {
        type: spec.prompt.type,
        name,
        message: spec.prompt.message,
        choices: spec.choices ? [...spec.choices] : undefined,
        default: (soFar: Partial<Answers>) => {
          const value = spec.default({ ...ctx, answers: { ...this.answers, ...soFar } });
          return spec.kind === 'integer' ? String(value) : value;
        },
        validate: promptValidator(name),
        filter: (input: unknown) => spec.coerce(input) ?? input,
      };
    });
    const given = (await this.prompt(questions as never)) as Record<string, unknown>;
    for (const name of missing) {
      (this.answers as Record<string, unknown>)[name] = checkOption(name, given[name], { kind: 'prompt' });
    }
  }

  configuring(): void {
    this.config.set(this.answers);
  }

  writing(): void {
    const data = templateData(this.answers as Answers);
    for (const file of APP_FILES) {
      this.renderTemplate(file.template, file.dest, data);
    }
  }

  /**
   * Non-interactive runs cannot answer yeoman's conflict prompt: fail with one line naming every
   * existing file that would change, before anything reaches the disk (files are written in the
   * `conflicts` step, after this one).
   */
  transform(): void {
    if (!this.nonInteractive || this.options.force) return;
    const root = this.destinationRoot();
    const conflicting: string[] = [];
    for (const file of this.env.sharedFs.all()) {
      const f = file as { path: string; contents: Buffer | null; state?: string };
      const rel = relative(root, f.path);
      if (f.state !== 'modified' || rel.startsWith('..') || rel === CONFIG_FILE || !f.contents) continue;
      if (existsSync(f.path) && !readFileSync(f.path).equals(f.contents)) conflicting.push(rel);
    }
    if (conflicting.length > 0) {
      throw new OptionError(
        `Refusing to overwrite ${conflicting.sort().join(', ')} (they exist and differ): re-run with --force to overwrite, or interactively to choose per file.`,
      );
    }
  }

  async install(): Promise<void> {
    if (this.options.skipInstall || this.options['skip-install']) return;
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
    const answers = this.answers as Answers;
    const folder = relative(process.cwd(), this.destinationRoot());
    const cd = folder === '' ? '' : `cd ${shellQuote(folder)} && `;
    this.log(`
Created ${answers.name} (${answers.modulePath}), Go ${answers.goVersion}, ${answers.base} image, port ${answers.port}.

Next steps:
  ${cd}make build test
  make docker-build       # image ${answers.name}:<git describe>; DOCKER=podman works too
  make docker-run         # read-only root filesystem, all capabilities dropped

Replay this run without questions:
  ${replayCommand(answers, 'go-minimal', folder === '' ? undefined : folder)}
`);
  }
}
