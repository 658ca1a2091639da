// .ci/repair-statoverride against a temporary statoverride file, with getent, groupadd and
// useradd stubbed on PATH over a fake account database: what it creates, and that a second run
// creates nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../.ci/repair-statoverride', import.meta.url));

/** Stubs over $FAKE/group and $FAKE/passwd; every groupadd/useradd call is logged to $FAKE/calls. */
const STUBS = {
  getent: `#!/bin/sh
grep "^$2:" "$FAKE/$1"`,
  groupadd: `#!/bin/sh
echo "groupadd $*" >> "$FAKE/calls"
for last; do :; done
echo "$last:x:999:" >> "$FAKE/group"`,
  useradd: `#!/bin/sh
echo "useradd $*" >> "$FAKE/calls"
for last; do :; done
echo "$last:x:998:998::/nonexistent:/usr/sbin/nologin" >> "$FAKE/passwd"`,
};

function setup() {
  const fake = mkdtempSync(join(tmpdir(), 'gm-statoverride-'));
  for (const [name, text] of Object.entries(STUBS)) {
    writeFileSync(join(fake, name), `${text}\n`);
    chmodSync(join(fake, name), 0o755);
  }
  writeFileSync(join(fake, 'group'), 'root:x:0:\nnogroup:x:65534:\ngm-daemon:x:120:\n');
  writeFileSync(join(fake, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  writeFileSync(join(fake, 'calls'), '');
  // As on the fresh machines: groups that were never created, a user too, and numeric ids.
  const file = join(fake, 'statoverride');
  writeFileSync(
    file,
    [
      'root ssl-cert 710 /etc/ssl/private',
      'root messagebus 4754 /usr/lib/dbus-1.0/dbus-daemon-launch-helper',
      'gm-daemon gm-daemon 750 /var/lib/gm-daemon',
      'root ssl-cert 640 /etc/ssl/private/other',
      '#1234 #1234 755 /srv/by-id',
      '',
    ].join('\n'),
  );
  const run = () =>
    spawnSync('bash', [SCRIPT, file], {
      encoding: 'utf8',
      env: { PATH: `${fake}:/usr/bin:/bin`, FAKE: fake },
    });
  return { fake, file, run, calls: () => readFileSync(join(fake, 'calls'), 'utf8') };
}

describe('.ci/repair-statoverride', () => {
  it('creates each missing group and user named in the file, once, and no id-only entry', () => {
    const t = setup();
    const r = t.run();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      t.calls(),
      [
        'groupadd -r messagebus',
        'groupadd -r ssl-cert',
        'useradd -r -M -d /nonexistent -s /usr/sbin/nologin -g gm-daemon gm-daemon',
        '',
      ].join('\n'),
    );
    assert.match(r.stdout, /created system group ssl-cert/);
    assert.match(r.stdout, /created system user gm-daemon/);
  });

  it('a second run finds nothing to do', () => {
    const t = setup();
    assert.equal(t.run().status, 0);
    const before = t.calls();
    const r = t.run();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(t.calls(), before);
  });

  it('a user with no group of its name gets nogroup', () => {
    const t = setup();
    writeFileSync(t.file, 'svc root 755 /srv/svc\n');
    assert.equal(t.run().status, 0);
    assert.equal(t.calls(), 'useradd -r -M -d /nonexistent -s /usr/sbin/nologin -g nogroup svc\n');
  });

  it('no statoverride file: nothing to do', () => {
    const t = setup();
    const r = spawnSync('bash', [SCRIPT, join(t.fake, 'absent')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
  });
});
