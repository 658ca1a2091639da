/**
 * What generated a project, recorded beside the answers in `.yo-rc.json` so that `go-minimal
 * update` can render the same project again with the version that made it (the merge's base):
 *
 *   generator         which of the package's generators wrote the entry (app | docker)
 *   generatorPackage  the npm package (a team generator that extends ours records its own)
 *   generatorVersion  its version; an entry without one was made by 0.1.0
 *   preset            the preset's file and a SHA-256 of its content and its templatesDir
 *
 * Written by the generators; read (and checked, one line per problem) by the update.
 */
import type { GeneratorName } from './types.js';

export interface PresetIdentity {
  /** The preset file, relative to the project when it is inside it or near it; a label for an object. */
  file: string;
  /** SHA-256 (hex) of the preset's content and of every file of its templatesDir. */
  sha256: string;
  /** Whether it has a templatesDir: templates are code, so an update needs the preset named again. */
  templates: boolean;
  /** A file (named or found), or an object a team generator passes (its own, at every version). */
  given: 'file' | 'generator';
}

export interface Provenance {
  generator: GeneratorName;
  generatorPackage: string;
  generatorVersion: string;
  /** Names of the team generator's migrations that have run (update/migrations.ts). */
  migrations?: string[];
  preset?: PresetIdentity;
}

/** The version that made a project whose entry records none. */
export const FIRST_VERSION = '0.1.0';

/** A release version as npm publishes it: no ranges, tags, URLs or file specs. */
export const VERSION_PATTERN = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$/;

/** The provenance keys' JSON Schema, merged into the `.yo-rc.json` entry's schema (schema.ts). */
export const PROVENANCE_SCHEMA: Record<string, Record<string, unknown>> = {
  generator: { description: 'The generator that wrote this entry', enum: ['app', 'docker'] },
  generatorPackage: {
    description: 'The npm package of that generator',
    type: 'string',
    pattern: '^(@[a-z0-9-~][a-z0-9-._~]*/)?[a-z0-9-~][a-z0-9-._~]*$',
    maxLength: 214,
  },
  generatorVersion: {
    description: 'Its version (absent: 0.1.0)',
    type: 'string',
    pattern: VERSION_PATTERN.source,
    maxLength: 64,
  },
  migrations: {
    description: "The team generator's migrations that have run on this project (each runs once)",
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 200 },
    uniqueItems: true,
  },
  preset: {
    description: 'The preset used: file, SHA-256 of its content and templates, whether it has templates',
    type: 'object',
    additionalProperties: false,
    required: ['file', 'sha256', 'templates', 'given'],
    properties: {
      file: { type: 'string', maxLength: 4096 },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      templates: { type: 'boolean' },
      given: { enum: ['file', 'generator'] },
    },
  },
};

export const PROVENANCE_KEYS = Object.keys(PROVENANCE_SCHEMA);

/** What each provenance key accepts, for its one-line error (schema.ts). */
export const PROVENANCE_HINTS: Readonly<Record<string, string>> = {
  generator: 'use app or docker',
  generatorPackage: 'use an npm package name',
  generatorVersion: 'use a release version such as 0.2.0',
  migrations: 'use a list of migration names, each once',
  preset: 'use an object {file, sha256, templates, given} as the generator writes it, or delete the key',
};
