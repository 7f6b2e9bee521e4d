import { at, defineDockerfileRule, hasCacheMount, rewrite, runsOf, shippedStages } from '../../../dockerfile/rule.js';
import { hasFlag } from '../../../dockerfile/shell.js';
import type { ShellCommand } from '../../../dockerfile/shell.js';
import type { Dockerfile, Instruction } from '../../../dockerfile/parse.js';
import type { Fix } from '../../types.js';
import { hl, isTool, removes, subcommand } from './helpers.js';

const APT_VALUE = new Set(['-o', '-t', '-c', '--target-release', '--option', '--config-file', '--default-release']);
const aptSub = (c: ShellCommand): ReturnType<typeof subcommand> => (isTool(c, ['apt-get', 'apt', 'aptitude']) ? subcommand(c, APT_VALUE) : undefined);
const isAptInstall = (c: ShellCommand): boolean => isTool(c, ['apt-get']) && aptSub(c)?.sub === 'install';

const APT_INSTALL = /\b(apt-get((?:\s+-\S+)*)\s+install)\b/g;

/**
 * A one-line rewrite of a RUN in shell form, only when that is mechanical: the RUN itself (not an ONBUILD trigger, whose
 * line also holds ONBUILD), on one line, without heredocs, and the new arguments differ.
 */
function runFix(df: Dockerfile, ins: Instruction, args: string): Fix | undefined {
  if (!df.instructions.includes(ins) || ins.json || args === ins.args) return undefined;
  return rewrite(ins, args);
}

export const aptPin = defineDockerfileRule({
  id: 'BLW-DF-060',
  title: 'apt-get install without version pinning',
  severity: 'low',
  description: 'Unpinned packages make builds unreproducible and can pull unexpected versions.',
  remediation: 'Pin versions: apt-get install <package>=<version>.',
  references: [hl('DL3008')],
  aliases: ['DL3008'],
  check: (df) =>
    runsOf(df).flatMap((r) =>
      r.commands.filter(isAptInstall).flatMap((c) => {
        const bad = aptSub(c)!.operands.filter((p) => !p.includes('=') && !p.endsWith('.deb') && !p.startsWith('/') && !p.startsWith('./') && !p.includes('$'));
        return bad.length > 0 ? [at(r.ins, `apt-get install without pinned versions: ${bad.join(', ')}`)] : [];
      }),
    ),
});

export const aptLists = defineDockerfileRule({
  id: 'BLW-DF-061',
  title: 'apt lists not deleted after installing',
  severity: 'low',
  description: 'apt-get update leaves package lists in the layer unless they are removed in the same RUN (or kept in a cache mount).',
  remediation: 'End the RUN with && rm -rf /var/lib/apt/lists/*, or mount /var/lib/apt and /var/cache/apt as cache.',
  references: [hl('DL3009')],
  aliases: ['DL3009'],
  check: (df) => {
    const shipped = shippedStages(df);
    return runsOf(df).flatMap((r) => {
      if (!shipped.has(r.ins.stage)) return [];
      if (!r.commands.some((c) => aptSub(c)?.sub === 'update')) return [];
      if (removes(r.commands, 0, ['/var/lib/apt/lists'])) return [];
      if (hasCacheMount(r.ins, ['/var/lib/apt', '/var/lib/apt/lists']) && hasCacheMount(r.ins, ['/var/cache/apt'])) return [];
      // appended to a plain command list; not where /var/lib/apt is a cache mount (the rm would empty the cache)
      const appendable = !/[;&|\\]\s*$/.test(r.ins.args) && !hasCacheMount(r.ins, ['/var/lib/apt', '/var/lib/apt/lists']);
      return [at(r.ins, 'apt lists are not removed (rm -rf /var/lib/apt/lists/*)', appendable ? runFix(df, r.ins, `${r.ins.args.trimEnd()} && rm -rf /var/lib/apt/lists/*`) : undefined)];
    });
  },
});

function aptAssumesYes(args: readonly string[]): boolean {
  if (hasFlag(args, ['--yes', '--assume-yes', '--force-yes'], 'y')) return true;
  let q = 0;
  for (const a of args) {
    if (a === '--quiet') q++;
    else if (/^--quiet=(\d+)$/.test(a)) q += Number(a.slice(8));
    else if (/^-q=(\d+)$/.test(a)) q += Number(a.slice(3));
    else if (/^-[a-zA-Z]+$/.test(a)) q += [...a].filter((ch) => ch === 'q').length;
  }
  return q >= 2;
}

