import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { replayCommand, templateData, type ProjectFacts } from '../derive.js';
import { dockerNotes } from './notes.js';
import { embedKeepLines, projectDockerignore, readDockerignore } from '../../module/dockerignore.js';
import { CONFIG_FILE, OptionsGenerator, type GenOptions } from '../base.js';
import { readBounded } from '../../io/fs-safety.js';
import { goVersionForModule, localGoMinor } from '../../image/go.js';
import { DOCKER_OPTION_NAMES, OPTIONS, OptionError, fixedAnswers, type Answers } from '../../options/table.js';
import { checkOption, describeValue } from '../../options/check.js';
import { readProject, type Project } from '../../module/project.js';
import { templatesPath } from '../../io/paths.js';
import { IMAGE_TEMPLATES, INCLUDE_LINE } from '../../image/files.js';
import { writeImageFiles } from './files.js';

const INCLUDE_RE = /^\s*-?include\s+docker\.mk\s*$/m;

/**
 * `yo go-minimal:docker` / `go-minimal docker`: adds the image (Dockerfile, .dockerignore,
 * docker.mk) to an existing Go module, derived from its go.mod and code. Its write step
 * (writeImageFiles) is what the app generator calls, so a project has one Dockerfile template.
 */
export default class DockerGenerator extends OptionsGenerator {
  readonly generatorName = 'docker';
  project?: Project;
  /** Set when an existing Makefile needs the include line and we may not add it. */
  includeHint = false;
  /** Why the builder's Go is not the one go.mod names (a go.mod older than supported). */
  goNote?: string;
  /** What the module adds to the template data (existing .dockerignore, embeds, time zones). */
  facts: ProjectFacts = {};

  constructor(args: string[], opts: GenOptions) {
    // customInstallTask: nothing to install (no package.json, and go.mod is the user's).
    super(args, opts, { customInstallTask: true, inheritTasks: true });
    // Explicit, so templates are found from a bundled bin too.
    this.sourceRoot(templatesPath('docker'));
    this.registerOptions('docker');
  }

  initializing(): void {
    const project = readProject(this.destinationRoot());
    this.project = project;
    const ours = readFileSync(this.templatePath('dockerignore.ejs'), 'utf8');
    this.facts = {
      vendored: project.hasVendor,
      loadsLocation: project.loadsLocation,
      dockerignoreOwn: projectDockerignore(readDockerignore(this.destinationRoot()), ours),
      embedKeep: embedKeepLines(project.embeds),
      runtimePaths: project.runtimePaths.map((p) => p.path),
    };
    const refused = project.refusedMains.map((m) => describeValue(m)).join(', ');
    if (project.mains.length === 0) {
      throw new OptionError(
        refused
          ? `No main package to build: ${refused} has a folder name --main refuses (letters, digits, '.', '_' and '-' only): rename the folder.`
          : `No main package in ${describeValue(this.destinationRoot())} or cmd/*: nothing to put in an image.`,
      );
    }
    if (refused)
      this.log(`note: left out ${refused}: a folder name --main refuses (letters, digits, '.', '_' and '-' only).`);
    const flagMain = this.given('main');
    if (flagMain !== undefined) {
      const normal = OPTIONS.main.coerce(flagMain);
      if (normal === undefined || !project.mains.includes(normal)) {
        throw new OptionError(
          `Invalid --main ${describeValue(flagMain)}: not a main package; use one of: ${project.mains.join(', ')}.`,
        );
      }
    }
    this.resolveAnswers(DOCKER_OPTION_NAMES, { project });
    const main = this.answers.main;
    if (main !== undefined && !project.mains.includes(main)) {
      // Only a stored or preset answer gets here (a flag was checked above): the code has moved on.
      throw new OptionError(
        `Invalid main ${describeValue(main)} in ${CONFIG_FILE}: not a main package; use one of: ${project.mains.join(', ')}.`,
      );
    }
    this.checkCgo();
    // From go.mod, not an option: one source of truth for the Go version. Checked like a flag,
    // before anything is written: a go line newer than any Go known here is refused.
    const { version, note } = goVersionForModule(project.goVersion, localGoMinor());
    this.answers.goVersion = checkOption('goVersion', version, { kind: 'file', file: 'go.mod' });
    this.goNote = note;
  }

