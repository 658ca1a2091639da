/**
 * `yo go-minimal:update [folder]`: the bin's `go-minimal update` under yo (update/index.ts does
 * the work). A team generator that extends it may declare `static migrations = [{ version, name,
 * run(tree) }]`: each runs once, in version order, on the merged tree (update/tree.ts). A team generator that extends ours offers the same for its own projects with one
 * line, `export { UpdateGenerator as default } from 'generator-go-minimal';` in its
 * generators/update/index.js: the base and "theirs" are then rendered by its own package.
 */
import Generator from 'yeoman-generator';
import { flagsOf, givenOption, helpText } from '../../options/flags.js';
import { runUpdate } from '../../update/index.js';
import type { TeamMigration } from '../../update/migrations.js';
import { packageFolderOf } from '../../io/paths.js';

export default class UpdateGenerator extends Generator {
  constructor(args: string[], opts: Generator['options']) {
    // inheritTasks: a team generator that extends this class (to declare migrations) runs its steps.
    super(args, opts, { customInstallTask: true, customCommitTask: true, inheritTasks: true });
    for (const f of flagsOf('update')) {
      this.option(f.flag, {
        type: f.type === 'boolean' ? Boolean : String,
        description: f.help,
        ...(f.short ? { alias: f.short } : {}),
      });
    }
    this.argument('folder', {
      type: String,
      required: false,
      description: 'The project (default: the current folder)',
    });
  }

  override help(): string {
    return helpText('update', 'yo');
  }

  async default(): Promise<void> {
    const given = (name: string) => givenOption(this.options as Record<string, unknown>, name);
    const packagePath = packageFolderOf(this.resolved);
    process.exitCode = await runUpdate({
      folder: ((this.options as Record<string, unknown>).folder as string | undefined) ?? this.destinationRoot(),
      running: {
        name: this.rootGeneratorName(),
        version: this.rootGeneratorVersion(),
        ref: async () => ({ kind: 'package', packagePath }),
      },
      from: given('from') as string | undefined,
      check: given('check') === true,
      verify: given('verify') !== false,
      yes: given('yes') === true,
      preset: given('preset') as string | undefined,
      allowDirty: given('allowDirty') === true,
      set: given('set') as string | string[] | undefined,
      json: given('json') === true,
      // The composition API: a team generator's update declares its per-version migrations.
      migrations: (this.constructor as { migrations?: readonly TeamMigration[] }).migrations,
      log: (line) => this.log(line),
    });
  }
}
