// Every matrix cell's Dockerfile passes dockerfile-utils with no diagnostic and the structural
// checks (final base, no RUN in the final stage, numeric USER, exec forms, pinned tags); and the
// checks themselves catch the traps they exist for.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runYes } from './helpers/generate.mjs';
import { MATRIX, cellAnswers } from './e2e/matrix.mjs';
import { dockerfileProblems } from './e2e/dockerfile-checks.mjs';

describe('generated Dockerfiles lint clean', () => {
  for (const cell of MATRIX) {
    it(`cell ${cell.id}`, async () => {
      const answers = cellAnswers(cell);
      const result = await runYes(answers);
      const content = readFileSync(join(result.cwd, 'Dockerfile'), 'utf8');
      assert.deepEqual(dockerfileProblems(content, answers), [], `[cell ${cell.id}]`);
    });
  }
});

describe('the Dockerfile checks catch broken templates', () => {
  const expect = { base: 'scratch', healthcheck: true };
  let good;
  const mutate = (from, to) => {
    assert.ok(good.includes(from), `fixture lacks ${from}`);
    return dockerfileProblems(good.replace(from, to), expect);
  };
  it('the unbroken file passes', async () => {
    const result = await runYes({ base: 'scratch', healthcheck: true, name: 'svc' });
    good = readFileSync(join(result.cwd, 'Dockerfile'), 'utf8');
    assert.deepEqual(dockerfileProblems(good, expect), []);
  });
  it('USER nonroot', () => assert.match(mutate('USER 65532:65532', 'USER nonroot').join(), /not numeric/));
  it('shell-form ENTRYPOINT', () =>
    assert.match(mutate('ENTRYPOINT ["/usr/local/bin/svc"]', 'ENTRYPOINT /usr/local/bin/svc').join(), /shell form/));
  it('shell-form HEALTHCHECK', () =>
    assert.match(
      mutate('CMD ["/usr/local/bin/svc", "-healthcheck"]', 'CMD /usr/local/bin/svc -healthcheck').join(),
      /shell form/,
    ));
  it('a RUN in the final stage', () =>
    assert.match(mutate('USER 65532:65532', 'RUN adduser -D app\nUSER 65532:65532').join(), /RUN in the final stage/));
  it('an unpinned or latest base', () => {
    assert.match(mutate('golang:1.23-alpine', 'golang').join(), /no version tag/);
    assert.match(mutate('golang:1.23-alpine', 'golang:latest').join(), /latest/);
  });
  it('the wrong final base', () => assert.match(mutate('FROM scratch', 'FROM alpine:3.21').join(), /final FROM/));
  it('a final base without --platform=$TARGETPLATFORM', () => {
    const alpine = { base: 'alpine', healthcheck: true };
    const ok = good.replace('FROM scratch', 'FROM --platform=$TARGETPLATFORM alpine:3.24');
    assert.doesNotMatch(dockerfileProblems(ok, alpine).join(), /--platform/);
    const broken = good.replace('FROM scratch', 'FROM alpine:3.24');
    assert.match(dockerfileProblems(broken, alpine).join(), /final FROM has --platform=\(none\)/);
  });
  it('a second HEALTHCHECK (dockerfile-utils)', () =>
    assert.ok(mutate('USER 65532', 'HEALTHCHECK NONE\nUSER 65532').length > 0));
  it('an unknown instruction (dockerfile-utils)', () =>
    assert.match(mutate('EXPOSE', 'EXPOS').join(), /dockerfile-utils/));
});
