// Static checks of a generated Dockerfile: dockerfile-utils' validator (the VS Code Docker
// linter) and structural assertions parsed with dockerfile-ast. Returns a list of problems.
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { finalImage } from '../../dist/image/images.js';

/** Instructions of the last stage (after the last FROM). */
function finalStage(instructions) {
  const last = instructions.map((i) => i.getKeyword()).lastIndexOf('FROM');
  return instructions.slice(last);
}

/**
 * @param {string} content the Dockerfile
 * @param {{ base: string, healthcheck: boolean }} expect
 * @returns {string[]} problems, empty when it passes
 */
export function dockerfileProblems(content, expect) {
  const problems = [];
  for (const d of validate(content)) {
    problems.push(`dockerfile-utils line ${d.range.start.line + 1}: ${d.message}`);
  }
  const dockerfile = DockerfileParser.parse(content);
  const instructions = dockerfile.getInstructions();
  const froms = instructions.filter((i) => i.getKeyword() === 'FROM');
  for (const from of froms) {
    const image = from.getImageName();
    const tag = from.getImageTag();
    if (image !== 'scratch' && !tag && !from.getImageDigest())
      problems.push(`FROM ${from.getImage()} has no version tag`);
    if (tag === 'latest') problems.push(`FROM ${from.getImage()} uses latest`);
  }
  const stage = finalStage(instructions);
  const last = stage[0];
  if (!last || last.getArgumentsContent() !== finalImage(expect.base)) {
    problems.push(`final FROM is ${last?.getArgumentsContent()}, expected ${finalImage(expect.base)}`);
  }
  // A base image is looked up for the target platform (buildah 1.28 otherwise uses the builder's).
  const platform = /** @type {any} */ (last)?.getPlatformFlag?.()?.getValue();
  if (expect.base !== 'scratch' && platform !== '$TARGETPLATFORM')
    problems.push(`final FROM has --platform=${platform ?? '(none)'}, expected --platform=$TARGETPLATFORM`);
  for (const i of stage) {
    const kw = i.getKeyword();
    if (kw === 'RUN') problems.push(`RUN in the final stage (line ${i.getRange().start.line + 1}): needs a shell`);
    if (kw === 'USER' && !/^\d+:\d+$/.test(i.getArgumentsContent() ?? '')) {
      problems.push(`USER ${i.getArgumentsContent()} is not numeric uid:gid`);
    }
    if ((kw === 'ENTRYPOINT' || kw === 'CMD') && !(i.getArgumentsContent() ?? '').trim().startsWith('[')) {
      problems.push(`${kw} is in shell form: ${i.getArgumentsContent()}`);
    }
    if (kw === 'HEALTHCHECK') {
      const cmd = /CMD\s+(.*)$/s.exec(i.getArgumentsContent() ?? '')?.[1] ?? '';
      if (!cmd.trim().startsWith('[')) problems.push(`HEALTHCHECK CMD is in shell form: ${cmd}`);
    }
  }
  const users = stage.filter((i) => i.getKeyword() === 'USER');
  if (users.length !== 1) problems.push(`final stage has ${users.length} USER instructions, expected 1`);
  const entrypoints = stage.filter((i) => i.getKeyword() === 'ENTRYPOINT');
  if (entrypoints.length !== 1) problems.push(`final stage has ${entrypoints.length} ENTRYPOINTs, expected 1`);
  const healthchecks = stage.filter((i) => i.getKeyword() === 'HEALTHCHECK');
  if (healthchecks.length !== (expect.healthcheck ? 1 : 0)) {
    problems.push(`final stage has ${healthchecks.length} HEALTHCHECKs, expected ${expect.healthcheck ? 1 : 0}`);
  }
  return problems;
}
