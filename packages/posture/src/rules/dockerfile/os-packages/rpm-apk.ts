import { at, defineDockerfileRule, hasCacheMount, runsOf } from '../../../dockerfile/rule.js';
import type { RunRef } from '../../../dockerfile/rule.js';
import { hasFlag } from '../../../dockerfile/shell.js';
import type { ShellCommand } from '../../../dockerfile/shell.js';
import type { Violation } from '../../types.js';
import { hl, isTool, removes, subcommand } from './helpers.js';

const APK_VALUE = new Set(['--repository', '-X', '--virtual', '-t', '--root', '-p', '--keys-dir', '--repositories-file', '--arch', '--cache-dir']);
const apkAdd = (c: ShellCommand): string[] | undefined => {
  if (!isTool(c, ['apk'])) return undefined;
  const s = subcommand(c, APK_VALUE);
  return s?.sub === 'add' ? s.operands : undefined;
};

export const apkPin = defineDockerfileRule({
  id: 'BLW-DF-070',
  title: 'apk add without version pinning',
  severity: 'low',
  description: 'Unpinned packages make builds unreproducible.',
  remediation: 'Pin versions: apk add <package>=<version>.',
  references: [hl('DL3018')],
  aliases: ['DL3018'],
  check: (df) =>
    runsOf(df).flatMap((r) =>
      r.commands.flatMap((c) => {
        const bad = (apkAdd(c) ?? []).filter((p) => !/[=<>~]/.test(p) && !p.endsWith('.apk') && !p.includes('$'));
        return bad.length > 0 ? [at(r.ins, `apk add without pinned versions: ${bad.join(', ')}`)] : [];
      }),
    ),
});

export const apkNoCache = defineDockerfileRule({
  id: 'BLW-DF-071',
  title: "apk add without '--no-cache'",
  severity: 'low',
  description: 'apk keeps its index cache in the layer unless --no-cache is used.',
  remediation: 'Use apk add --no-cache (or a cache mount on /var/cache/apk).',
  references: [hl('DL3019')],
  aliases: ['DL3019', 'DS025', 'AVD-DS-0025', 'DS-0025', 'apk-add-no-cache', 'docker-apk-add-no-cache'],
  check: (df) =>
    runsOf(df).flatMap((r) =>
      hasCacheMount(r.ins, ['/var/cache/apk']) ? [] : r.commands.filter((c) => apkAdd(c) !== undefined && !c.args.includes('--no-cache')).map(() => at(r.ins, "apk add without '--no-cache'")),
    ),
});

interface Manager {
  tools: string[];
  installs: string[];
  /** True when the command cleans the cache. */
  cleans(c: ShellCommand): boolean;
  rmPrefixes: string[];
  mounts: string[];
}

const YUM: Manager = {
  tools: ['yum'],
  installs: ['install', 'groupinstall', 'localinstall', 'reinstall'],
  cleans: (c) => isTool(c, ['yum']) && c.args.includes('clean') && c.args.includes('all'),
  rmPrefixes: ['/var/cache/yum'],
  mounts: ['/var/cache/yum'],
};
const DNF: Manager = {
  tools: ['dnf', 'microdnf', 'dnf5'],
  installs: ['install', 'in', 'reinstall', 'rei', 'install-n', 'install-na', 'install-nevra', 'upgrade', 'up', 'update', 'upgrade-minimal', 'up-min', 'groupinstall'],
  cleans: (c) => isTool(c, ['dnf', 'microdnf', 'dnf5']) && c.args.includes('clean') && c.args.includes('all'),
  rmPrefixes: ['/var/cache/yum', '/var/cache/dnf', '/var/cache/libdnf5'],
  mounts: ['/var/cache/libdnf5', '/var/cache/dnf'],
};
const ZYPPER: Manager = {
  tools: ['zypper'],
  installs: ['install', 'in'],
  cleans: (c) => isTool(c, ['zypper']) && (c.args.includes('clean') || c.args.includes('cc')),
  rmPrefixes: ['/var/cache/zypp'],
  mounts: ['/var/cache/zypp'],
};

/** Install commands of a manager: `yum module install` counts as install too. */
function installs(m: Manager, c: ShellCommand): { operands: string[]; module: boolean } | undefined {
  if (!isTool(c, m.tools)) return undefined;
  const s = subcommand(c);
  if (!s) return undefined;
  if (s.sub === 'module' && s.operands[0] !== undefined && m.installs.includes(s.operands[0])) return { operands: s.operands.slice(1), module: true };
  return m.installs.includes(s.sub) ? { operands: s.operands, module: false } : undefined;
}

function missingClean(m: Manager, r: RunRef): boolean {
  if (hasCacheMount(r.ins, m.mounts)) return false;
  return r.commands.some((c, k) => installs(m, c) !== undefined && !r.commands.slice(k + 1).some((x) => m.cleans(x)) && !removes(r.commands, k + 1, m.rmPrefixes));
}

