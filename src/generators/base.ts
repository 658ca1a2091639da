/**
 * What the app and docker generators share: options registered from the table, answers resolved
 * as flag > stored (.yo-rc.json) > preset > default (or prompt), presets with locks and template
 * overrides, and the non-interactive conflict guard.
 */
import { join, relative } from 'node:path';
import Generator, { type BaseOptions, type BaseFeatures } from 'yeoman-generator';
import { ciBotConflict } from '../image/ci.js';
import { moduleGoConflict } from '../image/modules.js';
import { serviceMonitorConflict } from '../options/validate.js';
import { commitFiles, type CommitEnv } from '../io/commit.js';
import { InputError, guardReads, readBounded, readJsonInput, type LoadingStore } from '../io/fs-safety.js';
import { localGoMinor } from '../image/go.js';
import { deprecationNotes, flagsOf, givenOption, helpText } from '../options/flags.js';
import {
  CONFIG_FILE,
  OPTIONS,
  applies,
  askable,
  storedAnswers,
  folderNameOf,
  kebab,
  OptionError,
  type AnswerName,
  type Answers,
  type DefaultContext,
  type GeneratorName,
  type OptionSpec,
} from '../options/table.js';
import { checkOption, describeValue, promptValidator } from '../options/check.js';
import {
  findPresetFile,
  loadPreset,
  parsePreset,
  presetIdentity,
  type Preset,
  type PresetInput,
} from '../options/preset.js';
import type { Provenance } from '../options/provenance.js';
import type { FileEntry } from '../image/files.js';
import { RESULT_TO_BIN, runResult } from './result.js';
import { extraTemplates, templatePath } from './templates.js';
import { checkStoredEntry } from '../options/schema.js';
import { LockedError } from '../messages/errors.js';

/** Re-exported for the generators (its home is io/paths.ts). */
export { CONFIG_FILE };

/**
 * Options as given: in code (a team generator, yeoman-test, the bin) in camelCase; under yo as
 * yeoman parsed the kebab-case flags. Read them with {@link OptionsGenerator.given}. Table options
 * stay raw (validated in initializing); absent ones are undefined.
 */
export type GenOptions = BaseOptions &
  Partial<Record<AnswerName, unknown>> & {
    yes?: boolean;
    force?: boolean;
    /** A preset file, or (from a team generator) a preset object. */
    preset?: string | PresetInput;
    skipInstall?: boolean;
  };

export type { FileEntry };

/**
 * The JSON files yeoman reads from the destination (.yo-rc.json, package.json), read first by our
 * rules: one line naming the file and the line of a syntax error, never its text; invalid UTF-8
 * is refused (yeoman would write another tool's entry back with its bytes replaced).
 */
function checkJsonFiles(root: string): void {
  for (const file of [CONFIG_FILE, 'package.json']) {
    const json = readJsonInput(join(root, file), file, { root });
    if (json !== undefined && (json === null || typeof json !== 'object' || Array.isArray(json))) {
      throw new InputError(`Cannot use ${file}: it must hold a JSON object, not ${describeValue(json)}.`);
    }
  }
}

export abstract class OptionsGenerator extends Generator<Partial<Answers>, GenOptions> {
  /** Resolved answers; complete after prompting. */
  answers: Partial<Answers> = {};
  preset?: Preset;

  constructor(args: string[], opts: GenOptions, features: BaseFeatures = {}) {
    // Before super(), which reads .yo-rc.json and package.json: every read of the destination's
    // files is checked (fs-safety.ts), so a planted FIFO or /dev/zero link is one line, not a hang.
    const env = (opts as { env?: { cwd?: string; sharedFs?: LoadingStore } }).env;
    const root = opts.destinationRoot ?? env?.cwd ?? process.cwd();
    if (env?.sharedFs) guardReads(env.sharedFs, root);
    checkJsonFiles(root);
    // Our commit (commit.ts): checked before the first byte, .yo-rc.json last, nothing through a link.
    const ref: { gen?: OptionsGenerator } = {};
    super(args, opts, {
      ...features,
      customCommitTask: () => commitFiles(ref.gen!.env as unknown as CommitEnv, ref.gen!.destinationRoot()),
    });
    ref.gen = this;
  }

