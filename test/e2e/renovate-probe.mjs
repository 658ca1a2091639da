// Renovate's own code, offline, on a generated project: its managers extract the dependencies of
// go.mod, the Dockerfile and the CI file; the project's renovate.json (presets resolved by
// Renovate) is applied to each with Renovate's package-rule matcher; and each Dockerfile image is
// pinned with the manager's own replacement template, then extracted again (the `# syntax=` line
// included: renovatebot/renovate discussion 28074). Run by renovate.test.mjs under the Node that
// Renovate requires: node renovate-probe.mjs <renovate package dir> <project dir>. Prints one
// line, `RESULT <json>`.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkg, project] = process.argv.slice(2);
/** @param {string} rel */
const load = (rel) => import(pathToFileURL(join(pkg, 'dist', rel)).href);
/** @param {string} rel */
const read = (rel) => readFileSync(join(project, rel), 'utf8');

const { GlobalConfig } = await load('config/global.js');
const { resolveConfigPresets } = await load('config/presets/index.js');
const { applyPackageRules } = await load('util/package-rules/index.js');
const { compile } = await load('util/template/index.js');
const managers = {
  dockerfile: await load('modules/manager/dockerfile/extract.js'),
  gomod: await load('modules/manager/gomod/extract.js'),
  'github-actions': await load('modules/manager/github-actions/extract.js'),
  gitlabci: await load('modules/manager/gitlabci/extract.js'),
};

/** Every file each manager reads here, as Renovate's default managerFilePatterns would find them. */
const files = [
  ['gomod', 'go.mod'],
  ['dockerfile', 'Dockerfile'],
  ['gitlabci', '.gitlab-ci.yml'],
  ...(existsSync(join(project, '.github/workflows'))
    ? readdirSync(join(project, '.github/workflows')).map((f) => ['github-actions', `.github/workflows/${f}`])
    : []),
].filter(([, file]) => existsSync(join(project, file)));

/** @param {string} manager @param {string} file @param {string} content */
async function extract(manager, file, content) {
  const res = await managers[manager].extractPackageFile(content, file, {});
  return (res?.deps ?? []).map((/** @type {any} */ d) => ({ ...d, manager, file }));
}

// The repository's checkout, where a manager reads a file beside the one it extracts.
GlobalConfig.set({ localDir: project });
const { config } = await resolveConfigPresets(JSON.parse(read('renovate.json')));
const deps = (await Promise.all(files.map(([m, f]) => extract(m, f, read(f))))).flat();
const ruled = [];
for (const dep of deps) {
  const { manager, depName, packageName, datasource, depType, currentValue, file } = dep;
  const applied = await applyPackageRules({
    ...config,
    manager,
    depName,
    packageName,
    datasource,
    depType,
    currentValue,
  });
  ruled.push({
    file,
    manager,
    depName,
    depType,
    datasource,
    currentValue,
    groupName: applied.groupName ?? null,
    pinDigests: applied.pinDigests ?? false,
    rangeStrategy: applied.rangeStrategy ?? null,
    postUpdateOptions: applied.postUpdateOptions ?? [],
  });
}

// Pin every Dockerfile image as Renovate's digest-pinning update writes it (tag kept).
let pinned = read('Dockerfile');
const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
for (const dep of deps.filter((d) => d.manager === 'dockerfile' && d.replaceString)) {
  const next = compile(dep.autoReplaceStringTemplate, { ...dep, newValue: dep.currentValue, newDigest: digest });
  pinned = pinned.replace(dep.replaceString, next);
}
const again = (await extract('dockerfile', 'Dockerfile', pinned)).map((d) => ({
  depName: d.depName,
  depType: d.depType,
  currentValue: d.currentValue,
  currentDigest: d.currentDigest ?? null,
}));

console.log(`RESULT ${JSON.stringify({ deps: ruled, pinned, again })}`);
