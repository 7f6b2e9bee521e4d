import { at, commandsOf, defineDockerfileRule, finalChain, rewrite, stageGroups } from '../../../dockerfile/rule.js';
import { envPairs, splitWords, unquote, unquoteWord } from '../../../dockerfile/parse.js';
import type { Dockerfile, Instruction } from '../../../dockerfile/parse.js';
import type { Violation } from '../../types.js';

const REF = 'https://docs.docker.com/reference/dockerfile/';
const hl = (id: string): string => `https://github.com/hadolint/hadolint/wiki/${id}`;

/** Instructions of a keyword, including ONBUILD triggers when asked. */
function each(df: Dockerfile, keyword: string, withTriggers = false): Instruction[] {
  return df.instructions.flatMap((i) => (i.keyword === keyword ? [i] : withTriggers && i.trigger?.keyword === keyword ? [{ ...i.trigger, range: i.range }] : []));
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('$') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\');
}

/** Source and destination words of COPY/ADD, shell or exec form. */
export function copyArgs(ins: Instruction): string[] {
  if (ins.json) return ins.json;
  // Backslashes are path separators here (Windows), not escapes: only strip the quotes.
  return splitWords(ins.args.replace(/<<-?(["']?)[A-Za-z_][\w.-]*\1/g, '')).map(unquote);
}

export const relativeWorkdir = defineDockerfileRule({
  id: 'BLW-DF-020',
  title: 'WORKDIR is a relative path',
  severity: 'medium',
  description: 'A relative WORKDIR depends on the previous one and is easy to get wrong.',
  remediation: 'Use an absolute path in WORKDIR.',
  references: [`${REF}#workdir`, hl('DL3000')],
  aliases: ['DL3000', 'DS009', 'AVD-DS-0009', 'DS-0009', 'CKV_DOCKER_10'],
  check: (df) =>
    each(df, 'WORKDIR', true).flatMap((i) => {
      const p = unquote(i.args.trim());
      return isAbsolutePath(p) ? [] : [at(i, `WORKDIR ${p} is not absolute`)];
    }),
});

const ARCHIVE = /\.(tar|tar\.(gz|bz2|xz|lz|lzma|z|zst)|tgz|tb2|tbz|tbz2|tpz|tlz|txz|tz|gz|bz2|xz|lz|lzma|z)$/i;
const URL = /^[a-z][a-z0-9+.-]*:\/\//i;

export const addInsteadOfCopy = defineDockerfileRule({
  id: 'BLW-DF-021',
  title: 'ADD used to copy local files',
  severity: 'low',
  description: 'ADD has implicit behaviour (archive extraction, remote fetch); for plain files COPY is explicit and safer.',
  remediation: 'Use COPY for files and folders.',
  references: [`${REF}#add`, hl('DL3020')],
  aliases: ['DL3020', 'DS005', 'AVD-DS-0005', 'DS-0005', 'use-copy-over-add', 'docker-use-copy-over-add', 'CKV_DOCKER_4'],
  frameworks: [{ framework: 'cis-docker-1.6', control: '4.9' }],
  check: (df) =>
    each(df, 'ADD').flatMap((i) => {
      const a = copyArgs(i);
      const srcs = a.slice(0, -1);
      if (i.heredocs.length > 0 || srcs.length === 0 || srcs.every((s) => ARCHIVE.test(s) || URL.test(s) || s.startsWith('git@'))) return [];
      // only a plain local copy is rewritten: COPY would not extract an archive or fetch a URL, nor take ADD-only flags
      const plainCopy = !srcs.some((s) => ARCHIVE.test(s) || URL.test(s) || s.startsWith('git@')) && !i.flags.some((f) => ['checksum', 'keep-git-dir', 'unpack'].includes(f.name));
      return [at(i, 'use COPY instead of ADD for files and folders', plainCopy ? rewrite(i, i.args, 'COPY') : undefined)];
    }),
});

export const addRemoteOrArchive = defineDockerfileRule({
  id: 'BLW-DF-022',
  title: 'ADD fetches a URL or unpacks an archive',
  severity: 'low',
  description: 'ADD downloads remote files without verification (unless --checksum) and unpacks local archives implicitly.',
  remediation: 'Download with curl/wget and verify a checksum, or use ADD --checksum=sha256:...; extract archives explicitly.',
  references: [`${REF}#add`],
  aliases: ['CKV_DOCKER_4'],
  frameworks: [{ framework: 'cis-docker-1.6', control: '4.9' }],
  check: (df) =>
    each(df, 'ADD').flatMap((i) => {
      const srcs = copyArgs(i).slice(0, -1);
      const remote = srcs.filter((s) => URL.test(s) || s.startsWith('git@'));
      if (remote.length > 0 && !i.flags.some((f) => f.name === 'checksum')) return [at(i, `ADD fetches ${remote[0]} without --checksum`)];
      const arc = srcs.filter((s) => ARCHIVE.test(s));
      return arc.length > 0 && remote.length === 0 ? [at(i, `ADD unpacks ${arc[0]} implicitly`)] : [];
    }),
});

function ports(ins: Instruction): { lo: number; hi: number; raw: string }[] {
  return splitWords(ins.args).flatMap((w) => {
    const p = unquote(w).replace(/\/(tcp|udp|sctp)$/i, '');
    if (p.includes('$')) return [];
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    return m ? [{ lo: Number(m[1]), hi: Number(m[2] ?? m[1]), raw: p }] : [];
  });
}

export const exposeSsh = defineDockerfileRule({
  id: 'BLW-DF-023',
  title: 'Port 22 exposed',
  severity: 'low',
  description: 'Exposing SSH suggests an SSH daemon in the container, which widens the attack surface.',
  remediation: 'Remove EXPOSE 22; use docker exec / kubectl exec for access.',
  references: [`${REF}#expose`],
  aliases: ['DS004', 'AVD-DS-0004', 'DS-0004', 'no-ssh-port', 'docker-no-ssh-port', 'CKV_DOCKER_1'],
  frameworks: [],
  check: (df) => each(df, 'EXPOSE').flatMap((i) => (ports(i).some((p) => p.lo <= 22 && 22 <= p.hi) ? [at(i, 'port 22 is exposed')] : [])),
});

export const exposeOutOfRange = defineDockerfileRule({
  id: 'BLW-DF-024',
  title: 'EXPOSE port out of range',
  severity: 'medium',
  description: 'Valid UNIX ports range from 0 to 65535.',
  remediation: 'Fix the port number.',
  references: [`${REF}#expose`, hl('DL3011')],
  aliases: ['DL3011', 'DS008', 'AVD-DS-0008', 'DS-0008'],
  check: (df) => each(df, 'EXPOSE').flatMap((i) => ports(i).filter((p) => p.hi > 65535 || p.lo > 65535).map((p) => at(i, `port ${p.raw} is out of range`))),
});

export const maintainer = defineDockerfileRule({
  id: 'BLW-DF-025',
  title: 'MAINTAINER is deprecated',
  severity: 'low',
  description: 'MAINTAINER is deprecated since Docker 1.13.',
  remediation: 'Use LABEL org.opencontainers.image.authors="..." instead.',
  references: [`${REF}#maintainer-deprecated`, hl('DL4000')],
  aliases: ['DL4000', 'DS022', 'AVD-DS-0022', 'DS-0022', 'no-maintainer', 'docker-no-maintainer', 'CKV_DOCKER_6'],
  check: (df) =>
    each(df, 'MAINTAINER').map((i) => at(i, 'MAINTAINER is deprecated', rewrite(i, `org.opencontainers.image.authors=${JSON.stringify(i.args.trim())}`, 'LABEL'))),
});

function duplicates(keyword: string): (df: Dockerfile) => Violation[] {
  return (df) =>
    stageGroups(df).flatMap((g) => {
      const found = g.filter((i) => i.keyword === keyword);
      return found.slice(0, -1).map((i) => at(i, `${found.length} ${keyword} instructions in one stage: only the last takes effect`));
    });
}

export const multipleCmd = defineDockerfileRule({
  id: 'BLW-DF-026',
  title: 'Multiple CMD instructions',
  severity: 'medium',
  description: 'Only the last CMD of a stage takes effect.',
  remediation: 'Keep one CMD per stage.',
  references: [`${REF}#cmd`, hl('DL4003')],
  aliases: ['DL4003', 'DS016', 'AVD-DS-0016', 'DS-0016', 'only-one-cmd', 'docker-only-one-cmd'],
  check: duplicates('CMD'),
});

export const multipleEntrypoint = defineDockerfileRule({
  id: 'BLW-DF-027',
  title: 'Multiple ENTRYPOINT instructions',
  severity: 'medium',
  description: 'Only the last ENTRYPOINT of a stage takes effect.',
  remediation: 'Keep one ENTRYPOINT per stage.',
  references: [`${REF}#entrypoint`, hl('DL4004')],
  aliases: ['DL4004', 'DS007', 'AVD-DS-0007', 'DS-0007', 'only-one-entrypoint', 'docker-only-one-entrypoint'],
  check: duplicates('ENTRYPOINT'),
});

export const multipleHealthcheck = defineDockerfileRule({
  id: 'BLW-DF-028',
  title: 'Multiple HEALTHCHECK instructions',
  severity: 'low',
  description: 'Only the last HEALTHCHECK of a stage takes effect.',
  remediation: 'Keep one HEALTHCHECK per stage.',
  references: [`${REF}#healthcheck`, hl('DL3012')],
  aliases: ['DL3012', 'DS023', 'AVD-DS-0023', 'DS-0023', 'only-one-healthcheck', 'docker-only-one-healthcheck'],
  check: duplicates('HEALTHCHECK'),
});

export const noHealthcheck = defineDockerfileRule({
  id: 'BLW-DF-029',
  title: 'No HEALTHCHECK defined',
  severity: 'low',
  description: 'Without HEALTHCHECK the runtime cannot tell a hung container from a healthy one.',
  remediation: 'Add HEALTHCHECK CMD ... to the final stage (or HEALTHCHECK NONE to state that none is wanted).',
  references: [`${REF}#healthcheck`, hl('DL3057')],
  aliases: ['DL3057', 'DS026', 'AVD-DS-0026', 'DS-0026', 'CKV_DOCKER_2'],
  frameworks: [{ framework: 'cis-docker-1.6', control: '4.6' }],
  check: (df) => {
    const chain = df.stages.length > 0 ? finalChain(df).flatMap((s) => s.instructions) : df.instructions;
    if (chain.some((i) => i.keyword === 'HEALTHCHECK')) return [];
    const last = df.stages[df.stages.length - 1];
    return [last ? at(last.from, 'the final image has no HEALTHCHECK') : { message: 'no HEALTHCHECK instruction' }];
  },
});

export const shellFormCmd = defineDockerfileRule({
  id: 'BLW-DF-030',
  title: 'CMD/ENTRYPOINT in shell form',
  severity: 'low',
  description: 'The shell form runs under /bin/sh -c, so the process does not get signals (SIGTERM) and shuts down uncleanly.',
  remediation: 'Use the JSON (exec) form: CMD ["executable", "arg"].',
  references: [`${REF}#shell-and-exec-form`, hl('DL3025')],
  aliases: ['DL3025'],
  check: (df) =>
    df.instructions.flatMap((i) => {
      if ((i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && !i.json && i.args.trim() !== '') return [at(i, `${i.keyword} uses the shell form`)];
      if (i.keyword === 'HEALTHCHECK') {
        const m = /^CMD\s+([\s\S]*)$/i.exec(i.args.trim());
        if (m && !m[1]!.trim().startsWith('[')) return [at(i, 'HEALTHCHECK CMD uses the shell form')];
      }
      return [];
    }),
});

function labelKeyProblem(key: string): string | undefined {
  if (/^(com\.docker\.|io\.docker\.|org\.dockerproject\.)/.test(key)) return 'uses a reserved namespace';
  if (!/^[a-z0-9.-]+$/.test(key)) return 'has characters other than lower-case letters, digits, dots and dashes';
  if (!/^[a-z]/.test(key) || !/[a-z0-9]$/.test(key)) return 'must start with a letter and end with a letter or digit';
  if (/[.-]{2}/.test(key)) return 'has consecutive separators';
  return undefined;
}

export const invalidLabelKey = defineDockerfileRule({
  id: 'BLW-DF-031',
  title: 'Invalid label key',
  severity: 'low',
  description: 'Label keys should follow the Docker object label conventions (reverse-DNS, lower case, no reserved namespace).',
  remediation: 'Rename the label key.',
  references: ['https://docs.docker.com/engine/manage-resources/labels/', hl('DL3048')],
  aliases: ['DL3048'],
  check: (df) =>
    each(df, 'LABEL', true).flatMap((i) =>
      envPairs(i.args).flatMap(([k]) => {
        const key = unquoteWord(k);
        const why = labelKeyProblem(key);
        return why ? [at(i, `label key "${key}" ${why}`)] : [];
      }),
    ),
});

export const badOnbuild = defineDockerfileRule({
  id: 'BLW-DF-032',
  title: 'ONBUILD with a forbidden instruction',
  severity: 'high',
  description: 'ONBUILD cannot trigger ONBUILD, FROM or MAINTAINER.',
  remediation: 'Remove the nested instruction.',
  references: [`${REF}#onbuild`, hl('DL3043')],
  aliases: ['DL3043'],
  check: (df) =>
    df.instructions.flatMap((i) => (i.trigger && ['ONBUILD', 'FROM', 'MAINTAINER'].includes(i.trigger.keyword) ? [at(i, `ONBUILD ${i.trigger.keyword} is not allowed`)] : [])),
});

export const envSelfReference = defineDockerfileRule({
  id: 'BLW-DF-033',
  title: 'ENV references a variable set in the same statement',
  severity: 'medium',
  description: 'Variables set in one ENV line are not visible to the other values of that line: the reference expands to the old (often empty) value.',
  remediation: 'Split the ENV into two instructions.',
  references: [`${REF}#env`, hl('DL3044')],
  aliases: ['DL3044'],
  check: (df) => {
    const out: Violation[] = [];
    const defined = new Set<string>();
    for (const i of df.instructions) {
      if (i.keyword === 'FROM') defined.clear();
      if (i.keyword !== 'ENV') continue;
      const pairs = envPairs(i.args);
      const here: string[] = [];
      for (const [k, v] of pairs) {
        const hit = here.find((n) => !defined.has(n) && new RegExp(`\\$(\\{${n}(?:[:}+-])|${n}(?![A-Za-z0-9_]))`).test(v));
        if (hit) out.push(at(i, `${k} references ${hit}, set in the same ENV`));
        here.push(k);
      }
      for (const n of here) defined.add(n);
    }
    return out;
  },
});

export const beforeFrom = defineDockerfileRule({
  id: 'BLW-DF-034',
  title: 'Instruction before FROM',
  severity: 'high',
  description: 'Only ARG (and comments) may come before the first FROM.',
  remediation: 'Move the instruction after FROM.',
  references: [`${REF}#understand-how-arg-and-from-interact`, hl('DL3061')],
  aliases: ['DL3061'],
  check: (df) => {
    if (df.stages.length === 0) return [];
    const bad = df.instructions.find((i) => i.stage < 0 && i.keyword !== 'ARG');
    return bad ? [at(bad, `${bad.keyword} before the first FROM`)] : [];
  },
});

export const consecutiveRun = defineDockerfileRule({
  id: 'BLW-DF-035',
  title: 'Consecutive RUN instructions',
  severity: 'low',
  description: 'Each RUN adds a layer; consecutive single-command RUNs with the same flags can be merged.',
  remediation: 'Join them with && in one RUN.',
  references: [hl('DL3059')],
  aliases: ['DL3059'],
  check: (df) => {
    const out: Violation[] = [];
    const flagKey = (i: Instruction): string => i.flags.map((f) => `${f.name}=${f.value}`).sort().join(' ');
    for (let k = 1; k < df.instructions.length; k++) {
      const a = df.instructions[k - 1]!;
      const b = df.instructions[k]!;
      if (a.keyword !== 'RUN' || b.keyword !== 'RUN' || flagKey(a) !== flagKey(b)) continue;
      if (commandsOf(a).length <= 1 && commandsOf(b).length <= 1) out.push(at(b, 'consecutive RUN: consider merging'));
    }
    return out;
  },
});

export const copyDestSlash = defineDockerfileRule({
  id: 'BLW-DF-036',
  title: 'COPY with several sources to a destination without trailing slash',
  severity: 'medium',
  description: 'With more than one source the destination must be a directory ending in /; the build fails otherwise.',
  remediation: 'End the destination with /.',
  references: [`${REF}#copy`, hl('DL3021')],
  aliases: ['DL3021', 'DS011', 'AVD-DS-0011', 'DS-0011', 'use-slash-for-copy-args', 'docker-use-slash-for-copy-args'],
  check: (df) =>
    each(df, 'COPY').concat(each(df, 'ADD')).flatMap((i) => {
      const a = copyArgs(i);
      const dest = a[a.length - 1] ?? '';
      return a.length > 2 && !/[/\\]$/.test(dest) && !dest.includes('$') ? [at(i, `destination "${dest}" must end with / when copying ${a.length - 1} sources`)] : [];
    }),
});

export const copyRelativeNoWorkdir = defineDockerfileRule({
  id: 'BLW-DF-037',
  title: 'COPY to a relative destination without WORKDIR',
  severity: 'low',
  description: 'A relative destination lands in whatever WORKDIR the base image set, which is often /.',
  remediation: 'Set WORKDIR first or use an absolute destination.',
  references: [`${REF}#copy`, hl('DL3045')],
  aliases: ['DL3045'],
  check: (df) => {
    const out: Violation[] = [];
    const workdirSeen = new Map<number, boolean>();
    for (const i of df.instructions) {
      const s = df.stages[i.stage];
      const inherited = s?.parent !== undefined && workdirSeen.get(s.parent) === true;
      if (!workdirSeen.has(i.stage)) workdirSeen.set(i.stage, inherited);
      const target = i.trigger ?? i;
      if (target.keyword === 'WORKDIR') { workdirSeen.set(i.stage, true); continue; }
      if (target.keyword !== 'COPY' || workdirSeen.get(i.stage)) continue;
      const a = copyArgs(target);
      const dest = a[a.length - 1];
      if (a.length >= 2 && dest !== undefined && !isAbsolutePath(dest)) out.push(at(i, `COPY to relative "${dest}" with no WORKDIR set`));
    }
    return out;
  },
});

export const copyThenExtract = defineDockerfileRule({
  id: 'BLW-DF-038',
  title: 'Archive copied then extracted',
  severity: 'low',
  description: 'COPY of an archive followed by tar -x keeps the archive in a layer.',
  remediation: 'Use ADD to extract the archive in one step, or extract from a bind mount (RUN --mount=type=bind).',
  references: [hl('DL3010')],
  aliases: ['DL3010'],
  check: (df) => {
    const out: Violation[] = [];
    const norm = (p: string): string => p.replace(/\\/g, '/').replace(/\/+$/, '').toLowerCase();
    const copied: { ins: Instruction; paths: Set<string> }[] = [];
    for (const i of df.instructions) {
      if (i.keyword === 'FROM') copied.length = 0;
      if (i.keyword === 'COPY' && !i.flags.some((f) => f.name === 'from')) {
        const a = copyArgs(i);
        const dest = a[a.length - 1];
        const arcs = a.slice(0, -1).filter((s) => ARCHIVE.test(s));
        if (dest !== undefined && arcs.length > 0) {
          const paths = new Set<string>([norm(dest)]);
          for (const s of arcs) paths.add(norm(`${norm(dest)}/${s.replace(/\\/g, '/').replace(/^.*\//, '')}`));
          copied.push({ ins: i, paths });
        }
      }
      if (i.keyword === 'RUN') {
        for (const c of commandsOf(i)) {
          if (c.name.replace(/^.*\//, '') !== 'tar' || !c.args.some((x) => x === '--extract' || x === '--get' || /^-?[a-zA-Z]*x[a-zA-Z]*$/.test(x))) continue;
          const hit = copied.find((cp) => c.args.some((x) => cp.paths.has(norm(x))));
          if (hit) out.push(at(hit.ins, 'archive is copied and then extracted with tar'));
        }
      }
    }
    return out;
  },
});

export const ignorePragma = defineDockerfileRule({
  id: 'BLW-DF-039',
  title: 'Inline linter ignore pragma',
  severity: 'low',
  description: 'Inline "# hadolint ignore=" pragmas hide findings from review; prefer a reviewed configuration file.',
  remediation: 'Move the exception to the scanner configuration with a justification.',
  references: [hl('DL1001')],
  aliases: ['DL1001'],
  check: (df) =>
    df.comments.filter((c) => /^#\s*hadolint\s+(global\s+)?ignore\s*=/i.test(c.text)).map((c) => ({ message: 'inline ignore pragma', range: { startLine: c.line, endLine: c.line } })),
});

const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY(_ID)?|PRIVATE_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH)(_|$)/i;
const NOT_SECRET = /(_FILE|_PATH|_DIR|_URL|_HOST|_USER(NAME)?)$/i;

export const secretInEnv = defineDockerfileRule({
  id: 'BLW-DF-040',
  title: 'Secret passed through ENV or ARG',
  severity: 'high',
  description: 'ENV values are stored in the image config and ARG values in the build history: anyone who can pull the image can read them.',
  remediation: 'Use build secrets (RUN --mount=type=secret) or inject secrets at run time.',
  references: ['https://docs.docker.com/build/building/secrets/', hl('DL3064')],
  aliases: ['DL3064', 'DS031', 'AVD-DS-0031', 'DS-0031'],
  frameworks: [{ framework: 'cis-docker-1.6', control: '4.10' }, { framework: 'pci-dss-4.0', control: '8.3.2' }],
  check: (df) =>
    df.instructions.flatMap((i) => {
      const t = i.trigger ?? i;
      if (t.keyword !== 'ENV' && t.keyword !== 'ARG') return [];
      const names = t.keyword === 'ENV' ? envPairs(t.args).map(([k]) => k) : splitWords(t.args).map((w) => w.split('=')[0]!);
      return names.filter((n) => SECRET_NAME.test(n) && !NOT_SECRET.test(n)).map((n) => at(i, `${t.keyword} ${n} looks like a secret`));
    }),
});
