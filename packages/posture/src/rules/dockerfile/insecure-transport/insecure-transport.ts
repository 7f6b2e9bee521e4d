import { at, defineDockerfileRule, runsOf } from '../../../dockerfile/rule.js';
import { argPairs, envPairs } from '../../../dockerfile/parse.js';
import type { Instruction } from '../../../dockerfile/parse.js';
import { baseName, hasFlag } from '../../../dockerfile/shell.js';
import type { ShellCommand } from '../../../dockerfile/shell.js';
import type { Dockerfile } from '../../../dockerfile/parse.js';
import type { Violation } from '../../types.js';
import { pipArgs } from '../lang-packages/lang-packages.js';

const CKV = 'https://docs.prismacloud.io/en/enterprise-edition/policy-reference/docker-policies/docker-policy-index';
const CIS = [{ framework: 'cis-docker-1.6', control: '4.11' }];

/** Every place a variable is set: ENV, ARG with a value, RUN `NAME=v cmd` and `export NAME=v`. */
function assignments(df: Dockerfile): { ins: Instruction; name: string; value: string }[] {
  const out: { ins: Instruction; name: string; value: string }[] = [];
  for (const ins of df.instructions) {
    const t = ins.trigger ?? ins;
    if (t.keyword === 'ENV') for (const [name, value] of envPairs(t.args)) out.push({ ins, name, value });
    if (t.keyword === 'ARG') for (const [name, value] of argPairs(t.args)) if (value !== undefined) out.push({ ins, name, value });
  }
  for (const r of runsOf(df)) for (const c of r.commands) for (const [name, value] of c.assignments) out.push({ ins: r.ins, name, value });
  return out;
}

function envRule(meta: { id: string; title: string; variable: string; bad: (v: string) => boolean; aliases: string[]; description: string; remediation: string; ignoreCase?: boolean }): ReturnType<typeof defineDockerfileRule> {
  const same = (n: string): boolean => (meta.ignoreCase ? n.toUpperCase() === meta.variable : n === meta.variable);
  return defineDockerfileRule({
    id: meta.id,
    title: meta.title,
    severity: 'medium',
    description: meta.description,
    remediation: meta.remediation,
    references: [CKV],
    aliases: meta.aliases,
    frameworks: CIS,
    check: (df) => assignments(df).filter((a) => same(a.name) && meta.bad(a.value)).map((a) => at(a.ins, `${a.name}=${a.value}`)),
  });
}

function runRule(meta: { id: string; title: string; aliases: string[]; description: string; remediation: string; severity?: 'medium' | 'high'; match: (c: ShellCommand) => boolean }): ReturnType<typeof defineDockerfileRule> {
  return defineDockerfileRule({
    id: meta.id,
    title: meta.title,
    severity: meta.severity ?? 'medium',
    description: meta.description,
    remediation: meta.remediation,
    references: [CKV],
    aliases: meta.aliases,
    frameworks: CIS,
    check: (df) => runsOf(df).flatMap((r): Violation[] => (r.commands.some(meta.match) ? [at(r.ins, meta.title)] : [])),
  });
}

const is = (c: ShellCommand, ...names: string[]): boolean => names.includes(baseName(c));

export const pythonHttpsVerify = envRule({
  id: 'BLW-DF-100', title: 'PYTHONHTTPSVERIFY=0 disables certificate checks', variable: 'PYTHONHTTPSVERIFY', bad: (v) => v === '0', aliases: ['CKV2_DOCKER_5'],
  description: 'Python skips HTTPS certificate verification when PYTHONHTTPSVERIFY is 0.', remediation: 'Remove the variable; install the CA certificate instead.',
});
export const nodeTlsReject = envRule({
  id: 'BLW-DF-101', title: 'NODE_TLS_REJECT_UNAUTHORIZED=0 disables certificate checks', variable: 'NODE_TLS_REJECT_UNAUTHORIZED', bad: (v) => v === '0', aliases: ['CKV2_DOCKER_6'],
  description: 'Node.js accepts any TLS certificate when NODE_TLS_REJECT_UNAUTHORIZED is 0.', remediation: 'Remove the variable; use NODE_EXTRA_CA_CERTS for private CAs.',
});
export const npmStrictSslEnv = envRule({
  id: 'BLW-DF-102', title: 'NPM_CONFIG_STRICT_SSL=false disables certificate checks', variable: 'NPM_CONFIG_STRICT_SSL', ignoreCase: true, bad: (v) => v.toLowerCase() === 'false', aliases: ['CKV2_DOCKER_12'],
  description: 'npm skips registry certificate verification when strict-ssl is false.', remediation: 'Remove the variable; configure cafile for private CAs.',
});
export const gitSslNoVerify = envRule({
  id: 'BLW-DF-103', title: 'GIT_SSL_NO_VERIFY set', variable: 'GIT_SSL_NO_VERIFY', bad: () => true, aliases: ['CKV2_DOCKER_14'],
  description: 'git skips certificate verification whenever GIT_SSL_NO_VERIFY is set, whatever its value.', remediation: 'Remove the variable; configure http.sslCAInfo for private CAs.',
});
export const pipTrustedHostEnv = envRule({
  id: 'BLW-DF-104', title: 'PIP_TRUSTED_HOST set', variable: 'PIP_TRUSTED_HOST', bad: () => true, aliases: ['CKV2_DOCKER_16'],
  description: 'pip skips certificate verification for trusted hosts.', remediation: 'Remove the variable; configure the CA with PIP_CERT.',
});

