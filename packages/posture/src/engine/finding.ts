import type { ConfigFinding, SourceRange } from '@bulwark/core';
import type { DocPath, Rule, Violation } from '../rules/types.js';

/** What a family knows about the input a rule ran on, to place its violations. */
export interface FindingContext {
  file: string;
  /** Default resource label ("Deployment/prod/web", "aws_s3_bucket.logs", "Dockerfile stage builder"). */
  resource?: string;
  /** Range of the whole input (document, resource block, instruction). */
  range: SourceRange;
  /** Lines of a field; undefined when the field does not exist (the nearest existing ancestor is tried). */
  rangeOf?: (path: DocPath) => SourceRange | undefined;
}

/** Places a violation: explicit range, else the path's (or its nearest existing ancestor's) lines, else the input's. */
export function findingOf(rule: Rule<unknown>, v: Violation, ctx: FindingContext): ConfigFinding {
  let range = v.range;
  if (!range && v.path && ctx.rangeOf) {
    for (let n = v.path.length; n > 0 && !range; n--) range = ctx.rangeOf(v.path.slice(0, n));
  }
  const resource = v.resource ?? ctx.resource;
  return {
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    aliases: [...rule.aliases],
    file: ctx.file,
    range: range ?? ctx.range,
    ...(resource !== undefined ? { resource } : {}),
    message: v.message,
    frameworks: [...rule.frameworks],
    fixable: v.fix !== undefined,
  };
}

/** A finding together with the violation it came from (its path and its fix), for `--fix`. */
export interface RuleOutcome {
  finding: ConfigFinding;
  violation: Violation;
}

/** Runs rules over one input; a rule that throws is a bug, reported as such instead of stopping the scan. */
export function runRules<Input>(rules: readonly Rule<Input>[], input: Input, ctx: FindingContext, onError?: (rule: string, e: unknown) => void): ConfigFinding[] {
  return runRulesDetailed(rules, input, ctx, onError).map((o) => o.finding);
}

/** `runRules`, keeping each finding's violation (path and fix): the fix planner needs what ConfigFinding drops. */
export function runRulesDetailed<Input>(rules: readonly Rule<Input>[], input: Input, ctx: FindingContext, onError?: (rule: string, e: unknown) => void): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const rule of rules) {
    let violations: Violation[];
    try {
      violations = rule.check(input);
    } catch (e) {
      onError?.(rule.id, e);
      continue;
    }
    for (const v of violations) out.push({ finding: findingOf(rule as Rule<unknown>, v, ctx), violation: v });
  }
  return out;
}
