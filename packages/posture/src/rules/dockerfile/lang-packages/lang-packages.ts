import { at, defineDockerfileRule, envOf, hasCacheMount, runsOf, shippedStages } from '../../../dockerfile/rule.js';
import { baseName, positional } from '../../../dockerfile/shell.js';
import type { ShellCommand } from '../../../dockerfile/shell.js';

const hl = (id: string): string => `https://github.com/hadolint/hadolint/wiki/${id}`;

/** Arguments given to pip, for `pip3 install x` and `python3 -m pip install x`; undefined when the command is not pip. */
export function pipArgs(c: ShellCommand): string[] | undefined {
  const b = baseName(c);
  if (/^pip(\d+(\.\d+)?)?$/.test(b)) return c.args;
  if (/^python(\d+(\.\d+)?)?$/.test(b)) {
    const m = c.args.indexOf('-m');
    if (m >= 0 && c.args[m + 1] === 'pip') return c.args.slice(m + 2);
  }
  return undefined;
}

const PIP_VALUE = new Set([
  '-c', '--constraint', '-e', '--editable', '-r', '--requirement', '-t', '--target', '--trusted-host', '-i', '--index-url', '--extra-index-url', '--root', '--prefix',
  '-b', '--build', '--src', '--upgrade-strategy', '--install-option', '--global-option', '--python-version', '--platform', '--implementation', '--abi', '--cache-dir',
  '--log', '--proxy', '--retries', '--timeout', '--exists-action', '--cert', '--client-cert', '--progress-bar', '--no-binary', '--only-binary', '-f', '--find-links', '--python',
]);

