import type { FrameworkControl, Severity } from '@bulwark/core';
import type { DocPath, RuleMeta } from '../rules/types.js';
import { CelCompileError, compileCel } from './cel.js';
import type { CelLimits, CompiledCel } from './cel.js';
import { PolicyError } from './errors.js';
import type { LabelRequirement, LabelSelector, MatchSpec, ResourceRule } from './match.js';
import type { PolicyDocument } from './yaml.js';

export const BULWARK_API_VERSION = 'policy.bulwark.dev/v1';
export const VAP_API_VERSIONS = ['admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1beta1', 'admissionregistration.k8s.io/v1alpha1'];
export const SEVERITY_ANNOTATION = 'policy.bulwark.dev/severity';
export const TITLE_ANNOTATION = 'policy.bulwark.dev/title';

/** One compiled expression and where it is written. */
export interface CompiledExpression {
  cel: CompiledCel;
  policyFile: string;
  line: number;
  /** Field path in the policy document ("spec.validations[0].expression"). */
  field: string;
}

export interface CompiledValidation {
  expression: CompiledExpression;
  message?: string;
  messageExpression?: CompiledExpression;
  reason?: string;
  /** Field of the checked object the finding points at (Bulwark format only). */
  path?: DocPath;
}

export interface CompiledPolicy {
  format: 'bulwark' | 'vap';
  /** metadata.name */
  name: string;
  file: string;
  line: number;
  meta: Omit<RuleMeta, 'target'>;
  match: MatchSpec;
  matchConditions: { name: string; expression: CompiledExpression }[];
  variables: { name: string; expression: CompiledExpression }[];
  validations: CompiledValidation[];
  failurePolicy: 'Fail' | 'Ignore';
  paramKind?: { apiVersion: string; kind: string };
}

