import { at, defineDockerfileRule } from '../../../dockerfile/rule.js';
import { parseImageRef } from '../../../dockerfile/parse.js';
import type { Dockerfile, Instruction, Stage } from '../../../dockerfile/parse.js';
import type { Violation } from '../../types.js';

const DOCS = 'https://docs.docker.com/reference/dockerfile/#from';

/** FROM lines that name an external image (not scratch, not an earlier stage, not an unresolved variable). */
function externalBases(df: Dockerfile): Stage[] {
  return df.stages.filter((s, k) => {
    const img = s.image.toLowerCase();
    if (img === 'scratch' || img.includes('$') || img === '') return false;
    return !df.stages.slice(0, k).some((p) => p.name?.toLowerCase() === img);
  });
}

export const untaggedImage = defineDockerfileRule({
  id: 'BLW-DF-001',
  title: 'Base image is not tagged',
  severity: 'medium',
  description: 'FROM without a tag or digest pulls whatever "latest" is at build time: builds are not reproducible and can silently change.',
  remediation: 'Pin the base image with a version tag, or better a digest (image:1.2.3@sha256:...).',
  references: [DOCS, 'https://github.com/hadolint/hadolint/wiki/DL3006'],
  aliases: ['DL3006', 'DS001', 'AVD-DS-0001', 'DS-0001', 'CKV_DOCKER_7'],
  frameworks: [{ framework: 'cis-docker-1.6', control: '4.2' }],
  check: (df) =>
    externalBases(df).flatMap((s) => {
      const ref = parseImageRef(s.image);
      return ref.tag === undefined && ref.digest === undefined ? [at(s.from, `image "${s.image}" has no tag: it resolves to latest`)] : [];
    }),
});

export const latestTag = defineDockerfileRule({
  id: 'BLW-DF-002',
  title: "Base image uses the ':latest' tag",
  severity: 'medium',
  description: 'The latest tag moves: builds are not reproducible and a rebuild can pull a different, untested image.',
  remediation: 'Use a specific version tag or a digest.',
  references: [DOCS, 'https://github.com/hadolint/hadolint/wiki/DL3007'],
  aliases: ['DL3007', 'DS001', 'AVD-DS-0001', 'DS-0001', 'CKV_DOCKER_7'],
  frameworks: [{ framework: 'cis-docker-1.6', control: '4.2' }],
  check: (df) =>
    externalBases(df).flatMap((s) => {
      const ref = parseImageRef(s.image);
      return ref.tag === 'latest' && ref.digest === undefined ? [at(s.from, `image "${s.image}" uses the latest tag`)] : [];
    }),
});

export const fixedPlatform = defineDockerfileRule({
  id: 'BLW-DF-003',
  title: 'FROM --platform is hard-coded',
  severity: 'low',
  description: 'A literal --platform forces one architecture and breaks multi-platform builds.',
  remediation: 'Use $BUILDPLATFORM or $TARGETPLATFORM, or drop the flag.',
  references: ['https://github.com/hadolint/hadolint/wiki/DL3029'],
  aliases: ['DL3029'],
  check: (df) => df.stages.flatMap((s) => (s.platform !== undefined && !s.platform.includes('$') ? [at(s.from, `--platform=${s.platform} is hard-coded`)] : [])),
});

export const reservedStageName = defineDockerfileRule({
  id: 'BLW-DF-004',
  title: 'Stage name is reserved',
  severity: 'medium',
  description: '"context" and "scratch" have a meaning of their own in BuildKit (build context, empty image); a stage with that name is confusing or ignored.',
  remediation: 'Rename the stage.',
  references: ['https://github.com/hadolint/hadolint/wiki/DL3063'],
  aliases: ['DL3063'],
  check: (df) => df.stages.flatMap((s) => (s.name && ['context', 'scratch'].includes(s.name.toLowerCase()) ? [at(s.from, `stage name "${s.name}" is reserved`)] : [])),
});

export const duplicateStageName = defineDockerfileRule({
  id: 'BLW-DF-005',
  title: 'Stage name used twice',
  severity: 'medium',
  description: 'Two FROM ... AS with the same name: COPY --from and FROM references become ambiguous.',
  remediation: 'Give every stage a unique name.',
  references: ['https://github.com/hadolint/hadolint/wiki/DL3024'],
  aliases: ['DL3024', 'DS012', 'AVD-DS-0012', 'DS-0012', 'CKV_DOCKER_11'],
  check: (df) => {
    const seen = new Set<string>();
    const out: Violation[] = [];
    for (const s of df.stages) {
      if (!s.name) continue;
      const k = s.name.toLowerCase();
      if (seen.has(k)) out.push(at(s.from, `stage name "${s.name}" is already used`));
      seen.add(k);
    }
    return out;
  },
});

function copyFrom(df: Dockerfile): { ins: Instruction; from: string }[] {
  return df.instructions.flatMap((ins) => {
    const f = ins.keyword === 'COPY' ? ins.flags.find((x) => x.name === 'from') : undefined;
    return f ? [{ ins, from: f.value }] : [];
  });
}

export const copyFromUnknown = defineDockerfileRule({
  id: 'BLW-DF-006',
  title: 'COPY --from references an undefined stage',
  severity: 'medium',
  description: 'COPY --from must name a stage defined earlier (or an image); a later or missing stage is pulled as an image from a registry instead.',
  remediation: 'Define the stage before the COPY, or use a full image reference.',
  references: ['https://github.com/hadolint/hadolint/wiki/DL3022'],
  aliases: ['DL3022'],
  check: (df) =>
    copyFrom(df).flatMap(({ ins, from }) => {
      if (/[:/@$]/.test(from)) return [];
      const earlier = df.stages.slice(0, Math.max(0, ins.stage));
      if (/^\d+$/.test(from)) return Number(from) < earlier.length ? [] : [at(ins, `COPY --from=${from}: no stage ${from} before this one`)];
      return earlier.some((s) => s.name?.toLowerCase() === from.toLowerCase()) ? [] : [at(ins, `COPY --from=${from}: no earlier stage named "${from}"`)];
    }),
});

export const copyFromSelf = defineDockerfileRule({
  id: 'BLW-DF-007',
  title: 'COPY --from references its own stage',
  severity: 'high',
  description: 'A stage cannot copy from itself; the build fails or copies from an unexpected image.',
  remediation: 'Copy from an earlier stage.',
  references: ['https://github.com/hadolint/hadolint/wiki/DL3023'],
  aliases: ['DL3023', 'DS006', 'AVD-DS-0006', 'DS-0006'],
  check: (df) =>
    copyFrom(df).flatMap(({ ins, from }) => {
      const s = df.stages[ins.stage];
      if (!s) return [];
      return from.toLowerCase() === s.name?.toLowerCase() || from === String(s.index) ? [at(ins, `COPY --from=${from} references the stage it is in`)] : [];
    }),
});