function pipPinned(p: string): boolean {
  if (/(==|>=|<=|~=|!=|<|>)/.test(p) || p.includes('$')) return true;
  if (/^(git|hg|svn|bzr)\+/.test(p)) return /@[^/]+$/.test(p.replace(/#.*$/, '').replace(/^.*\//, ''));
  if (/^[a-z]+:\/\//i.test(p)) return true;
  return p.startsWith('.') || p.startsWith('/') || /\.(whl|tar\.gz|tgz|zip|tar|tar\.bz2)$/i.test(p);
}

export const pipPin = defineDockerfileRule({
  id: 'BLW-DF-090',
  title: 'pip install without version pinning',
  severity: 'low',
  description: 'Unpinned Python packages make builds unreproducible and can pull compromised new releases.',
  remediation: 'Pin versions (pip install pkg==1.2.3) or install from a requirements/constraints file.',
  references: [hl('DL3013')],
  aliases: ['DL3013'],
  check: (df) =>
    runsOf(df).flatMap((r) =>
      r.commands.flatMap((c) => {
        const a = pipArgs(c);
        if (!a || a.some((x) => ['-r', '--requirement', '-c', '--constraint', '-e', '--editable'].includes(x) || /^--(requirement|constraint|editable)=/.test(x))) return [];
        const pos = positional(a, PIP_VALUE);
        if (pos[0] !== 'install') return [];
        const bad = pos.slice(1).filter((p) => !pipPinned(p));
        return bad.length > 0 ? [at(r.ins, `pip install without pinned versions: ${bad.join(', ')}`)] : [];
      }),
    ),
});

const TRUTHY = /^(1|true|yes|on)$/i;

export const pipCache = defineDockerfileRule({
  id: 'BLW-DF-091',
  title: "pip install without '--no-cache-dir'",
  severity: 'low',
  description: "pip keeps its download cache in the layer unless --no-cache-dir (or PIP_NO_CACHE_DIR) is set.",
  remediation: 'Add --no-cache-dir, set ENV PIP_NO_CACHE_DIR=1, or use a cache mount on /root/.cache/pip.',
  references: [hl('DL3042')],
  aliases: ['DL3042'],
  check: (df) =>
    runsOf(df).flatMap((r) => {
      if (hasCacheMount(r.ins, ['/root/.cache/pip', '/root/.cache'])) return [];
      const env = envOf(df, r.ins).get('PIP_NO_CACHE_DIR');
      let set = env !== undefined && TRUTHY.test(env);
      let hit = false;
      for (const c of r.commands) {
        for (const [k, v] of c.assignments) if (k === 'PIP_NO_CACHE_DIR' && (c.name === 'export' || c.name === '')) set = TRUTHY.test(v);
        const a = pipArgs(c);
        if (!a || positional(a, PIP_VALUE)[0] !== 'install') continue;
        const local = c.assignments.find(([k]) => k === 'PIP_NO_CACHE_DIR');
        const off = local ? TRUTHY.test(local[1]) : set;
        if (!off && !a.includes('--no-cache-dir')) hit = true;
      }
      return hit ? [at(r.ins, "pip install without '--no-cache-dir'")] : [];
    }),
});

const NPM_VALUE = new Set(['--registry', '--loglevel', '--prefix', '--cache', '--userconfig', '--tag', '--workspace', '-w', '--omit', '--include', '--install-strategy']);

function npmPinned(p: string): boolean {
  if (p.includes('$')) return true;
  if (/^[a-z+]+:\/\//i.test(p) || p.startsWith('git@') || /^github:/.test(p)) return p.includes('#');
  if (p.startsWith('.') || p.startsWith('/') || p.startsWith('~') || /\.(tgz|tar\.gz|tar)$/.test(p)) return true;
  return p.slice(1).includes('@');
}

export const npmPin = defineDockerfileRule({
  id: 'BLW-DF-092',
  title: 'npm install without version pinning',
  severity: 'low',
  description: 'Unpinned npm packages make builds unreproducible.',
  remediation: 'Pin versions (npm install pkg@1.2.3) or install from package-lock.json with npm ci.',
  references: [hl('DL3016')],
  aliases: ['DL3016'],
  check: (df) =>
    runsOf(df).flatMap((r) =>
      r.commands.flatMap((c) => {
        if (baseName(c) !== 'npm') return [];
        const pos = positional(c.args, NPM_VALUE);
        if (!['install', 'i', 'add'].includes(pos[0] ?? '')) return [];
        const bad = pos.slice(1).filter((p) => !npmPinned(p));
        return bad.length > 0 ? [at(r.ins, `npm install without pinned versions: ${bad.join(', ')}`)] : [];
      }),
    ),
});

export const gemPin = defineDockerfileRule({
  id: 'BLW-DF-093',
  title: 'gem install without version pinning',
  severity: 'low',
  description: 'Unpinned gems make builds unreproducible.',
  remediation: 'Pin versions: gem install <gem>:<version> or -v <version>.',
  references: [hl('DL3028')],
  aliases: ['DL3028'],
  check: (df) =>
    runsOf(df).flatMap((r) =>
      r.commands.flatMap((c) => {
        if (baseName(c) !== 'gem' || !['install', 'i'].includes(c.args[0] ?? '')) return [];
        if (c.args.some((a) => a === '-v' || a === '--version' || a.startsWith('--version='))) return [];
        const gems: string[] = [];
        for (const a of c.args.slice(1)) {
          if (a === '--') break;
          if (a.startsWith('-')) {
            if (gems.length > 0) break;
            continue;
          }
          gems.push(a);
        }
        const bad = gems.filter((g) => !g.includes(':') && !g.includes('$') && !g.endsWith('.gem'));
        return bad.length > 0 ? [at(r.ins, `gem install without pinned versions: ${bad.join(', ')}`)] : [];
      }),
    ),
});

export const goPin = defineDockerfileRule({
  id: 'BLW-DF-094',
  title: 'go install/get/run without a pinned version',
  severity: 'low',
  description: 'A remote module without @version (or with @latest) resolves to whatever is newest at build time.',
  remediation: 'Add @vX.Y.Z to the module path.',
  references: [hl('DL3062')],
  aliases: ['DL3062'],
  check: (df) =>
    runsOf(df).flatMap((r) =>
      r.commands.flatMap((c) => {
        if (baseName(c) !== 'go' || !['install', 'get', 'run'].includes(c.args[0] ?? '')) return [];
        const pkg = positional(c.args.slice(1), new Set(['-o', '-C', '-ldflags', '-gcflags', '-tags', '-mod', '-modfile', '-p', '-exec', '-overlay', '-pgo']))[0];
        if (pkg === undefined || pkg.startsWith('.') || pkg.startsWith('/') || pkg.includes('$') || pkg.endsWith('.go')) return [];
        const at_ = pkg.lastIndexOf('@');
        return at_ < 0 || pkg.slice(at_ + 1) === 'latest' ? [at(r.ins, `go ${c.args[0]} ${pkg} is not pinned to a version`)] : [];
      }),
    ),
});

export const yarnCache = defineDockerfileRule({
  id: 'BLW-DF-095',
  title: "yarn install without 'yarn cache clean'",
  severity: 'low',
  description: 'yarn keeps its package cache in the layer unless it is cleaned in the same RUN.',
  remediation: 'End the RUN with && yarn cache clean, or mount /usr/local/share/.cache/yarn as a cache.',
  references: [hl('DL3060')],
  aliases: ['DL3060'],
  check: (df) => {
    const shipped = shippedStages(df);
    return runsOf(df).flatMap((r) => {
      if (!shipped.has(r.ins.stage) || hasCacheMount(r.ins, ['/usr/local/share/.cache/yarn', '/root/.cache/yarn', '/root/.yarn/berry/cache'])) return [];
      const k = r.commands.findIndex((c) => baseName(c) === 'yarn' && (c.args.length === 0 || ['install', 'add'].includes(positional(c.args)[0] ?? '')));
      if (k < 0) return [];
      const cleaned = r.commands.slice(k + 1).some((c) => baseName(c) === 'yarn' && c.args[0] === 'cache' && c.args[1] === 'clean');
      return cleaned ? [] : [at(r.ins, "yarn install without 'yarn cache clean'")];
    });
  },
});