export interface CompiledBinding {
  name: string;
  policyName: string;
  file: string;
  line: number;
  match?: MatchSpec;
  paramRef?: { name?: string; namespace?: string; selector?: LabelSelector; notFound: 'Allow' | 'Deny' };
  validationActions: string[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function fieldName(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads fields of one document, collecting PolicyErrors with file and line instead of throwing. */
class Reader {
  readonly errors: PolicyError[] = [];
  constructor(readonly doc: PolicyDocument, readonly limits: CelLimits) {}

  fail(path: DocPath, message: string, expected?: string): undefined {
    this.errors.push(new PolicyError({ file: this.doc.file, line: this.doc.lineOf(path), path: fieldName(path), message, ...(expected ? { expected } : {}) }));
    return undefined;
  }

  obj(v: unknown, path: DocPath, required = false): Obj | undefined {
    if (v === undefined || v === null) return required ? this.fail(path, 'required field is missing', 'an object') : undefined;
    return isObj(v) ? v : this.fail(path, `expected an object, got ${Array.isArray(v) ? 'a list' : typeof v}`, 'an object');
  }

  str(v: unknown, path: DocPath, required = false): string | undefined {
    if (v === undefined || v === null) return required ? this.fail(path, 'required field is missing', 'a string') : undefined;
    return typeof v === 'string' ? v : this.fail(path, `expected a string, got ${Array.isArray(v) ? 'a list' : typeof v}`, 'a string');
  }

  list(v: unknown, path: DocPath, required = false): unknown[] | undefined {
    if (v === undefined || v === null) return required ? this.fail(path, 'required field is missing', 'a list') : undefined;
    return Array.isArray(v) ? v : this.fail(path, `expected a list, got ${typeof v}`, 'a list');
  }

  strings(v: unknown, path: DocPath, required = false): string[] | undefined {
    const l = this.list(v, path, required);
    if (!l) return undefined;
    const out: string[] = [];
    l.forEach((x, i) => {
      const s = this.str(x, [...path, i], true);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  oneOf<T extends string>(v: unknown, path: DocPath, allowed: readonly T[]): T | undefined {
    const s = this.str(v, path);
    if (s === undefined) return undefined;
    return (allowed as readonly string[]).includes(s) ? (s as T) : this.fail(path, `unknown value ${JSON.stringify(s)}`, allowed.join(' | '));
  }

  onlyKeys(o: Obj, path: DocPath, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.fail([...path, k], `unknown field ${JSON.stringify(k)}`, `one of ${allowed.join(', ')}`);
  }

  expression(v: unknown, path: DocPath, required = true): CompiledExpression | undefined {
    const src = this.str(v, path, required);
    if (src === undefined) return undefined;
    try {
      return { cel: compileCel(src, this.limits), policyFile: this.doc.file, line: this.doc.lineInString(path, 0), field: fieldName(path) };
    } catch (e) {
      if (!(e instanceof CelCompileError)) throw e;
      const line = this.doc.lineInString(path, e.offset ?? 0);
      const col = e.offset !== undefined ? ` (character ${e.offset + 1})` : '';
      const hint = /authorizer/.test(e.message) ? ' (authorizer checks need a live API server; not available offline)' : '';
      const tooLong = /longer than/.test(e.message);
      this.errors.push(
        new PolicyError({
          file: this.doc.file,
          line,
          path: fieldName(path),
          message: `CEL ${tooLong ? 'limit' : 'compile error'}: ${e.message}${col}${hint}`,
          ...(tooLong ? { limit: `maxExpressionLength=${this.limits.maxExpressionLength}` } : {}),
        }),
      );
      return undefined;
    }
  }

  selector(v: unknown, path: DocPath): LabelSelector | undefined {
    const o = this.obj(v, path);
    if (!o) return undefined;
    const matchLabels: Record<string, string> = {};
    const ml = this.obj(o.matchLabels, [...path, 'matchLabels']);
    for (const [k, x] of Object.entries(ml ?? {})) {
      const s = typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : this.fail([...path, 'matchLabels', k], 'expected a string');
      if (s !== undefined) matchLabels[k] = s;
    }
    const matchExpressions: LabelRequirement[] = [];
    (this.list(o.matchExpressions, [...path, 'matchExpressions']) ?? []).forEach((x, i) => {
      const p = [...path, 'matchExpressions', i];
      const req = this.obj(x, p, true);
      if (!req) return;
      const key = this.str(req.key, [...p, 'key'], true);
      const operator = this.oneOf(req.operator, [...p, 'operator'], ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const);
      const values = this.strings(req.values, [...p, 'values']) ?? [];
      if (operator === undefined && req.operator === undefined) this.fail([...p, 'operator'], 'required field is missing', 'In | NotIn | Exists | DoesNotExist');
      if ((operator === 'In' || operator === 'NotIn') && values.length === 0) this.fail([...p, 'values'], `${operator} needs at least one value`);
      if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) this.fail([...p, 'values'], `${operator} takes no values`);
      if (key !== undefined && operator !== undefined) matchExpressions.push({ key, operator, values });
    });
    return { matchLabels, matchExpressions };
  }

  resourceRules(v: unknown, path: DocPath, required: boolean): ResourceRule[] | undefined {
    const l = this.list(v, path, required);
    if (!l) return undefined;
    const out: ResourceRule[] = [];
    l.forEach((x, i) => {
      const p = [...path, i];
      const o = this.obj(x, p, true);
      if (!o) return;
      const need = (k: string): string[] => {
        const s = this.strings(o[k], [...p, k], true) ?? [];
        if (s.length === 0 && o[k] !== undefined) this.fail([...p, k], 'must not be empty');
        return s;
      };
      const scope = this.oneOf(o.scope, [...p, 'scope'], ['*', 'Cluster', 'Namespaced'] as const) ?? '*';
      out.push({
        apiGroups: need('apiGroups'),
        apiVersions: need('apiVersions'),
        resources: need('resources'),
        operations: need('operations'),
        resourceNames: this.strings(o.resourceNames, [...p, 'resourceNames']) ?? [],
        scope,
      });
    });
    return out;
  }

  /** VAP matchConstraints / binding matchResources. */
  matchResources(v: unknown, path: DocPath, rulesRequired: boolean): MatchSpec | undefined {
    const o = this.obj(v, path, rulesRequired);
    if (!o) return undefined;
    const spec: MatchSpec = {};
    const rules = this.resourceRules(o.resourceRules, [...path, 'resourceRules'], rulesRequired);
    if (rules) spec.resourceRules = rules;
    const ex = this.resourceRules(o.excludeResourceRules, [...path, 'excludeResourceRules'], false);
    if (ex) spec.excludeResourceRules = ex;
    const ns = this.selector(o.namespaceSelector, [...path, 'namespaceSelector']);
    if (ns) spec.namespaceSelector = ns;
    const os = this.selector(o.objectSelector, [...path, 'objectSelector']);
    if (os) spec.objectSelector = os;
    this.oneOf(o.matchPolicy, [...path, 'matchPolicy'], ['Exact', 'Equivalent'] as const);
    return spec;
  }

  named(v: unknown, path: DocPath, what: string): { name: string; expression: CompiledExpression }[] {
    const out: { name: string; expression: CompiledExpression }[] = [];
    const seen = new Set<string>();
    (this.list(v, path) ?? []).forEach((x, i) => {
      const p = [...path, i];
      const o = this.obj(x, p, true);
      if (!o) return;
      const name = this.str(o.name, [...p, 'name'], true);
      if (name !== undefined && what === 'variable' && !VARIABLE_NAME.test(name)) this.fail([...p, 'name'], `invalid variable name ${JSON.stringify(name)}`, 'a CEL identifier');
      if (name !== undefined && seen.has(name)) this.fail([...p, 'name'], `duplicate ${what} name ${JSON.stringify(name)}`);
      if (name !== undefined) seen.add(name);
      const expression = this.expression(o.expression, [...p, 'expression']);
      if (name !== undefined && expression) out.push({ name, expression });
    });
    return out;
  }
}

/** "spec.template.metadata.labels", "spec.containers[0].image", 'metadata.labels["app.kubernetes.io/name"]' → DocPath. */
export function parseFieldPath(s: string): DocPath | undefined {
  const out: (string | number)[] = [];
  const re = /\s*(?:\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\])/y;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    pos = re.lastIndex;
    if (m[1] !== undefined) out.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push((m[3] ?? m[4])!.replace(/\\(.)/g, '$1'));
  }
  return out.length > 0 ? out : undefined;
}

function validations(r: Reader, v: unknown, path: DocPath, format: 'bulwark' | 'vap'): CompiledValidation[] {
  const out: CompiledValidation[] = [];
  const list = r.list(v, path, format === 'bulwark');
  if (format === 'bulwark' && list && list.length === 0) r.fail(path, 'at least one validation is required');
  (list ?? []).forEach((x, i) => {
    const p = [...path, i];
    const o = r.obj(x, p, true);
    if (!o) return;
    if (format === 'bulwark') r.onlyKeys(o, p, ['expression', 'message', 'messageExpression', 'reason', 'path']);
    const expression = r.expression(o.expression, [...p, 'expression']);
    const message = r.str(o.message, [...p, 'message']);
    const messageExpression = o.messageExpression === undefined ? undefined : r.expression(o.messageExpression, [...p, 'messageExpression']);
    const reason = r.oneOf(o.reason, [...p, 'reason'], ['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge'] as const);
    let field: DocPath | undefined;
    const rawPath = r.str(o.path, [...p, 'path']);
    if (rawPath !== undefined) {
      field = parseFieldPath(rawPath);
      if (!field) r.fail([...p, 'path'], `cannot read field path ${JSON.stringify(rawPath)}`, 'a path like spec.template.spec.containers[0].image');
    }
    if (message !== undefined && /\n/.test(message.trim())) r.fail([...p, 'message'], 'message must be one line');
    if (!expression) return;
    out.push({
      expression,
      ...(message !== undefined ? { message } : {}),
      ...(messageExpression ? { messageExpression } : {}),
      ...(reason ? { reason } : {}),
      ...(field ? { path: field } : {}),
    });
  });
  return out;
}

function frameworks(r: Reader, v: unknown, path: DocPath): FrameworkControl[] {
  const out: FrameworkControl[] = [];
  (r.list(v, path) ?? []).forEach((x, i) => {
    const p = [...path, i];
    const o = r.obj(x, p, true);
    if (!o) return;
    r.onlyKeys(o, p, ['framework', 'control']);
    const framework = r.str(o.framework, [...p, 'framework'], true);
    const control = typeof o.control === 'number' ? String(o.control) : r.str(o.control, [...p, 'control'], true);
    if (framework !== undefined && control !== undefined) out.push({ framework, control });
  });
  return out;
}

/** A `kind: Policy` document (Bulwark format). */
export function compileBulwarkPolicy(doc: PolicyDocument, limits: CelLimits): { policy?: CompiledPolicy; errors: PolicyError[] } {
  const r = new Reader(doc, limits);
  const root = doc.value as Obj;
  r.onlyKeys(root, [], ['apiVersion', 'kind', 'metadata', 'spec']);
  const metadata = r.obj(root.metadata, ['metadata']);
  const spec = r.obj(root.spec, ['spec'], true);
  if (!spec) return { errors: r.errors };
  r.onlyKeys(spec, ['spec'], [
    'id', 'title', 'severity', 'description', 'remediation', 'references', 'aliases', 'frameworks', 'tags',
    'match', 'matchConditions', 'variables', 'validations', 'failurePolicy',
  ]);
  const id = r.str(spec.id, ['spec', 'id'], true);
  if (id !== undefined && !ID.test(id)) r.fail(['spec', 'id'], `invalid id ${JSON.stringify(id)}`, 'letters, digits and _ . : / - (at most 128)');
  if (id !== undefined && /^BLW-/i.test(id)) r.fail(['spec', 'id'], `ids starting with BLW- are reserved for built-in rules`);
  const name = r.str(metadata?.name, ['metadata', 'name']) ?? id ?? '';
  const severity = r.oneOf(spec.severity, ['spec', 'severity'], SEVERITIES) ?? 'medium';
  const match: MatchSpec = {};
  const m = r.obj(spec.match, ['spec', 'match']);
  if (m) {
    r.onlyKeys(m, ['spec', 'match'], ['kinds', 'apiGroups', 'namespaces', 'excludeNamespaces', 'namespaceSelector', 'objectSelector']);
    const set = (k: 'kinds' | 'apiGroups' | 'namespaces' | 'excludeNamespaces'): void => {
      const s = r.strings(m[k], ['spec', 'match', k]);
      if (s) match[k] = new Set(s);
    };
    set('kinds');
    set('apiGroups');
    set('namespaces');
    set('excludeNamespaces');
    const ns = r.selector(m.namespaceSelector, ['spec', 'match', 'namespaceSelector']);
    if (ns) match.namespaceSelector = ns;
    const os = r.selector(m.objectSelector, ['spec', 'match', 'objectSelector']);
    if (os) match.objectSelector = os;
  }
  const policy: CompiledPolicy = {
    format: 'bulwark',
    name,
    file: doc.file,
    line: doc.line,
    meta: {
      id: id ?? '',
      title: r.str(spec.title, ['spec', 'title']) ?? name,
      severity,
      description: r.str(spec.description, ['spec', 'description']) ?? '',
      remediation: r.str(spec.remediation, ['spec', 'remediation']) ?? '',
      references: r.strings(spec.references, ['spec', 'references']) ?? [],
      aliases: r.strings(spec.aliases, ['spec', 'aliases']) ?? [],
      frameworks: frameworks(r, spec.frameworks, ['spec', 'frameworks']),
      tags: ['custom-policy', ...(r.strings(spec.tags, ['spec', 'tags']) ?? [])],
    },
    match,
    matchConditions: r.named(spec.matchConditions, ['spec', 'matchConditions'], 'match condition'),
    variables: r.named(spec.variables, ['spec', 'variables'], 'variable'),
    validations: validations(r, spec.validations, ['spec', 'validations'], 'bulwark'),
    failurePolicy: r.oneOf(spec.failurePolicy, ['spec', 'failurePolicy'], ['Fail', 'Ignore'] as const) ?? 'Fail',
  };
  return r.errors.length > 0 ? { errors: r.errors } : { policy, errors: [] };
}

/** A Kubernetes ValidatingAdmissionPolicy. */
export function compileVap(doc: PolicyDocument, limits: CelLimits): { policy?: CompiledPolicy; errors: PolicyError[] } {
  const r = new Reader(doc, limits);
  const root = doc.value as Obj;
  const metadata = r.obj(root.metadata, ['metadata'], true);
  const name = r.str(metadata?.name, ['metadata', 'name'], true);
  const spec = r.obj(root.spec, ['spec'], true);
  if (!spec || name === undefined) return { errors: r.errors };
  const annotations = isObj(metadata?.annotations) ? (metadata.annotations as Obj) : {};
  const severity = annotations[SEVERITY_ANNOTATION] === undefined
    ? 'medium'
    : (r.oneOf(annotations[SEVERITY_ANNOTATION], ['metadata', 'annotations', SEVERITY_ANNOTATION], SEVERITIES) ?? 'medium');
  let paramKind: CompiledPolicy['paramKind'];
  const pk = r.obj(spec.paramKind, ['spec', 'paramKind']);
  if (pk) {
    // v1alpha1 wrote group + version; v1beta1/v1 write apiVersion
    const apiVersion = typeof pk.apiVersion === 'string'
      ? pk.apiVersion
      : typeof pk.version === 'string' ? (typeof pk.group === 'string' && pk.group !== '' ? `${pk.group}/${pk.version}` : pk.version) : undefined;
    const kind = r.str(pk.kind, ['spec', 'paramKind', 'kind'], true);
    if (apiVersion === undefined) r.fail(['spec', 'paramKind', 'apiVersion'], 'required field is missing', 'a string');
    if (apiVersion !== undefined && kind !== undefined) paramKind = { apiVersion, kind };
  }
  const str = (k: string): string | undefined => (typeof annotations[k] === 'string' ? (annotations[k] as string) : undefined);
  const policy: CompiledPolicy = {
    format: 'vap',
    name,
    file: doc.file,
    line: doc.line,
    meta: {
      id: `VAP:${name}`,
      title: str(TITLE_ANNOTATION) ?? `ValidatingAdmissionPolicy ${name}`,
      severity,
      description: str('policy.bulwark.dev/description') ?? str('kubernetes.io/description') ?? '',
      remediation: str('policy.bulwark.dev/remediation') ?? '',
      references: [],
      aliases: [],
      frameworks: [],
      tags: ['custom-policy', 'validating-admission-policy'],
    },
    match: r.matchResources(spec.matchConstraints, ['spec', 'matchConstraints'], true) ?? { resourceRules: [] },
    matchConditions: r.named(spec.matchConditions, ['spec', 'matchConditions'], 'match condition'),
    variables: r.named(spec.variables, ['spec', 'variables'], 'variable'),
    validations: validations(r, spec.validations, ['spec', 'validations'], 'vap'),
    failurePolicy: r.oneOf(spec.failurePolicy, ['spec', 'failurePolicy'], ['Fail', 'Ignore'] as const) ?? 'Fail',
    ...(paramKind ? { paramKind } : {}),
  };
  if (policy.validations.length === 0 && r.errors.length === 0 && spec.validations === undefined) {
    // auditAnnotations-only policies produce no finding offline; say so instead of loading a silent rule
    r.fail(['spec', 'validations'], 'no validations (auditAnnotations are not evaluated offline)');
  }
  return r.errors.length > 0 ? { errors: r.errors } : { policy, errors: [] };
}

/** A ValidatingAdmissionPolicyBinding (from a policy file or from the scanned manifests). */
export function compileBinding(doc: PolicyDocument, limits: CelLimits): { binding?: CompiledBinding; errors: PolicyError[] } {
  const r = new Reader(doc, limits);
  const root = doc.value as Obj;
  const metadata = r.obj(root.metadata, ['metadata'], true);
  const name = r.str(metadata?.name, ['metadata', 'name'], true);
  const spec = r.obj(root.spec, ['spec'], true);
  const policyName = r.str(spec?.policyName, ['spec', 'policyName'], true);
  if (!spec || name === undefined || policyName === undefined) return { errors: r.errors };
  const binding: CompiledBinding = {
    name,
    policyName,
    file: doc.file,
    line: doc.line,
    validationActions: r.strings(spec.validationActions, ['spec', 'validationActions']) ?? ['Deny'],
  };
  for (const [i, a] of binding.validationActions.entries()) {
    if (!['Deny', 'Warn', 'Audit'].includes(a)) r.fail(['spec', 'validationActions', i], `unknown value ${JSON.stringify(a)}`, 'Deny | Warn | Audit');
  }
  const match = r.matchResources(spec.matchResources, ['spec', 'matchResources'], false);
  if (match) binding.match = match;
  const pr = r.obj(spec.paramRef, ['spec', 'paramRef']);
  if (pr) {
    const prName = r.str(pr.name, ['spec', 'paramRef', 'name']);
    const prNs = r.str(pr.namespace, ['spec', 'paramRef', 'namespace']);
    const selector = r.selector(pr.selector, ['spec', 'paramRef', 'selector']);
    if (prName !== undefined && selector) r.fail(['spec', 'paramRef'], 'name and selector are mutually exclusive');
    binding.paramRef = {
      notFound: r.oneOf(pr.parameterNotFoundAction, ['spec', 'paramRef', 'parameterNotFoundAction'], ['Allow', 'Deny'] as const) ?? 'Deny',
      ...(prName !== undefined ? { name: prName } : {}),
      ...(prNs !== undefined ? { namespace: prNs } : {}),
      ...(selector ? { selector } : {}),
    };
  }
  return r.errors.length > 0 ? { errors: r.errors } : { binding, errors: [] };
}
