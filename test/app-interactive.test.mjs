// The app generator's questions, its behaviour over existing files, and its install step (go mod
// tidy); the non-interactive contract and the options are in test/app.test.mjs.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { APP, FIXED, helpers, runYes, ttyInSuite, withTty } from './helpers/generate.mjs';

describe('prompts', () => {
  ttyInSuite();

  it('asks every option in table order, with validated answers', async () => {
    const seen = [];
    const result = await helpers
      .run(APP)
      .withOptions({ skipInstall: true })
      .withAnswers(
        {
          name: 'asked',
          modulePath: 'example.com/asked/v3',
          goVersion: '1.22',
          base: 'distroless',
          port: '6060',
          healthcheck: false,
          ci: 'gitlab',
          bot: 'renovate',
          kubernetes: true,
          compose: true,
          backstage: true,
          owner: 'group:default/platform',
          system: 'system:default/payments',
          lifecycle: 'production',
        },
        {
          callback(answer, { question }) {
            seen.push(question.name);
            const verdict = question.validate(answer);
            assert.equal(verdict, true, `${question.name}: ${verdict}`);
            return question.filter ? question.filter(answer) : answer;
          },
        },
      );
    assert.deepEqual(seen, [
      'name',
      'modulePath',
      'goVersion',
      'base',
      'port',
      'healthcheck',
      'ci',
      'bot',
      'kubernetes',
      'compose',
      'metrics',
      'tracing',
      'pprof',
      'openapi',
      'backstage',
      'owner',
      'system',
      'lifecycle',
    ]);
    result.assertFileContent('go.mod', /^module example\.com\/asked\/v3$/m);
    result.assertFileContent('catalog-info.yaml', /^ {2}system: "system:default\/payments"$/m);
    result.assertFileContent('Dockerfile', /^EXPOSE 6060$/m);
    result.assertJsonFileContent('.yo-rc.json', {
      'generator-go-minimal': { port: 6060, healthcheck: false, kubernetes: true, compose: true },
    });
    result.assertFile(['deploy/kubernetes/deployment.yaml', 'compose.yaml']);
  });
  it("each prompt's validate rejects a bad answer with the accepted values", async () => {
    const bad = { name: 'UPPER', modulePath: 'x//y', goVersion: '1.20', base: 'ubuntu', port: '99999' };
    const messages = {};
    await helpers
      .run(APP)
      .withOptions({ skipInstall: true })
      .withAnswers(
        { ...bad, healthcheck: true },
        {
          callback(answer, { question }) {
            if (question.name in bad) messages[question.name] = question.validate(answer);
            // Continue with a valid value so the run completes.
            return question.name in bad ? question.default : answer;
          },
        },
      );
    assert.match(messages.name, /lowercase/);
    assert.match(messages.modulePath, /empty path element/);
    assert.match(messages.goVersion, /N from 22 to/);
    assert.match(messages.base, /scratch, distroless, alpine/);
    assert.match(messages.port, /1 to 65535/);
  });
  it('defaults follow earlier answers (module path from the name)', async () => {
    const result = await helpers
      .run(APP)
      .withOptions({ skipInstall: true, goVersion: '1.23' })
      .withAnswers({ name: 'chosen' });
    result.assertFileContent('go.mod', /^module example\.com\/chosen$/m);
  });
});

describe('existing files', () => {
  it('--yes without --force refuses to overwrite a different file, naming it, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-conflict-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM mine\n');
    writeFileSync(join(dir, 'Makefile'), 'all:\n');
    await assert.rejects(runYes({ force: false }).cd(dir), {
      message: /^Refusing to overwrite Dockerfile, Makefile \(they exist and differ\): re-run with --force/,
    });
    assert.deepEqual(readdirSync(dir).sort(), ['Dockerfile', 'Makefile']);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM mine\n');
  });
  it('--force overwrites', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-force-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM mine\n');
    await runYes({ force: true }).cd(dir);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /FROM scratch/);
  });
  it('a re-run with the same answers is not a conflict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gm-rerun-'));
    await runYes({ force: false, name: 'same' }).cd(dir);
    const before = readFileSync(join(dir, 'main.go'), 'utf8');
    await runYes({ force: false, name: 'same' }).cd(dir);
    assert.equal(readFileSync(join(dir, 'main.go'), 'utf8'), before);
  });
  it('interactive runs leave the choice to yeoman’s conflict prompt', async () => {
    const restore = withTty();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'gm-ask-'));
      writeFileSync(join(dir, 'README.md'), '# mine\n');
      // yeoman-test forces overwrites by default: turn that off in the environment too.
      const result = await helpers
        .run(APP, undefined, { force: false })
        .withOptions({ skipInstall: true, force: false, ...FIXED })
        .withAnswers({ name: 'ask', action: 'skip' })
        .cd(dir);
      assert.ok(
        result.askedQuestions.some((q) => q.name === 'action'),
        'the conflicter asked',
      );
      assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), '# mine\n');
      assert.ok(existsSync(join(dir, 'main.go')));
    } finally {
      restore();
    }
  });
});

describe('install step', () => {
  it('runs go mod tidy when go is on PATH', async () => {
    // A stand-in `go` on PATH: the spawn itself is mocked.
    const bin = mkdtempSync(join(tmpdir(), 'gm-fakego-'));
    writeFileSync(join(bin, 'go'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const result = await runYes({ skipInstall: false }).withSpawnMock();
      const calls = result.spawnStub.mock.calls.map((c) => c.arguments.slice(1, 3));
      assert.deepEqual(calls, [['go', ['mod', 'tidy']]]);
    } finally {
      process.env.PATH = path;
    }
  });
  it('without go it warns once and succeeds', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const result = await runYes({ skipInstall: false }).withSpawnMock();
      assert.equal(result.spawnStub.mock.calls.length, 0);
      result.assertFile('go.mod');
    } finally {
      process.env.PATH = path;
    }
  });
  it('--skip-install runs nothing', async () => {
    const result = await runYes({ skipInstall: true }).withSpawnMock();
    assert.equal(result.spawnStub.mock.calls.length, 0);
  });
});