  async prompting(): Promise<void> {
    if (!this.project) return;
    await this.promptMissing(DOCKER_OPTION_NAMES, { project: this.project }, { main: this.project.mains });
    // The service options are code: off, as this generator never edits the module's code.
    Object.assign(this.answers, fixedAnswers('docker'));
    this.checkCgo();
  }

  /** cgo needs a libc: only alpine has one. Refuse the static bases unless the user said --no-cgo. */
  private checkCgo(): void {
    const { cgo, base } = this.answers;
    if (cgo && base !== undefined && base !== 'alpine') {
      const why = this.project?.cgoReasons.length ? ` (${this.project.cgoReasons.join('; ')})` : '';
      throw new OptionError(
        `cgo is on${why}, but the ${base} image has no C library, so a cgo binary cannot start there: use --base alpine to build with cgo on musl, or --no-cgo to build a static binary anyway (what needs cgo will then fail to build or to work).`,
      );
    }
  }

  configuring(): void {
    const project = this.project!;
    this.answers.modulePath = project.mod.module;
    this.answers.healthcheck = project.healthcheckMains.includes(this.answers.main!);
    this.storeAnswers();
  }

  writing(): void {
    const data = templateData(this.answers as Answers, this.facts);
    writeImageFiles(this, data);
    this.renderExtras(IMAGE_TEMPLATES, data);
    const makefile = this.destinationPath('Makefile');
    const bytes = readBounded(makefile, 'Makefile', { root: this.destinationRoot() });
    if (bytes === undefined) return;
    const current = bytes.toString('utf8');
    if (INCLUDE_RE.test(current)) return;
    if (this.nonInteractive && !this.given('force')) {
      this.includeHint = true;
      return;
    }
    // Interactive: yeoman's conflict prompt shows this change and asks.
    const sep = current.endsWith('\n') ? '' : '\n';
    this.fs.write(makefile, `${current}${sep}\n# Container image targets (generator-go-minimal)\n${INCLUDE_LINE}\n`);
  }

  transform(): void {
    this.refuseConflicts();
  }

  end(): void {
    this.announcePreset();
    const a = this.answers as Answers;
    const project = this.project!;
    const summary = `Image for ${a.main} of ${describeValue(project.mod.module)}: Go ${a.goVersion} (from go.mod), ${a.base}, port ${a.port}, ${a.cgo ? 'cgo on musl' : 'static (CGO_ENABLED=0)'}.`;
    const lines: string[] = [];
    if (this.goNote) lines.push(`note: ${this.goNote}`);
    lines.push(...dockerNotes(a, project, this.facts, this.given('port') !== undefined));
    if (!a.cgo && project.cgoReasons.length > 0) {
      lines.push(
        `warning: built with CGO_ENABLED=0 although ${project.cgoReasons.join('; ')}: packages that need cgo will fail to build or lose features.`,
      );
    }
    if (!a.healthcheck) {
      const endpoint = project.healthEndpointMains.includes(a.main) ? ' (it has a health endpoint)' : '';
      lines.push(
        `No HEALTHCHECK: ${a.main} has no -healthcheck flag${endpoint}. To get one, add a -healthcheck flag that GETs http://127.0.0.1:$PORT/healthz with a short timeout and exits 0 or 1 (as \`go-minimal\`'s generated main.go does), then re-run.`,
      );
    }
    if (this.includeHint) {
      lines.push(
        `Your Makefile was left as it is: add the line \`${INCLUDE_LINE}\` to it, or use \`make -f docker.mk docker-build\`.`,
      );
    } else if (!existsSync(this.destinationPath('Makefile'))) {
      lines.push(`There is no Makefile: use \`make -f docker.mk docker-build\`, or add one with \`${INCLUDE_LINE}\`.`);
    }
    const folder = relative(process.cwd(), this.destinationRoot());
    const replay = replayCommand(a, DOCKER_OPTION_NAMES, {
      program: 'go-minimal docker',
      folder: folder || undefined,
      preset: typeof this.given('preset') === 'string' ? (this.given('preset') as string) : undefined,
    });
    this.finish(summary, lines, replay);
  }
}
