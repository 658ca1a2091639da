// Preloaded into a CLI run (`node --import <this> dist/cli.js …`): at exit, writes the process's
// peak resident set size in bytes to the file GM_RSS_FILE names, so a test can bound and report it.
import { writeFileSync } from 'node:fs';

const file = process.env.GM_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