  /** Which options this generator takes (the option table's owners). */
  abstract readonly generatorName: GeneratorName;

  /**
   * Registers the generator's flags with yeoman, as the bin parses them (flags.ts): kebab-case,
   * without defaults (an absent flag stays undefined).
   */
  protected registerOptions(generator: GeneratorName): void {
    // A team generator may pass a preset object; option parsing would turn it into a string.
    const given = this.options.preset;
    for (const f of flagsOf(generator)) {
      this.option(f.flag, {
        type: f.type === 'boolean' ? Boolean : String,
        description: f.help,
        ...(f.short ? { alias: f.short } : {}),
      });
    }
    if (given && typeof given === 'object') this.options.preset = given;
  }

  /** `yo go-minimal --help`: the bin's help, from the same table. */
  override help(): string {
    return helpText(this.generatorName, 'yo');
  }

  /**
   * The .yo-rc.json key, also from create-go-minimal (the same generator, bundled): a project
   * keeps one config whichever front door made it.
   */
  override rootGeneratorName(): string {
    const name = super.rootGeneratorName();
    return name === 'create-go-minimal' ? 'generator-go-minimal' : name;
  }

  /** An option as given: a kebab-case flag (yo) or a camelCase option (code); both differing is refused. */
  protected given(name: string): unknown {
    const options: Record<string, unknown> = { ...(this.options as Record<string, unknown>) };
    // yeoman-generator registers --skip-install itself, with the default false: false there means
    // "not given" (the only one of its own options that is also ours).
    if (options['skip-install'] === false) delete options['skip-install'];
    // An option passed in code is read as given: yeoman converts a registered one with its type
    // (Boolean('false') is true), and the table's check must see the raw value.
    const init = this._initOptions as Record<string, unknown>;
    if (init[name] !== undefined) options[name] = init[name];
    return givenOption(options, name);
  }

  /**
   * Given on yo's command line (kebab-case), not in code: yeoman-test and yeoman's own defaults
   * pass `skipInstall` in code, and the bin parses (and notes) its flags itself.
   */
  private givenAsFlag(name: string): boolean {
    const value = (this.options as Record<string, unknown>)[kebab(name)];
    // yeoman registers --skip-install with the default false: false there means "not given".
    return value !== undefined && !(name === 'skipInstall' && value === false);
  }

  /** No questions: --yes, or no terminal to ask on. */
  get nonInteractive(): boolean {
    return Boolean(this.given('yes')) || process.stdin.isTTY !== true;
  }

  /** Notes already printed (a prompt may compute its default more than once). */
  private notesShown = new Set<string>();

  protected defaultContext(extra: Partial<DefaultContext> = {}): DefaultContext {
    return {
      folderName: folderNameOf(this.destinationRoot()),
      answers: this.answers,
      localGoMinor,
      note: (line) => {
        if (this.notesShown.has(line)) return;
        this.notesShown.add(line);
        this.log(`note: ${line}`);
      },
      ...extra,
    };
  }

  /**
   * The preset from --preset (file or object), else a .go-minimal.json found from the
   * destination up (see findPresetFile). Trust is explicit: templates are code (EJS runs
   * JavaScript), so a found preset with a templatesDir is refused until the user names it.
   * Every run that uses a preset file says which.
   */
  protected loadPreset(): Preset | undefined {
    const given = this.given('preset');
    if (given && typeof given === 'object') return parsePreset(given, 'the preset object', this.destinationRoot());
    if (typeof given === 'string' && given !== '') {
      return { ...loadPreset(given), origin: 'named by --preset' };
    }
    const found = findPresetFile(this.destinationRoot());
    if (!found) return undefined;
    const preset = loadPreset(found);
    if (preset.templatesDir) {
      throw new OptionError(
        `Refusing the preset ${found}: it was found, not named, and its templatesDir (${preset.templatesDir}) is code that would run; to trust it, name it: --preset ${found}.`,
      );
    }
    return { ...preset, origin: 'found; data only' };
  }