export const curlInsecure = runRule({
  id: 'BLW-DF-105', title: 'curl with certificate checks disabled', aliases: ['CKV2_DOCKER_2'],
  description: 'curl -k / --insecure accepts any certificate: downloads can be tampered with.', remediation: 'Remove -k; add the CA with --cacert.',
  match: (c) => is(c, 'curl') && hasFlag(c.args, ['--insecure'], 'k'),
});
export const wgetInsecure = runRule({
  id: 'BLW-DF-106', title: 'wget with certificate checks disabled', aliases: ['CKV2_DOCKER_3'],
  description: 'wget --no-check-certificate accepts any certificate.', remediation: 'Remove --no-check-certificate; add the CA with --ca-certificate.',
  match: (c) => is(c, 'wget') && c.args.includes('--no-check-certificate'),
});
export const pipTrustedHost = runRule({
  id: 'BLW-DF-107', title: 'pip --trusted-host disables certificate checks', aliases: ['CKV2_DOCKER_4'],
  description: 'pip skips certificate verification for --trusted-host hosts.', remediation: 'Remove --trusted-host; use --cert for private CAs.',
  match: (c) => (pipArgs(c) ?? []).some((a) => a === '--trusted-host' || a.startsWith('--trusted-host=')),
});
export const apkUntrusted = runRule({
  id: 'BLW-DF-108', title: 'apk --allow-untrusted', aliases: ['CKV2_DOCKER_7'], severity: 'high',
  description: 'apk installs packages without signature verification.', remediation: 'Remove --allow-untrusted; add the signing key to /etc/apk/keys.',
  match: (c) => is(c, 'apk') && c.args.includes('--allow-untrusted'),
});
export const aptUnauthenticated = runRule({
  id: 'BLW-DF-109', title: 'apt-get --allow-unauthenticated', aliases: ['CKV2_DOCKER_8'], severity: 'high',
  description: 'apt-get installs packages without signature verification.', remediation: 'Remove the flag; add the repository key.',
  match: (c) => is(c, 'apt-get', 'apt') && (c.args.includes('--allow-unauthenticated') || c.args.some((a) => /AllowUnauthenticated\s*=\s*(true|1|yes)/i.test(a))),
});
export const noGpgCheck = runRule({
  id: 'BLW-DF-110', title: 'yum/dnf --nogpgcheck', aliases: ['CKV2_DOCKER_9'], severity: 'high',
  description: 'yum/dnf/tdnf install packages without GPG signature verification.', remediation: 'Remove --nogpgcheck; import the repository key.',
  match: (c) => is(c, 'yum', 'dnf', 'tdnf', 'microdnf', 'dnf5') && c.args.includes('--nogpgcheck'),
});
export const rpmNoSignature = runRule({
  id: 'BLW-DF-111', title: 'rpm without signature or digest checks', aliases: ['CKV2_DOCKER_10'], severity: 'high',
  description: 'rpm --nosignature / --nodigest installs packages without verifying them.', remediation: 'Remove the flags; import the signing key with rpm --import.',
  match: (c) => is(c, 'rpm') && c.args.some((a) => ['--nosignature', '--nodigest', '--nofiledigest', '--noverify'].includes(a)),
});
export const aptForceYes = runRule({
  id: 'BLW-DF-112', title: 'apt-get --force-yes', aliases: ['CKV2_DOCKER_11'], severity: 'high',
  description: '--force-yes makes apt-get install unauthenticated or downgraded packages without asking.', remediation: 'Use -y instead.',
  match: (c) => is(c, 'apt-get', 'apt') && c.args.includes('--force-yes'),
});
export const npmStrictSsl = runRule({
  id: 'BLW-DF-113', title: 'npm/yarn strict-ssl disabled', aliases: ['CKV2_DOCKER_13'],
  description: 'npm or yarn config set strict-ssl false disables registry certificate checks.', remediation: 'Keep strict-ssl true; configure cafile for private CAs.',
  match: (c) => {
    if (!is(c, 'npm', 'yarn')) return false;
    const a = c.args.filter((x) => !x.startsWith('-'));
    const k = a[0] === 'config' ? 1 : 0;
    if (a[k] !== 'set') return false;
    const rest = a.slice(k + 1);
    return (rest[0] === 'strict-ssl' && rest[1] === 'false') || rest[0] === 'strict-ssl=false';
  },
});
export const yumSslVerify = runRule({
  id: 'BLW-DF-114', title: 'yum/dnf repository sslverify disabled', aliases: ['CKV2_DOCKER_15'],
  description: 'config-manager --setopt=sslverify=0 disables certificate checks for package repositories.', remediation: 'Keep sslverify on; add the CA to the system trust store.',
  match: (c) => {
    const cm = is(c, 'yum-config-manager', 'dnf-config-manager') || (is(c, 'dnf', 'dnf5') && c.args.includes('config-manager'));
    return cm && c.args.some((a) => /^--setopt=(?:[\w.-]+\.)?sslverify=(0|false|no|off)$/i.test(a));
  },
});
export const chpasswd = runRule({
  id: 'BLW-DF-115', title: 'Password set with chpasswd', aliases: ['CKV2_DOCKER_17'], severity: 'high',
  description: 'A password set in a RUN is stored in the image history.', remediation: 'Do not set passwords in the image; use key-based access or run-time secrets.',
  match: (c) => is(c, 'chpasswd'),
});