export const aptYes = defineDockerfileRule({
  id: 'BLW-DF-062',
  title: "apt-get install without '-y'",
  severity: 'medium',
  description: 'Without -y the build waits for a confirmation that never comes (or aborts).',
  remediation: 'Add -y (or --yes).',
  references: [hl('DL3014')],
  aliases: ['DL3014', 'DS021', 'AVD-DS-0021', 'DS-0021', 'use-apt-auto-confirm', 'docker-use-apt-auto-confirm'],
  check: (df) =>
    runsOf(df).flatMap((r) =>
      r.commands.filter((c) => isAptInstall(c) && !aptAssumesYes(c.args)).map(() => at(r.ins, "apt-get install without '-y'", runFix(df, r.ins, r.ins.args.replace(APT_INSTALL, '$1 -y')))),
    ),
});

export const aptRecommends = defineDockerfileRule({
  id: 'BLW-DF-063',
  title: "apt-get install without '--no-install-recommends'",
  severity: 'low',
  description: 'Recommended packages bloat the image and widen its attack surface.',
  remediation: 'Add --no-install-recommends.',
  references: [hl('DL3015')],
  aliases: ['DL3015', 'DS029', 'AVD-DS-0029', 'DS-0029', 'use-no-install-recommends', 'docker-use-no-install-recommends'],
  check: (df) =>
    runsOf(df).flatMap((r) =>
      r.commands
        .filter((c) => isAptInstall(c) && !c.args.includes('--no-install-recommends') && !c.args.some((a) => /APT::Install-Recommends=(false|0|no)/i.test(a)))
        .map(() => at(r.ins, "apt-get install without '--no-install-recommends'", runFix(df, r.ins, r.ins.args.replace(APT_INSTALL, '$1 --no-install-recommends')))),
    ),
});

export const aptCommand = defineDockerfileRule({
  id: 'BLW-DF-064',
  title: 'apt used instead of apt-get',
  severity: 'low',
  description: 'apt is meant for interactive use and has no stable CLI; scripts should use apt-get or apt-cache.',
  remediation: 'Use apt-get.',
  references: [hl('DL3027')],
  aliases: ['DL3027', 'CKV_DOCKER_9'],
  check: (df) => runsOf(df).flatMap((r) => (r.commands.some((c) => isTool(c, ['apt'])) ? [at(r.ins, 'apt is used: use apt-get')] : [])),
});

export const aptUpgrade = defineDockerfileRule({
  id: 'BLW-DF-065',
  title: 'apt-get upgrade or dist-upgrade in a build',
  severity: 'low',
  description: 'Upgrading all packages in a Dockerfile makes the build unreproducible; update the base image instead.',
  remediation: 'Use a newer base image, or install specific fixed versions.',
  references: [hl('DL3005'), 'https://avd.aquasec.com/misconfig/ds024'],
  aliases: ['DL3005', 'DS024', 'AVD-DS-0024', 'DS-0024', 'no-dist-upgrade', 'docker-no-dist-upgrade'],
  check: (df) =>
    runsOf(df).flatMap((r) => r.commands.filter((c) => ['upgrade', 'dist-upgrade', 'full-upgrade'].includes(aptSub(c)?.sub ?? '') && isTool(c, ['apt-get', 'apt'])).map((c) => at(r.ins, `${c.name} ${aptSub(c)!.sub}`))),
});

const UPDATE_TOOLS = ['apt-get', 'apt', 'aptitude', 'apk', 'yum', 'dnf', 'microdnf', 'zypper'];
const FOLLOW = new Set(['install', 'add', 'upgrade', 'dist-upgrade', 'full-upgrade', 'in', 'up', 'dup', 'groupinstall', 'localinstall']);

export const updateAlone = defineDockerfileRule({
  id: 'BLW-DF-066',
  title: 'Package index update alone in RUN',
  severity: 'medium',
  description: 'A RUN that only updates the package index is cached separately; later installs then use a stale index.',
  remediation: 'Run update and install in the same RUN: apt-get update && apt-get install ...',
  references: ['https://docs.docker.com/build/building/best-practices/#apt-get'],
  aliases: ['DS017', 'AVD-DS-0017', 'DS-0017', 'no-orphan-package-update', 'docker-no-orphan-package-update', 'CKV_DOCKER_5'],
  check: (df) =>
    runsOf(df).flatMap((r) => {
      const pm = r.commands.filter((c) => isTool(c, UPDATE_TOOLS));
      const updates = pm.filter((c) => ['update', 'makecache', 'refresh', 'ref'].includes(subcommand(c, APT_VALUE)?.sub ?? '') && !(isTool(c, ['yum', 'dnf', 'microdnf']) && subcommand(c)?.sub === 'update'));
      if (updates.length === 0) return [];
      const follows = pm.some((c) => FOLLOW.has(subcommand(c, APT_VALUE)?.sub ?? '') || (isTool(c, ['yum', 'dnf']) && subcommand(c)?.sub === 'update'));
      return follows ? [] : [at(r.ins, `"${updates[0]!.name} ${subcommand(updates[0]!, APT_VALUE)!.sub}" without an install in the same RUN`)];
    }),
});