  /**
   * The preset this generator applies (a team generator's own object, --preset, or a found one),
   * for a Backstage template of it (go-minimal backstage): read, not used to run.
   */
  templatePreset(): Preset | undefined {
    return this.loadPreset();
  }

  /**
   * Stores the answers and what generated them (provenance.ts) in `.yo-rc.json`: the package
   * (a team generator's own), its version, this generator, the preset's identity.
   */
  protected storeAnswers(): void {
    const given = this.given('preset');
    const provenance: Provenance = {
      generator: this.generatorName,
      generatorPackage: this.rootGeneratorName(),
      generatorVersion: this.rootGeneratorVersion(),
      ...(this.preset
        ? {
            preset: presetIdentity(
              this.preset,
              this.destinationRoot(),
              given && typeof given === 'object' ? given : undefined,
            ),
          }
        : {}),
    };
    this.config.set({ ...storedAnswers(this.generatorName, this.answers), ...provenance });
    // A preset of an earlier run no longer applies (Storage is typed by the answers' keys).
    if (!this.preset) (this.config as unknown as { delete(key: string): void }).delete('preset');
  }

  /**
   * The end of a run: `notes` on stderr with yeoman's log; the one-line summary and the replay
   * command to the bin (result.ts), which prints them on stdout, or, under yo, logged with the notes.
   */
  protected finish(summary: string, notes: string[], replay: string): void {
    if ((this.options as Record<string, unknown>)[RESULT_TO_BIN] === true) {
      runResult.value = { summary, replay };
      if (notes.length > 0) this.log(notes.join('\n'));
      return;
    }
    this.log(['', summary, ...notes, '', 'Replay this run without questions:', `  ${replay}`, ''].join('\n'));
  }

  /** Says which preset file shaped the run (at its end: an error stays the only line). */
  protected announcePreset(): void {
    if (this.preset?.origin) this.log(`preset: ${this.preset.file} (${this.preset.origin})`);
  }

  /**
   * Resolves answers before anything is written: a flag (validated; rejected if it contradicts a
   * lock), else the locked or stored value, else the preset's, else — without questions — the default.
   */
  protected resolveAnswers(names: AnswerName[], extra: Partial<DefaultContext> = {}): void {
    // A flag kept for released command lines (docs/releasing.md) says so; the bin notes its own.
    for (const line of deprecationNotes(this.generatorName, (name) => this.givenAsFlag(name))) this.log(line);
    this.preset = this.loadPreset();
    const preset = this.preset;
    const stored = checkStoredEntry(this.fs.readJSON(this.config.path), this.config.name ?? '', CONFIG_FILE);
    for (const name of names) {
      const flag = this.given(name);
      if (!applies(name, this.answers)) {
        const other = OPTIONS[name].onlyWith!;
        if (flag !== undefined) {
          throw new OptionError(
            `--${kebab(name)} is used only with --${kebab(other)}: add --${kebab(other)}, or drop --${kebab(name)}.`,
          );
        }
        continue;
      }
      const locked = preset?.locked.includes(name);
      let value: unknown;
      if (flag !== undefined) {
        value = checkOption(name, flag, { kind: 'flag' });
        if (locked && value !== preset!.defaults[name]) {
          throw new LockedError(
            `--${kebab(name)} is locked to ${JSON.stringify(preset!.defaults[name])} by ${preset!.file}: drop the flag, or change the preset.`,
            name,
            preset!.defaults[name],
            preset!.file,
          );
        }
      } else if (locked) value = preset!.defaults[name];
      else if (stored[name] !== undefined) value = stored[name];
      else if (preset && preset.defaults[name] !== undefined) value = preset.defaults[name];
      else if (this.nonInteractive) {
        // A default read from the folder or the code is checked like a flag before it is used.
        const fallback = (OPTIONS[name] as OptionSpec<unknown>).default(this.defaultContext(extra));
        value = checkOption(name, fallback, { kind: 'default' });
      }
      if (value !== undefined) (this.answers as Record<string, unknown>)[name] = value;
    }
    this.checkCombinations();
  }

