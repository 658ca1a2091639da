// What a real engine puts into the build context through the generated .dockerignore of an
// existing module: what //go:embed names stays in (dist/, a .crt), secrets stay out, and a merged
// .dockerignore keeps the project's own exclusions. Cheap: the probe image is FROM scratch with
// one COPY of the context, so no base image and no Go build.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { missing } from './tools.mjs';
import { CLI, FIXTURES } from '../helpers/generate.mjs';

// On Docker Engine: BuildKit sends the context through the generated .dockerignore.
const detected = await eng.useEngine('docker');
const skip = missing([!detected.ok && `Docker Engine (${detected.reason})`]);

describe('the build context through the generated .dockerignore', { skip }, () => {
  const tag = `gm-context-${process.pid}:probe`;
  let files;
  before(async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gm-context-')), 'embed-assets');
    cpSync(join(FIXTURES, 'embed-assets'), dir, { recursive: true });
    mkdirSync(join(dir, 'dist'));
    mkdirSync(join(dir, 'web/node_modules/x'), { recursive: true });
    for (const [f, text] of [
      ['dist/index.html', '<p>ui</p>\n'],
      ['server.key', 'secret\n'],
      ['.env', 'TOKEN=secret\n'],
      ['web/node_modules/x/index.js', '\n'],
      ['.dockerignore', 'web/node_modules\n'],
    ])
      writeFileSync(join(dir, f), text);
    const r = spawnSync(process.execPath, [CLI, 'docker', dir, '--yes', '--force'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    writeFileSync(join(dir, 'Probe.dockerfile'), 'FROM scratch\nCOPY . /ctx/\n');
    await eng.build({ context: dir, tag, file: 'Probe.dockerfile' });
    files = (await eng.imageFiles(tag)).filter((f) => f.startsWith('/ctx/')).map((f) => f.slice(5));
  });
  after(async () => {
    await eng.removeImage(tag, { force: true });
  });
  it('keeps what //go:embed names, although .dockerignore excludes dist/ and *.crt', () => {
    assert.ok(files.includes('dist/index.html'), files.join(' '));
    assert.ok(files.includes('certs/ca.crt'), files.join(' '));
  });
  it('keeps secrets out', () => {
    for (const f of ['server.key', '.env', '.yo-rc.json']) assert.ok(!files.includes(f), f);
  });
  it("keeps the project's own exclusion (merged, with --force)", () =>
    assert.ok(!files.some((f) => f.startsWith('web/node_modules')), files.join(' ')));
  it('the sources are there', () => assert.ok(files.includes('main.go') && files.includes('go.mod')));
});
