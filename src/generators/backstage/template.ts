/**
 * The Backstage Software Template (scaffolder.backstage.io/v1beta3) of a generator package: the
 * form from the option table (options/backstage.ts), then three steps — run:yeoman with every
 * answer as an option (so the portal's service is the one `go-minimal` writes with the same
 * answers), publish:github (publish:gitlab when the preset's ci is gitlab), catalog:register of
 * the catalog-info.yaml the generator wrote.
 */
import { templateForm } from '../../options/backstage.js';
import { kebab, optionNames } from '../../options/table.js';
import type { Preset } from '../../options/preset.js';

export interface TemplateSource {
  /** The generator package: generator-go-minimal, or a team generator built on it. */
  packageName: string;
  version: string;
  /** The preset its app generator applies (a team generator's own, or --preset). */
  preset?: Preset;
}

/** The yeoman namespace of a package's app generator: generator-acme-go → acme-go:app. */
export function appNamespace(packageName: string): string {
  return `${packageName.replace(/^(@[^/]+\/)?generator-/, '$1')}:app`;
}

/** A catalog entity name from a package name: letters, digits and '-' (the catalog's name rules). */
export function templateName(packageName: string): string {
  const base = appNamespace(packageName).replace(/:app$/, '').replace(/^@/, '');
  return `${base.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}-service`.slice(0, 63);
}

/** Backstage's publish action and repository host for the preset's CI (GitLab CI lives on GitLab). */
function publisher(preset?: Preset): { action: string; host: string } {
  return preset?.defaults.ci === 'gitlab'
    ? { action: 'publish:gitlab', host: 'gitlab.com' }
    : { action: 'publish:github', host: 'github.com' };
}

/** The template entity, as data (toYaml writes it). */
export function templateEntity({ packageName, version, preset }: TemplateSource): Record<string, unknown> {
  const form = templateForm(preset);
  const { action, host } = publisher(preset);
  // Every option the form may ask, in the generator's order (those it shows only after some answers too).
  const shown = [form.properties, ...form.conditions.map((c) => c.then.properties)];
  const asked = optionNames('app').filter((name) => shown.some((properties) => name in properties));
  // One option per answer: a whole-value expression keeps its type (a number stays a number).
  const options: Record<string, unknown> = {};
  for (const name of asked) options[name] = `\${{ parameters.${name} }}`;
  Object.assign(options, form.fixed);
  const locked = preset?.locked ?? [];
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: templateName(packageName),
      title: `Go service (${packageName})`,
      description: `A standard-library Go HTTP service and its minimal container image, made by ${packageName} ${version}${locked.length ? `; fixed by the preset: ${locked.map(kebab).join(', ')}` : ''}.`,
      tags: ['go', 'service'],
    },
    spec: {
      ...(preset?.defaults.owner ? { owner: preset.defaults.owner } : {}),
      type: 'service',
      parameters: [
        {
          title: 'Service',
          required: form.required,
          properties: form.properties,
          ...(form.conditions.length > 0 ? { allOf: form.conditions } : {}),
        },
        {
          title: 'Repository',
          required: ['repoUrl'],
          properties: {
            repoUrl: {
              title: 'Repository location',
              type: 'string',
              'ui:field': 'RepoUrlPicker',
              'ui:options': { allowedHosts: [host] },
            },
          },
        },
      ],
      steps: [
        {
          id: 'generate',
          name: `Generate the service (${appNamespace(packageName)})`,
          action: 'run:yeoman',
          input: { namespace: appNamespace(packageName), options },
        },
        {
          id: 'publish',
          name: 'Publish the repository',
          action,
          input: { repoUrl: '${{ parameters.repoUrl }}', defaultBranch: 'main', repoVisibility: 'private' },
        },
        {
          id: 'register',
          name: 'Register it in the catalog',
          action: 'catalog:register',
          input: {
            repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}',
            catalogInfoPath: '/catalog-info.yaml',
          },
        },
      ],
      output: {
        links: [
          { title: 'Repository', url: '${{ steps.publish.output.remoteUrl }}' },
          { title: 'Open in catalog', icon: 'catalog', entityRef: '${{ steps.register.output.entityRef }}' },
        ],
      },
    },
  };
}
