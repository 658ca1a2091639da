// A service with requires builds its image for real on the suite's Docker Engine: `go mod
// download` in the builder reaches a module proxy only through the GOPROXY build arg that
// docker.mk passes from `go env`.
//
// Hermetic: the proxy serves the test's own module cache from inside the daemon's network
// namespace, on the address its RUN steps reach without any build flag (the default bridge's
// gateway there, the way a build reaches a proxy on its host), and the service also requires a
// module with a fresh version on every run that only this server has (gm-e2e.invalid never
// resolves). So the build cannot succeed from the builder's module cache or from the public
// proxy: only through the build arg. A private-module netrc goes in as a build secret, and stays
// out of every file of the image and of the builder stage.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as eng from '../../engine/index.mjs';
import { generate, run } from './golevel.mjs';
import { checkContainer, goBins, localRef, makeImage, prepareImages, useImageEngine } from './imagecheck.mjs';
import { E2E_GO_VERSIONS, cellAnswers, cellFlags } from './matrix.mjs';
import { startModProxy, writeProxyModule } from './modproxy.mjs';
import { startProxyInNetns } from './netns-servers.mjs';

const goVersion = E2E_GO_VERSIONS.at(-1);
const imageSkip = await useImageEngine('docker');
const SYNC = 'golang.org/x/sync';
const SYNC_VERSION = 'v0.7.0';
const ONLY = 'gm-e2e.invalid/only';
const NETRC_PASSWORD = 'e2e-netrc-secret-do-not-ship';
const ARG_LINE = 'ARG GOPROXY GONOSUMDB GOPRIVATE GOFLAGS\n';

const cell = { id: 'modules', options: { base: 'scratch', goVersion, healthcheck: true, name: 'modsvc' } };
const answers = cellAnswers(cell);

/** The service's use of both requires, so `go mod tidy` keeps them. */
const DEPS_GO = `package main

import (
	"gm-e2e.invalid/only"
	"golang.org/x/sync/errgroup"
)

var _ errgroup.Group

var _ = only.Word
`;

/** Module settings for the go command on the host, and for make (docker.mk reads them from go env). */
function goEnv(tmp, goproxy) {
  return {
    PATH: `${goBins[goVersion]}:${process.env.PATH}`,
    GOTOOLCHAIN: 'local',
    GOMODCACHE: join(tmp, 'modcache'),
    GOPROXY: goproxy,
    GONOSUMDB: ONLY,
    GOPRIVATE: '',
    GOFLAGS: '-modcacherw',
  };
}

