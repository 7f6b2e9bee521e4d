import type { Rule, RuleMeta, Violation } from '../rules/types.js';
import type { ComposeFile, ComposeService } from './parse.js';

export type ComposeRule = Rule<ComposeFile>;

type Spec = Omit<RuleMeta, 'target' | 'frameworks' | 'references'> & {
  frameworks?: RuleMeta['frameworks'];
  references?: readonly string[];
  /** Runs once per service; violations are placed through their `path` (relative to the service). */
  service(s: ComposeService): { message: string; field: (string | number)[] }[];
};

export function defineComposeRule(spec: Spec): ComposeRule {
  const { service, ...meta } = spec;
  return {
    ...meta,
    frameworks: spec.frameworks ?? [],
    references: spec.references ?? [],
    target: 'compose',
    check: (f) =>
      f.services.flatMap((s) => service(s).map((v): Violation => ({ message: `service "${s.name}": ${v.message}`, path: [...s.path, ...v.field], resource: `service ${s.name}` }))),
  };
}
