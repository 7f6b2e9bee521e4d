import { at, defineDockerfileRule, runsOf } from '../../../dockerfile/rule.js';
import { baseName, hasFlag } from '../../../dockerfile/shell.js';
import type { Violation } from '../../types.js';

const hl = (id: string): string => `https://github.com/hadolint/hadolint/wiki/${id}`;

export const sudo = defineDockerfileRule({
  id: 'BLW-DF-050',
  title: 'RUN uses sudo',
  severity: 'high',
  description: 'sudo has unpredictable TTY and signal behaviour in builds and suggests the image ships sudo.',
  remediation: 'Run the step as root with USER root, then switch back to an unprivileged user.',
  references: [hl('DL3004')],
  aliases: ['DL3004', 'DS010', 'AVD-DS-0010', 'DS-0010', 'no-sudo-run', 'docker-no-sudo-run', 'CKV2_DOCKER_1'],
  frameworks: [{ framework: 'cis-docker-1.6', control: '4.1' }],
  check: (df) => runsOf(df).flatMap((r) => (r.commands.some((c) => baseName(c) === 'sudo') ? [at(r.ins, 'sudo is used in RUN')] : [])),
});

export const cdInRun = defineDockerfileRule({
  id: 'BLW-DF-051',
  title: "RUN cd instead of WORKDIR",
  severity: 'low',
  description: 'cd in RUN only lasts for that RUN; WORKDIR states the directory for every following instruction.',
  remediation: 'Use WORKDIR.',
  references: [hl('DL3003')],
  aliases: ['DL3003', 'DS013', 'AVD-DS-0013', 'DS-0013', 'use-workdir-over-cd', 'docker-use-workdir-over-cd'],
  check: (df) => runsOf(df).flatMap((r) => (r.commands.some((c) => c.name === 'cd') ? [at(r.ins, 'use WORKDIR instead of cd')] : [])),
});

const POINTLESS = new Set(['free', 'kill', 'mount', 'ps', 'service', 'shutdown', 'ssh', 'top', 'vim', 'ifconfig']);

export const pointlessCommand = defineDockerfileRule({
  id: 'BLW-DF-052',
  title: 'Interactive or system command in RUN',
  severity: 'low',
  description: 'Commands such as ssh, vim, top, service or shutdown make no sense in an image build.',
  remediation: 'Remove the command.',
  references: [hl('DL3001')],
  aliases: ['DL3001'],
  check: (df) =>
    runsOf(df).flatMap((r) => r.commands.filter((c) => POINTLESS.has(baseName(c))).map((c) => at(r.ins, `"${c.name}" makes no sense in a Docker build`))),
});

export const curlAndWget = defineDockerfileRule({
  id: 'BLW-DF-053',
  title: 'Both curl and wget used',
  severity: 'low',
  description: 'Using both downloaders installs two tools where one is enough.',
  remediation: 'Pick one of curl or wget.',
  references: [hl('DL4001')],
  aliases: ['DL4001', 'DS014', 'AVD-DS-0014', 'DS-0014', 'standardise-remote-get', 'docker-standardise-remote-get'],
  check: (df) => {
    const runs = runsOf(df);
    const uses = (tool: string): boolean => runs.some((r) => r.commands.some((c) => baseName(c) === tool));
    if (!uses('curl') || !uses('wget')) return [];
    return runs.filter((r) => r.commands.some((c) => baseName(c) === 'wget' || baseName(c) === 'curl')).slice(1, 2).map((r) => at(r.ins, 'both curl and wget are used'));
  },
});

export const wgetProgress = defineDockerfileRule({
  id: 'BLW-DF-054',
  title: 'wget without --progress',
  severity: 'low',
  description: 'wget without --progress (or quiet/log options) floods the build log.',
  remediation: 'Add --progress=dot:giga, or -q.',
  references: [hl('DL3047')],
  aliases: ['DL3047'],
  check: (df) =>
    runsOf(df).flatMap((r) =>
      r.commands
        .filter((c) => baseName(c) === 'wget' && !hasFlag(c.args, ['--progress', '--quiet', '--no-verbose', '--output-file', '--append-output'], 'qoa') && !c.args.includes('-nv'))
        .map(() => at(r.ins, 'wget without --progress')),
    ),
});

const POSIX_PIPEFAIL = new Set(['bash', 'zsh', 'ash', 'ksh', 'mksh']);
const NON_POSIX = /^(pwsh|powershell|cmd)(\.exe)?$/i;

export const pipefail = defineDockerfileRule({
  id: 'BLW-DF-055',
  title: 'Pipe without pipefail',
  severity: 'low',
  description: 'Without "set -o pipefail" a failing command on the left of a pipe does not fail the build.',
  remediation: 'Add SHELL ["/bin/bash", "-o", "pipefail", "-c"] before the RUN (or set -o pipefail in it).',
  references: ['https://docs.docker.com/build/building/best-practices/#using-pipes', hl('DL4006')],
  aliases: ['DL4006'],
  check: (df) => {
    const out: Violation[] = [];
    let shell: string[] = ['/bin/sh', '-c'];
    for (const i of df.instructions) {
      if (i.keyword === 'FROM') shell = ['/bin/sh', '-c'];
      if (i.keyword === 'SHELL' && i.json) shell = i.json;
      if (i.keyword !== 'RUN' || i.json) continue;
      const exe = (shell[0] ?? '').replace(/^.*[\\/]/, '');
      if (NON_POSIX.test(exe)) continue;
      const opts = shell.slice(1).join(' ');
      const safe = POSIX_PIPEFAIL.has(exe) && /(^|\s)-[a-z]*o\s+pipefail/.test(opts);
      if (safe) continue;
      const r = runsOf({ ...df, instructions: [i] })[0];
      if (!r || !r.commands.some((c) => c.after === '|')) continue;
      if (r.commands.some((c) => c.name === 'set' && /pipefail/.test(c.args.join(' ')))) continue;
      out.push(at(i, 'pipe without pipefail'));
    }
    return out;
  },
});

export const lnBinSh = defineDockerfileRule({
  id: 'BLW-DF-056',
  title: 'Default shell replaced with ln',
  severity: 'low',
  description: 'Linking over /bin/sh changes the shell for everything in the image; SHELL changes it for the build only.',
  remediation: 'Use the SHELL instruction.',
  references: [hl('DL4005')],
  aliases: ['DL4005'],
  check: (df) =>
    runsOf(df).flatMap((r) => (r.commands.some((c) => baseName(c) === 'ln' && c.args[c.args.length - 1] === '/bin/sh') ? [at(r.ins, 'ln over /bin/sh: use SHELL')] : [])),
});
