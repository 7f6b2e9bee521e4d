import type { ConfigFinding, InputError } from '@bulwark/core';
import { runRules } from '../engine/finding.js';
import { composeRules } from './all.js';
import { parseCompose } from './parse.js';
import type { ComposeParseOptions } from './parse.js';
import type { ComposeRule } from './rule.js';

/** Parses one compose file and runs the rules on it. Pure. */
export function scanCompose(path: string, content: Buffer, rules: readonly ComposeRule[] = composeRules, opts: ComposeParseOptions = {}): { findings: ConfigFinding[]; errors: InputError[] } {
  const parsed = parseCompose(path, content, opts);
  if (!parsed.ok) return { findings: [], errors: [parsed.error] };
  const f = parsed.value;
  return { findings: runRules(rules, f, { file: path, range: f.range, rangeOf: f.rangeOf }), errors: [] };
}

/** compose.yaml, docker-compose.yml, docker-compose.prod.yaml, compose.override.yml. */
export function isComposePath(path: string): boolean {
  return /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(path.replace(/^.*[\\/]/, ''));
}
