import { InputError } from '@bulwark/core';

/**
 * A policy that cannot be loaded: YAML, schema or CEL compile problem. `field` is "line N" (what the CLI prints),
 * `line` the same number, `path` the policy field ("spec.validations[0].expression"). Past a size/count/alias limit,
 * `kind` is 'limit' and `limit` names it, as LimitError does.
 */
export class PolicyError extends InputError {
  override readonly kind: 'input' | 'limit';
  readonly line: number;
  readonly path: string;
  readonly limit: string | undefined;
  constructor(opts: { file: string; line: number; path: string; message: string; expected?: string; limit?: string; cause?: unknown }) {
    super({
      file: opts.file,
      field: `line ${opts.line}`,
      message: opts.path ? `${opts.path}: ${opts.message}` : opts.message,
      ...(opts.expected !== undefined ? { expected: opts.expected } : {}),
      ...(opts.cause !== undefined ? { cause: opts.cause } : {}),
    });
    this.name = 'PolicyError';
    this.line = opts.line;
    this.path = opts.path;
    this.limit = opts.limit;
    this.kind = opts.limit ? 'limit' : 'input';
  }
}

/**
 * A policy expression failed on one object (missing field without has(), bad regex from data, non-bool result, cost
 * over the limit). Thrown from the rule's check, so the engine reports it through `onRuleError` and the object gets no
 * finding from that policy; the scan goes on.
 */
export class PolicyEvaluationError extends Error {
  readonly ruleId: string;
  readonly resource: string;
  readonly file: string;
  /** Each failed expression: its policy field ("spec.validations[0].expression"), file, line and what went wrong. */
  readonly failures: readonly { field: string; policyFile: string; line: number; message: string }[];
  /** The policy's failurePolicy: with 'Fail', the API server would have rejected the object. */
  readonly failurePolicy: 'Fail' | 'Ignore';
  constructor(opts: {
    ruleId: string;
    resource: string;
    file: string;
    failurePolicy: 'Fail' | 'Ignore';
    failures: { field: string; policyFile: string; line: number; message: string }[];
  }) {
    const first = opts.failures[0];
    const more = opts.failures.length > 1 ? ` (+${opts.failures.length - 1} more)` : '';
    const fp = opts.failurePolicy === 'Fail' ? '; failurePolicy Fail: admission would reject it' : '; failurePolicy Ignore: admission would allow it';
    super(`${opts.ruleId} on ${opts.resource} (${opts.file}): ${first ? `${first.policyFile}:${first.line}: ${first.message}` : 'evaluation failed'}${more}${fp}`);
    this.name = 'PolicyEvaluationError';
    this.ruleId = opts.ruleId;
    this.resource = opts.resource;
    this.file = opts.file;
    this.failures = opts.failures;
    this.failurePolicy = opts.failurePolicy;
  }
}