// Over 60 lines: one describe per scenario (STYLE.md 6), as long as its list of behaviours.
describe('an image of a service with requires, through the GOPROXY build arg', { skip: imageSkip }, () => {
  let tmp, dir, proxy, env, netrc, image, version;

  before(async () => {
    await prepareImages();
    tmp = mkdtempSync(join(tmpdir(), 'gm-immod-'));
    dir = join(tmp, answers.name);
    await generate(cell, dir, [...cellFlags(cell), '--skip-install'], goBins[goVersion]);
    version = `v1.0.${Date.now()}`;
    writeProxyModule(join(tmp, 'only'), ONLY, version, {
      'only.go': 'package only\n\n// Word is served by the test proxy only.\nconst Word = "only-here"\n',
    });
    const roots = [join(tmp, 'only'), join(tmp, 'modcache/cache/download')];
    // For go get and tidy on the host; the build's proxy serves the same roots in the daemon's
    // network namespace.
    const hostSide = await startModProxy(roots);
    // go.sum from the network: the public proxy (the host's own setting) for the real module.
    const hostProxy = spawnSync('go', ['env', 'GOPROXY'], {
      encoding: 'utf8',
      env: { ...process.env, ...goEnv(tmp, '') },
    });
    writeFileSync(join(dir, 'deps.go'), DEPS_GO);
    const tidyEnv = goEnv(tmp, `${hostSide.url},${hostProxy.stdout.trim()}`);
    await run(cell, 'go', ['get', `${SYNC}@${SYNC_VERSION}`, `${ONLY}@${version}`], { cwd: dir, env: tidyEnv });
    await run(cell, 'go', ['mod', 'tidy'], { cwd: dir, env: tidyEnv });
    await hostSide.close();
    proxy = await startProxyInNetns(roots);
    env = goEnv(tmp, proxy.url);
    netrc = join(tmp, 'netrc');
    writeFileSync(netrc, `machine ${new URL(proxy.url).host} login e2e password ${NETRC_PASSWORD}\n`);
  });
  after(async () => {
    await proxy?.close();
    if (image) await eng.removeImage(image.ref, { force: true });
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('builds with make docker-build, the netrc as a build secret, fetching through the proxy', async () => {
    proxy.requests.length = 0;
    image = await makeImage(cell, dir, answers.name, 'e2e', {
      env,
      makeArgs: [`DOCKER_BUILD_FLAGS=--secret id=netrc,src=${netrc}`],
    });
    console.log(`image with requires built in ${image.ms} ms`);
    // The module only this proxy has, in a version new to this run: no cache can hold it.
    // (golang.org/x/sync may already be in BuildKit's module cache mount from an earlier run.)
    assert.ok(proxy.requests.includes(`/${ONLY}/@v/${version}.zip`), proxy.requests.join('\n'));
  });

  it('runs: /healthz from the host, healthy, stops with 0', () => checkContainer(cell, image.ref, answers));

  it('keeps the proxy URL out of the final image (env, labels, history)', async () => {
    const info = JSON.stringify(await eng.inspectImage(image.ref));
    const history = (await eng.engine(['history', '--no-trunc', '--format', '{{.CreatedBy}}', image.ref])).stdout;
    const host = new URL(proxy.url).host;
    assert.ok(!info.includes(host), `${host} in the image config`);
    assert.ok(!history.includes(host), `${host} in the image history:\n${history}`);
    assert.ok(!/GOPROXY|GONOSUMDB|GOFLAGS/.test(info + history), 'a module setting reached the final image');
  });

  it('keeps the netrc out of every file of the final image and of the builder stage', async () => {
    const stage = `${answers.name}-stage`;
    await makeImage(cell, dir, stage, 'e2e', {
      env,
      makeArgs: [`DOCKER_BUILD_FLAGS=--secret id=netrc,src=${netrc} --target build`],
    });
    const refs = [image.ref, localRef(`${stage}:e2e`)];
    try {
      for (const ref of refs) {
        const files = await eng.dockerImageEntries(ref);
        assert.ok(![...files.keys()].some((f) => f.endsWith('/.netrc')), `${ref} holds a .netrc`);
        const holding = [...files.values()].filter((e) => e.data?.includes(NETRC_PASSWORD)).map((e) => e.name);
        assert.deepEqual(holding, [], `${ref}: the netrc's password is in these files`);
      }
    } finally {
      await eng.removeImage(refs[1], { force: true });
    }
  });

  it("the generated secret mount puts the netrc where the builder's go reads it ($HOME/.netrc)", async () => {
    const mounts = readFileSync(join(dir, 'Dockerfile'), 'utf8').match(/--mount=type=secret,\S+/g) ?? [];
    assert.ok(mounts.length > 0, 'no secret mount in the Dockerfile');
    const ctx = mkdtempSync(join(tmp, 'probe-'));
    const builder = /^FROM --platform=\$BUILDPLATFORM (\S+)/m.exec(readFileSync(join(dir, 'Dockerfile'), 'utf8'))[1];
    const checks = mounts.map((m) => `RUN ${m} grep -q ${NETRC_PASSWORD} "$HOME/.netrc"`);
    writeFileSync(join(ctx, 'Dockerfile'), [`FROM ${builder}`, ...checks, ''].join('\n'));
    const tag = eng.uniqueName('gm-netrc-probe');
    try {
      await eng.build({ context: ctx, tag, extraArgs: ['--no-cache', '--secret', `id=netrc,src=${netrc}`] });
    } finally {
      await eng.removeImage(localRef(tag), { force: true });
    }
  });

  it('without the ARG line the builder cannot reach the module (the build fails)', async () => {
    const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    assert.ok(text.includes(ARG_LINE), 'the Dockerfile no longer has the ARG line: update this test');
    writeFileSync(join(dir, 'Dockerfile'), text.replace(ARG_LINE, ''));
    proxy.requests.length = 0;
    try {
      // --no-cache: the download layer of the builds above would be reused (BuildKit also
      // leaves its module cache mount out).
      const build = makeImage(cell, dir, `${answers.name}-noarg`, 'e2e', {
        env,
        makeArgs: ['DOCKER_BUILD_FLAGS=--no-cache'],
      });
      await assert.rejects(build, new RegExp(`${ONLY}@${version}`));
      assert.deepEqual(proxy.requests, [], 'the build reached the proxy without the build arg');
    } finally {
      writeFileSync(join(dir, 'Dockerfile'), text);
      await eng.removeImage(localRef(`${answers.name}-noarg:e2e`), { force: true });
    }
  });
});
