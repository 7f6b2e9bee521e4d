import { composeRules } from '../compose/all.js';
import { dockerfileRules } from '../rules/dockerfile/all.js';
import { kubernetesRules } from '../rules/kubernetes/registry.js';
import type { RuleMeta, RuleTarget } from '../rules/types.js';
import { cloudRules } from '../terraform/registry.js';

/** One rule of the library as listings and reports show it. */
export interface CatalogRule extends RuleMeta {
  /** Every target the rule runs on (cloud rules serve Terraform and CloudFormation alike). */
  readonly targets: readonly RuleTarget[];
  /** Cloud rules: the resource types they check (`aws_s3_bucket`, `AWS::S3::Bucket`). */
  readonly resourceTypes?: readonly string[];
}

function metaOf(r: RuleMeta, targets: readonly RuleTarget[], resourceTypes?: readonly string[]): CatalogRule {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    description: r.description,
    remediation: r.remediation,
    references: [...r.references],
    aliases: [...r.aliases],
    frameworks: r.frameworks.map((f) => ({ ...f })),
    target: r.target,
    ...(r.tags ? { tags: [...r.tags] } : {}),
    targets,
    ...(resourceTypes ? { resourceTypes: [...resourceTypes] } : {}),
  };
}

let cached: { rules: CatalogRule[]; conflicts: string[] } | undefined;

function build(): NonNullable<typeof cached> {
  const byId = new Map<string, CatalogRule>();
  const conflicts: string[] = [];
  const add = (r: RuleMeta, targets: readonly RuleTarget[], resourceTypes?: readonly string[]): void => {
    const prev = byId.get(r.id);
    if (prev) {
      if (prev.title !== r.title) conflicts.push(`${r.id}: "${prev.title}" and "${r.title}"`);
      return;
    }
    byId.set(r.id, metaOf(r, targets, resourceTypes));
  };
  for (const r of kubernetesRules) add(r, ['kubernetes']);
  for (const r of dockerfileRules) add(r, ['dockerfile']);
  for (const r of composeRules) add(r, ['compose']);
  for (const r of cloudRules) add(r, r.providers.length > 0 ? [...r.providers] : [r.target], r.resourceTypes);
  return { rules: [...byId.values()], conflicts };
}

/**
 * Every rule of the library, once per id. When two families claim the same id the first registered wins
 * (a registry bug); `ruleIdConflicts()` names such clashes.
 */
export function ruleCatalog(): readonly CatalogRule[] {
  cached ??= build();
  return cached.rules;
}

/** Ids claimed by two different rules (the catalog keeps the first): a registry bug to fix at its source. */
export function ruleIdConflicts(): readonly string[] {
  cached ??= build();
  return cached.conflicts;
}

/** The rule with this id or alias (case-insensitive); an id wins over another rule's alias. */
export function findRule(idOrAlias: string): CatalogRule | undefined {
  const q = idOrAlias.trim().toUpperCase();
  const rules = ruleCatalog();
  return rules.find((r) => r.id.toUpperCase() === q) ?? rules.find((r) => r.aliases.some((a) => a.toUpperCase() === q));
}

/** Rule selection from `--rules` / `--skip-rules`: ids or aliases, case-insensitive. */
export interface RuleSelection {
  include?: readonly string[];
  exclude?: readonly string[];
}

function matchesAny(r: RuleMeta, wanted: ReadonlySet<string>): boolean {
  return wanted.has(r.id.toUpperCase()) || r.aliases.some((a) => wanted.has(a.toUpperCase()));
}

/** Keeps the rules the selection allows. */
export function selectRules<R extends RuleMeta>(rules: readonly R[], sel: RuleSelection = {}): R[] {
  const inc = sel.include && sel.include.length > 0 ? new Set(sel.include.map((s) => s.toUpperCase())) : undefined;
  const exc = new Set((sel.exclude ?? []).map((s) => s.toUpperCase()));
  return rules.filter((r) => (!inc || matchesAny(r, inc)) && !matchesAny(r, exc));
}

/** Names in a selection that match no rule id or alias (typos in `--rules`). */
export function unknownRuleNames(names: readonly string[]): string[] {
  return names.filter((n) => findRule(n) === undefined);
}
