// Preloaded into a CLI run (`node --import <this> dist/cli.js …`): sends the process the signal
// GM_SIGNAL right after it renames a file into place, the last step of writing one (commit.ts,
// update/apply.ts): after the first file (GM_SIGNAL_AFTER=first) or after .yo-rc.json, which is
// written last (GM_SIGNAL_AFTER=last). This is the moment a user's Ctrl-C or a `kill` lands in,
// made exact, so the test does not depend on timing.
import fs from 'node:fs';
import { basename } from 'node:path';
import { syncBuiltinESMExports } from 'node:module';

const signal = process.env.GM_SIGNAL;
const after = process.env.GM_SIGNAL_AFTER ?? 'first';
if (signal) {
  const rename = fs.renameSync;
  let sent = false;
  fs.renameSync = (from, to) => {
    rename(from, to);
    if (!sent && (after === 'first' || basename(String(to)) === '.yo-rc.json')) {
      sent = true;
      process.kill(process.pid, signal);
    }
  };
  syncBuiltinESMExports();
}