  /** Answers valid alone but not together (ci.ts): refused in one line, before anything is written. */
  protected checkCombinations(): void {
    const conflict =
      ciBotConflict(this.answers) ?? moduleGoConflict(this.answers) ?? serviceMonitorConflict(this.answers);
    if (conflict) throw new OptionError(conflict);
  }

  /** Asks every answer still missing, with the table's prompt, default and validator. */
  protected async promptMissing(
    names: AnswerName[],
    extra: Partial<DefaultContext> = {},
    choices: Partial<Record<AnswerName, string[]>> = {},
  ): Promise<void> {
    const missing = names.filter((name) => this.answers[name] === undefined);
    if (missing.length === 0) return;
    const ctx = this.defaultContext(extra);
    const questions = missing.map((name) => {
      const spec = OPTIONS[name] as OptionSpec<unknown>;
      return {
        type: spec.prompt.type,
        name,
        message: spec.prompt.message,
        when: (soFar: Partial<Answers>) => askable(name, { ...this.answers, ...soFar }),
        choices: choices[name] ?? (spec.choices ? [...spec.choices] : undefined),
        default: (soFar: Partial<Answers>) => {
          try {
            const value = spec.default({ ...ctx, answers: { ...this.answers, ...soFar } });
            return spec.kind === 'integer' ? String(value) : value;
          } catch {
            return undefined; // no default (e.g. several main packages): the user chooses
          }
        },
        validate: promptValidator(name),
        filter: (input: unknown) => spec.coerce(input) ?? input,
      };
    });
    const given = (await this.prompt(questions as never)) as Record<string, unknown>;
    for (const name of names) {
      const spec = OPTIONS[name] as OptionSpec<unknown>;
      // An answer that no longer means anything (owner, after "no" to backstage) is dropped.
      if (!applies(name, { ...this.answers, ...given })) delete (this.answers as Record<string, unknown>)[name];
      else if (missing.includes(name)) {
        // A question not asked (askWhen) takes its default, checked like one.
        const skipped = spec.askWhen !== undefined && given[name] === undefined;
        (this.answers as Record<string, unknown>)[name] = skipped
          ? checkOption(name, spec.default({ ...ctx, answers: this.answers }), { kind: 'default' })
          : checkOption(name, given[name], { kind: 'prompt' });
      }
    }
    this.checkCombinations();
  }

  /** A built-in template (of `root`, default this generator's templates), or the preset's file of the same relative path. */
  protected templateSource(template: string, root = this.sourceRoot()): string {
    return templatePath(template, root, this.preset?.templatesDir);
  }

  /** Renders templates (of `root`, default this generator's) with the data. */
  renderFiles(files: readonly FileEntry[], data: object, root?: string): void {
    for (const file of files) this.renderTemplate(this.templateSource(file.template, root), file.dest, data);
  }

  /**
   * Files of the preset's templatesDir that override no built-in template are rendered too, with
   * the same data, to their relative path without `.ejs`.
   */
  protected renderExtras(builtIn: readonly string[], data: object): void {
    for (const { source, dest } of extraTemplates(this.preset?.templatesDir, builtIn)) {
      this.renderTemplate(source, dest, data);
    }
  }

  /**
   * Non-interactive runs cannot answer yeoman's conflict prompt: fail with one line naming every
   * existing file that would change, before anything reaches the disk (files are written in the
   * `conflicts` step, after `transform`).
   */
  protected refuseConflicts(): void {
    if (!this.nonInteractive || this.given('force')) return;
    const root = this.destinationRoot();
    const conflicting: string[] = [];
    for (const file of this.env.sharedFs.all()) {
      const f = file as { path: string; contents: Buffer | null; state?: string };
      const rel = relative(root, f.path);
      if (f.state !== 'modified' || rel.startsWith('..') || rel === CONFIG_FILE || !f.contents) continue;
      const existing = readBounded(f.path, describeValue(rel), { root });
      if (existing !== undefined && !existing.equals(f.contents)) conflicting.push(rel);
    }
    if (conflicting.length > 0) {
      throw new OptionError(
        `Refusing to overwrite ${conflicting.sort().join(', ')} (they exist and differ): re-run with --force to overwrite, or interactively to choose per file.`,
      );
    }
  }
}