function cleanRule(m: Manager, meta: { id: string; name: string; clean: string; aliases: string[]; hadolint: string }): ReturnType<typeof defineDockerfileRule> {
  return defineDockerfileRule({
    id: meta.id,
    title: `'${meta.clean}' missing after ${meta.name} install`,
    severity: 'low',
    description: `${meta.name} keeps downloaded packages and metadata in the layer unless the cache is cleaned in the same RUN.`,
    remediation: `End the RUN with && ${meta.clean}, or mount the cache directory as a cache mount.`,
    references: [hl(meta.hadolint)],
    aliases: meta.aliases,
    check: (df) => runsOf(df).flatMap((r) => (missingClean(m, r) ? [at(r.ins, `'${meta.clean}' missing after ${meta.name} install`)] : [])),
  });
}

function yesRule(m: Manager, meta: { id: string; name: string; aliases: string[]; long: string[]; short: string; subs?: string[] }): ReturnType<typeof defineDockerfileRule> {
  return defineDockerfileRule({
    id: meta.id,
    title: `${meta.name} install without non-interactive switch`,
    severity: 'medium',
    description: 'Without the non-interactive switch the build waits for a confirmation (or aborts).',
    remediation: `Add ${meta.long[0]}.`,
    references: [hl(meta.aliases[0]!)],
    aliases: meta.aliases,
    check: (df) =>
      runsOf(df).flatMap((r) =>
        r.commands
          .filter((c) => (installs(m, c) !== undefined || (meta.subs !== undefined && isTool(c, m.tools) && meta.subs.includes(subcommand(c)?.sub ?? ''))) && !hasFlag(c.args, meta.long, meta.short))
          .map((c) => at(r.ins, `${c.name} without ${meta.long[0]}`)),
      ),
  });
}

function pinRule(m: Manager, meta: { id: string; name: string; aliases: string[]; pinned: (p: string, module: boolean) => boolean }): ReturnType<typeof defineDockerfileRule> {
  return defineDockerfileRule({
    id: meta.id,
    title: `${meta.name} install without version pinning`,
    severity: 'low',
    description: 'Unpinned packages make builds unreproducible.',
    remediation: 'Pin package versions.',
    references: [hl(meta.aliases[0]!)],
    aliases: meta.aliases,
    check: (df) =>
      runsOf(df).flatMap((r) =>
        r.commands.flatMap((c): Violation[] => {
          const i = installs(m, c);
          const s = subcommand(c);
          if (!i || (s && ['upgrade', 'up', 'update', 'upgrade-minimal', 'up-min', 'groupinstall', 'reinstall', 'rei'].includes(s.sub))) return [];
          const bad = i.operands.filter((p) => !p.includes('$') && !p.endsWith('.rpm') && !meta.pinned(p, i.module));
          return bad.length > 0 ? [at(r.ins, `${c.name} install without pinned versions: ${bad.join(', ')}`)] : [];
        }),
      ),
  });
}

const rpmPinned = (p: string, module: boolean): boolean => (module ? p.includes(':') : /-\d/.test(p) || p.startsWith('/') || p.startsWith('@'));

export const yumYes = yesRule(YUM, { id: 'BLW-DF-072', name: 'yum', aliases: ['DL3030'], long: ['--assumeyes', '--yes'], short: 'y' });
export const yumClean = cleanRule(YUM, { id: 'BLW-DF-073', name: 'yum', clean: 'yum clean all', aliases: ['DL3032', 'DS015', 'AVD-DS-0015', 'DS-0015', 'purge-yum-package-cache', 'docker-purge-yum-package-cache'], hadolint: 'DL3032' });
export const yumPin = pinRule(YUM, { id: 'BLW-DF-074', name: 'yum', aliases: ['DL3033'], pinned: rpmPinned });
export const dnfYes = yesRule(DNF, { id: 'BLW-DF-075', name: 'dnf', aliases: ['DL3038'], long: ['--assumeyes', '--yes'], short: 'y' });
export const dnfClean = cleanRule(DNF, {
  id: 'BLW-DF-076',
  name: 'dnf',
  clean: 'dnf clean all',
  aliases: ['DL3040', 'DS019', 'AVD-DS-0019', 'DS-0019', 'purge-dnf-package-cache', 'docker-purge-dnf-package-cache', 'DS027', 'AVD-DS-0027', 'DS-0027', 'purge-microdnf-package-cache', 'docker-purge-microdnf-package-cache'],
  hadolint: 'DL3040',
});
export const dnfPin = pinRule(DNF, { id: 'BLW-DF-077', name: 'dnf', aliases: ['DL3041'], pinned: rpmPinned });
export const zypperYes = yesRule(ZYPPER, {
  id: 'BLW-DF-078',
  name: 'zypper',
  aliases: ['DL3034'],
  long: ['--non-interactive', '--no-confirm'],
  short: 'ny',
  subs: ['remove', 'rm', 'source-install', 'si', 'patch'],
});
export const zypperClean = cleanRule(ZYPPER, { id: 'BLW-DF-079', name: 'zypper', clean: 'zypper clean', aliases: ['DL3036', 'DS020', 'AVD-DS-0020', 'DS-0020', 'purge-zipper-cache', 'docker-purge-zipper-cache'], hadolint: 'DL3036' });
export const zypperPin = pinRule(ZYPPER, { id: 'BLW-DF-080', name: 'zypper', aliases: ['DL3037'], pinned: (p) => /[=<>]/.test(p) });
