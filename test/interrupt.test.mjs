// Ctrl-C at a question (issue 9): exit 130, nothing written, no .yo-rc.json ahead of the files.
// A real terminal is needed for the prompts: `script` (util-linux, in Debian's essential
// bsdutils) runs the bin on a pseudo-terminal; ^C is sent once the question is on screen.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI } from './helpers/generate.mjs';
import { quote } from '../engine/index.mjs';

const HAVE_SCRIPT = spawnSync('script', ['--version']).status === 0;

/** Runs the bin on a terminal; sends ^C when `waitFor` appears on it. */
function interruptAt(args, cwd, waitFor) {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, CLI, ...args].map(quote).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (!sent && waitFor.test(out)) {
        sent = true;
        child.stdin.write('\x03');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, sent });
    });
  });
}

describe('Ctrl-C', { skip: HAVE_SCRIPT ? false : 'no `script` (util-linux) on this machine' }, () => {
  it('at the first question: exit 130, one line, no folder left', async () => {
    const base = mkdtempSync(join(tmpdir(), 'gm-int-'));
    const r = await interruptAt(['svc', '--skip-install'], base, /Service name/);
    assert.ok(r.sent, r.out);
    assert.equal(r.code, 130, r.out);
    assert.match(r.out, /go-minimal: interrupted at a question; nothing was written\./);
    assert.deepEqual(readdirSync(base), []);
  });
  it('at the overwrite question: exit 130, the old file kept, no .yo-rc.json', async () => {
    const base = mkdtempSync(join(tmpdir(), 'gm-int-'));
    mkdirSync(join(base, 'svc'));
    writeFileSync(join(base, 'svc/main.go'), 'package main\n');
    const flags = ['--name', 'svc', '--module-path', 'example.com/svc', '--go-version', '1.23'];
    const more = ['--base', 'scratch', '--port', '8080', '--healthcheck', '--ci', 'github', '--bot', 'renovate'];
    const service = ['--metrics', 'none', '--tracing', 'none', '--no-pprof', '--no-openapi'];
    const all = [...flags, ...more, ...service, '--no-kubernetes', '--no-compose', '--no-backstage', '--skip-install'];
    const r = await interruptAt(['svc', ...all], base, /Overwrite main\.go\?/);
    assert.ok(r.sent, r.out);
    assert.equal(r.code, 130, r.out);
    assert.deepEqual(readdirSync(join(base, 'svc')), ['main.go']);
    assert.equal(readFileSync(join(base, 'svc/main.go'), 'utf8'), 'package main\n');
  });
});
