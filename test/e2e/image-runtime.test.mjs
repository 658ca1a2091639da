// Issue 17, item 7: an existing service that reads files at run time through relative paths
// (templates, a static UI, a flag's default folder, a file beside go.mod) gets an image that holds
// them at the path the binary expects. test/fixtures/runtime-files reads each on first use, so its
// health check passes either way: only a request shows whether the image is complete. On Docker
// Engine; the mutation (the generated WORKDIR removed) must fail the same requests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { CLI, FIXTURES } from '../helpers/generate.mjs';
import { makeImage, prepareImages, useImageEngine } from './imagecheck.mjs';

const skip = await useImageEngine('docker');
const SECURITY = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];
const EXPECTED = {
  '/static/a.txt': 'static file\n',
  '/ui/': 'the ui\n',
  '/page': '<p>page</p>\n',
  '/motd': 'message of the day\n',
};

/** Runs ref read-only and GETs every path; returns path → { status, body }. @param {string} ref */
async function requests(ref) {
  const name = eng.uniqueName('gm-runtime');
  const port = await eng.containerPort();
  await eng.run({ image: ref, name, publish: { [port]: 8080 }, args: SECURITY });
  try {
    await eng.waitForContainerHttp(`http://127.0.0.1:${port}/healthz`, { status: 200, timeoutMs: 15_000 });
    /** @type {Record<string, { status: number, body: string }>} */
    const got = {};
    for (const path of Object.keys(EXPECTED)) {
      const r = await eng.fetchContainer(`http://127.0.0.1:${port}${path}`);
      got[path] = { status: r.status, body: r.body };
    }
    return got;
  } finally {
    await eng.remove(name);
  }
}

describe('files read at run time are in the image (test/fixtures/runtime-files)', { skip }, () => {
  const cell = { id: 'runtime-files', options: {} };
  let dir = '';
  let printed = '';
  before(async () => {
    await prepareImages();
    dir = join(mkdtempSync(join(tmpdir(), 'gm-runtime-')), 'runtime-files');
    cpSync(join(FIXTURES, 'runtime-files'), dir, { recursive: true });
    const r = spawnSync(process.execPath, [CLI, 'docker', dir, '--yes'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    printed = r.stdout + r.stderr;
  });
  after(async () => {
    for (const tag of ['runtime-files:e2e', 'runtime-files:mutant']) await eng.removeImage(tag, { force: true });
  });

  it('says which paths it found and where they go', () => {
    assert.match(
      printed,
      /Run-time files: the code reads motd\.txt \(os\.ReadFile\("motd\.txt"\) in cmd\/web\/main\.go\); static \(http\.Dir\("\.\/static"\)/,
    );
    assert.match(
      printed,
      /templates \(template\.ParseGlob\("templates\/\*\.html"\)[^;]*\); web\/ui \(a flag's default "\.\/web\/ui"/,
    );
    assert.match(printed, /copied into the image at \/app, its working directory/);
  });

  it('every request the fixture serves from those files answers 200 with their content', async () => {
    const { ref } = await makeImage(cell, dir, 'runtime-files', 'e2e', { makeArgs: ['-f', 'docker.mk'] });
    const got = await requests(ref);
    for (const [path, body] of Object.entries(EXPECTED)) assert.deepEqual(got[path], { status: 200, body }, path);
  });

  it('the mutation: without the generated WORKDIR, the same requests fail (the health check still passes)', async () => {
    const file = join(dir, 'Dockerfile');
    const dockerfile = readFileSync(file, 'utf8');
    assert.match(dockerfile, /^WORKDIR \/app$/m);
    writeFileSync(file, dockerfile.replace(/^WORKDIR \/app\n/m, ''));
    try {
      const { ref } = await makeImage(cell, dir, 'runtime-files', 'mutant', { makeArgs: ['-f', 'docker.mk'] });
      const got = await requests(ref);
      for (const path of Object.keys(EXPECTED)) assert.notEqual(got[path].status, 200, `${path} still served`);
    } finally {
      writeFileSync(file, dockerfile);
    }
  });
});
