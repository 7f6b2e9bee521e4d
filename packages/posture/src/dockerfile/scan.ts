import type { ConfigFinding, InputError } from '@bulwark/core';
import { runRulesDetailed } from '../engine/finding.js';
import type { Fix } from '../rules/types.js';
import { dockerfileRules } from '../rules/dockerfile/all.js';
import { parseDockerfile } from './parse.js';
import type { DockerfileParseOptions } from './parse.js';
import type { DockerfileRule } from './rule.js';

export interface DockerfileScanOptions extends DockerfileParseOptions {
  /** Called when a rule throws (a bug in the rule); the scan goes on without it. */
  onRuleError?: (ruleId: string, e: unknown) => void;
}

/** A fixable finding with its fix (a `lines` fix: replace, or insert when `endLine` is `startLine - 1`). */
export interface DockerfileFix {
  finding: ConfigFinding;
  fix: Fix;
}

export interface DockerfileScanResult {
  findings: ConfigFinding[];
  errors: InputError[];
  /** The findings that carry a mechanical fix, with the fix (ConfigFinding only says `fixable`). */
  fixes: DockerfileFix[];
}

/** Parses one Dockerfile and runs the rules on it. Pure; a malformed file yields an error, never a throw. */
export function scanDockerfile(path: string, content: Buffer, rules: readonly DockerfileRule[] = dockerfileRules, opts: DockerfileScanOptions = {}): DockerfileScanResult {
  const parsed = parseDockerfile(path, content, opts);
  if (!parsed.ok) return { findings: [], errors: [parsed.error], fixes: [] };
  const df = parsed.value;
  const range = { startLine: 1, endLine: Math.max(1, df.lineCount) };
  const outcomes = runRulesDetailed(rules, df, { file: path, resource: 'Dockerfile', range }, opts.onRuleError);
  return {
    findings: outcomes.map((o) => o.finding),
    errors: [],
    fixes: outcomes.flatMap(({ finding, violation }) => (violation.fix ? [{ finding, fix: violation.fix }] : [])),
  };
}

/** File names Docker tools treat as Dockerfiles: Dockerfile, Dockerfile.prod, prod.Dockerfile, Containerfile. */
export function isDockerfilePath(path: string): boolean {
  const base = path.replace(/^.*[\\/]/, '');
  return /^(Dockerfile|Containerfile)([.-].+)?$/i.test(base) || /\.(dockerfile|containerfile)$/i.test(base);
}
