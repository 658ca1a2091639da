// The composition API: a team generator (test/fixtures/generator-acme-go) that extends or
// composes ours through the package's entry point.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { helpers } from './helpers/generate.mjs';
import * as api from 'generator-go-minimal';

const ACME = fileURLToPath(new URL('./fixtures/generator-acme-go/generators/app/index.js', import.meta.url));
const ACME_COMPOSE = fileURLToPath(
  new URL('./fixtures/generator-acme-go/generators/compose/index.js', import.meta.url),
);

describe('entry point', () => {
  it('exports the generator classes, the option table and the preset schema', () => {
    assert.equal(typeof api.AppGenerator, 'function');
    assert.equal(typeof api.DockerGenerator, 'function');
    assert.ok(Object.getPrototypeOf(api.AppGenerator) === api.OptionsGenerator);
    assert.deepEqual(Object.keys(api.OPTIONS), api.OPTION_NAMES);
    assert.equal(api.presetSchema().type, 'object');
  });
});

describe('a team generator extending AppGenerator', () => {
  it('applies its defaults, locks and extra templates', async () => {
    const result = await helpers
      .run(ACME)
      .withOptions({ yes: true, skipInstall: true, name: 'billing', goVersion: '1.23' });
    result.assertFileContent(
      'Dockerfile',
      /^FROM --platform=\$TARGETPLATFORM gcr\.io\/distroless\/static-debian13:nonroot$/m,
    );
    result.assertFileContent('Dockerfile', /^EXPOSE 8443$/m);
    result.assertFileContent('CONTRIBUTING.md', /^# Contributing to billing$/m);
    result.assertFileContent('CONTRIBUTING.md', /ship as gcr\.io\/distroless\/static-debian13:nonroot/);
    result.assertFile(['main.go', 'Makefile', 'docker.mk']);
  });
  it('rejects a flag that contradicts its lock', async () => {
    await assert.rejects(
      helpers.run(ACME).withOptions({ yes: true, skipInstall: true, base: 'scratch', goVersion: '1.23' }),
      { message: /^--base is locked to "distroless" by the preset object/ },
    );
  });
});

describe('a team generator composing AppGenerator', () => {
  it('gets our files plus its own', async () => {
    const result = await helpers
      .run(ACME_COMPOSE)
      .withOptions({ yes: true, skipInstall: true, name: 'ledger', goVersion: '1.23' });
    result.assertFileContent('Dockerfile', /^FROM --platform=\$TARGETPLATFORM alpine:/m);
    result.assertFileContent('CODEOWNERS', '* @acme/platform\n');
    result.assertFileContent('go.mod', /^module example\.com\/ledger$/m);
  });
});
