import { at, defineDockerfileRule, finalChain } from '../../../dockerfile/rule.js';
import type { Dockerfile, Instruction } from '../../../dockerfile/parse.js';
import { FIX_DEFAULTS } from '../../../fix/defaults.js';
import type { Fix } from '../../types.js';

function isRoot(ins: Instruction): boolean {
  const user = ins.args.trim().split(/\s+/)[0]!.split(':')[0]!;
  return user === 'root' || user === '0';
}

function lastUser(df: Dockerfile): Instruction | undefined {
  const chain = df.stages.length > 0 ? finalChain(df).flatMap((s) => s.instructions) : df.instructions;
  return chain.filter((i) => i.keyword === 'USER').pop();
}

/**
 * `USER <uid>` inserted after the last instruction of the final stage (a numeric UID needs no passwd entry, so it
 * works on scratch and distroless images too). None for Windows images, whose users are names.
 */
function appendUser(df: Dockerfile): Fix | undefined {
  const final = df.stages.length > 0 ? df.stages[df.stages.length - 1]! : undefined;
  const chain = df.stages.length > 0 ? finalChain(df) : [];
  if (chain.some((s) => /windows|nanoserver|servercore/i.test(s.image))) return undefined;
  const instructions = final ? final.instructions : df.instructions;
  const line = `USER ${FIX_DEFAULTS.uid}`;
  // a final `USER root` followed only by metadata (CMD, ENTRYPOINT, EXPOSE, LABEL...) is replaced in place
  const rootAt = instructions.findLastIndex((i) => i.keyword === 'USER');
  const user = instructions[rootAt];
  if (user && isRoot(user) && user.range.startLine === user.range.endLine && instructions.slice(rootAt + 1).every((i) => METADATA.has(i.keyword))) {
    return { kind: 'lines', range: user.range, replacement: [line] };
  }
  const last = instructions.at(-1);
  if (!last) return undefined;
  const after = last.range.endLine;
  return { kind: 'lines', range: { startLine: after + 1, endLine: after }, replacement: [line] };
}
const METADATA = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE', 'LABEL', 'STOPSIGNAL', 'HEALTHCHECK', 'VOLUME', 'ENV', 'ARG', 'MAINTAINER']);

export const runsAsRoot = defineDockerfileRule({
  id: 'BLW-DF-010',
  title: 'Image runs as root',
  severity: 'high',
  description: 'The final image has no USER instruction (or switches back to root): the container process runs as root unless the runtime overrides it.',
  remediation: 'Create an unprivileged user and end the final stage with USER <name or uid>.',
  references: ['https://docs.docker.com/reference/dockerfile/#user', 'https://avd.aquasec.com/misconfig/ds002'],
  aliases: ['DS002', 'AVD-DS-0002', 'DS-0002', 'least-privilege-user', 'docker-least-privilege-user', 'CKV_DOCKER_3'],
  frameworks: [{ framework: 'cis-docker-1.6', control: '4.1' }, { framework: 'pci-dss-4.0', control: '7.2.1' }],
  check: (df) => {
    const last = lastUser(df);
    const fix = appendUser(df);
    if (last) return isRoot(last) ? [at(last, `last USER is ${last.args.trim()}`, fix)] : [];
    return [{ message: 'no USER instruction: the image runs as root', ...(fix ? { fix } : {}) }];
  },
});

export const lastUserRoot = defineDockerfileRule({
  id: 'BLW-DF-011',
  title: 'Last USER is root',
  severity: 'medium',
  description: 'The final stage switches to root and never back: the container runs as root.',
  remediation: 'Switch to an unprivileged user after the steps that need root.',
  references: ['https://github.com/hadolint/hadolint/wiki/DL3002'],
  aliases: ['DL3002', 'CKV_DOCKER_8'],
  frameworks: [{ framework: 'cis-docker-1.6', control: '4.1' }],
  check: (df) => {
    const stage = df.stages.length > 0 ? df.stages[df.stages.length - 1]!.instructions : df.instructions;
    const last = stage.filter((i) => i.keyword === 'USER').pop();
    return last && isRoot(last) ? [at(last, `last USER is ${last.args.trim()}`, appendUser(df))] : [];
  },
});
