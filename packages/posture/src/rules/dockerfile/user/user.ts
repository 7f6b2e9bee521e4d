import { at, defineDockerfileRule, finalChain } from '../../../dockerfile/rule.js';
import type { Dockerfile, Instruction } from '../../../dockerfile/parse.js';

function isRoot(ins: Instruction): boolean {
  const user = ins.args.trim().split(/\s+/)[0]!.split(':')[0]!;
  return user === 'root' || user === '0';
}

function lastUser(df: Dockerfile): Instruction | undefined {
  const chain = df.stages.length > 0 ? finalChain(df).flatMap((s) => s.instructions) : df.instructions;
  return chain.filter((i) => i.keyword === 'USER').pop();
}

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
    if (last) return isRoot(last) ? [at(last, `last USER is ${last.args.trim()}`)] : [];
    return [{ message: 'no USER instruction: the image runs as root' }];
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
    return last && isRoot(last) ? [at(last, `last USER is ${last.args.trim()}`)] : [];
  },
});
