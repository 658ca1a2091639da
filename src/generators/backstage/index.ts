/**
 * `go-minimal backstage [folder]` / `yo go-minimal:backstage`: writes template.yaml, the Backstage
 * Software Template of the package this generator belongs to. A team generator offers the same for
 * its own template with one file, generators/backstage/index.js:
 * `export { BackstageGenerator as default } from 'generator-go-minimal';` — its app generator is
 * then the one the template runs, with the preset that app generator applies.
 */
import { join, relative } from 'node:path';
import Generator from 'yeoman-generator';
import { writeFileAtomic } from '../../io/commit.js';
import { readBounded, unwritableReason } from '../../io/fs-safety.js';
import { packageFolderOf } from '../../io/paths.js';
import { OptionError } from '../../messages/errors.js';
import { flagsOf, givenOption, helpText } from '../../options/flags.js';
import type { Preset } from '../../options/preset.js';
import { generatorFile } from '../../update/render.js';
import type { OptionsGenerator } from '../base.js';
import { appNamespace, templateEntity } from './template.js';
import { toYaml } from './yaml.js';

export const TEMPLATE_FILE = 'template.yaml';

export default class BackstageGenerator extends Generator {
  private text = '';

  constructor(args: string[], opts: Generator['options']) {
    // Written by our own rules (writeFileAtomic, checked first), not through yeoman's commit.
    // inheritTasks: a team generator that extends this class (to declare migrations) runs its steps.
    super(args, opts, { customInstallTask: true, customCommitTask: true, inheritTasks: true });
    for (const f of flagsOf('backstage')) {
      this.option(f.flag, {
        type: f.type === 'boolean' ? Boolean : String,
        description: f.help,
        ...(f.short ? { alias: f.short } : {}),
      });
    }
  }

  override help(): string {
    return helpText('backstage', 'yo');
  }

  // Underscored: yeoman runs every other method of the prototype as a task.
  private _given(name: string): unknown {
    return givenOption(this.options as Record<string, unknown>, name);
  }

  /**
   * The preset the package's app generator applies: created (not run) in this environment, then
   * asked. The bin passes its app class (`appGenerator`): a bundle (create-go-minimal) has no
   * generator files to load.
   */
  private async _appPreset(packagePath: string, namespace: string): Promise<Preset | undefined> {
    const given = (this.options as { appGenerator?: unknown }).appGenerator;
    if (typeof given === 'function') {
      this.env.register(given as never, { namespace, packagePath, resolved: this.resolved });
    } else this.env.register(generatorFile(packagePath, 'app'), { namespace, packagePath });
    const preset = this._given('preset');
    const app = (await this.env.create(namespace, {
      generatorArgs: [],
      generatorOptions: { yes: true, skipInstall: true, ...(preset ? { preset } : {}) } as never,
    })) as unknown as OptionsGenerator;
    return app.templatePreset();
  }

  async initializing(): Promise<void> {
    // The bundle is the same generator: the backend installs generator-go-minimal.
    const own = this.rootGeneratorName();
    const packageName = own === 'create-go-minimal' ? 'generator-go-minimal' : own;
    const namespace = appNamespace(packageName);
    const preset = await this._appPreset(packageFolderOf(this.resolved), namespace);
    if (preset?.templatesDir && preset.origin) {
      throw new OptionError(
        `The preset ${preset.file} has templates (templatesDir), which a portal's backend never sees: ship them in a team generator (its template: yo <name>:backstage), or drop templatesDir.`,
      );
    }
    this.text = toYaml(templateEntity({ packageName, version: this.rootGeneratorVersion(), preset }));
  }

  writing(): void {
    const root = this.destinationRoot();
    const file = join(root, TEMPLATE_FILE);
    const existing = readBounded(file, TEMPLATE_FILE, { root });
    if (existing?.toString('utf8') === this.text) return;
    if (existing !== undefined && !this._given('force')) {
      throw new OptionError(`Refusing to overwrite ${TEMPLATE_FILE} (it exists and differs): re-run with --force.`);
    }
    const why = unwritableReason(root, file);
    if (why) throw new OptionError(`Cannot write ${TEMPLATE_FILE}: ${why}.`);
    writeFileAtomic(file, Buffer.from(this.text));
    this.log(
      `wrote ${relative(process.cwd(), file) || TEMPLATE_FILE}: register its URL in Backstage (catalog import).`,
    );
  }
}
