import { EvaluationError } from '@marcbachmann/cel-js';
import type { K8sResource } from '../kubernetes/parse.js';
import type { K8sInput, K8sRule } from '../kubernetes/rule.js';
import type { Violation } from '../rules/types.js';
import { CelEvalError, toCel } from './cel.js';
import type { BindingSizes, CelBindings } from './cel.js';
import { compileBinding } from './compile.js';
import type { CelLimits } from './cel.js';
import type { CompiledBinding, CompiledExpression, CompiledPolicy } from './compile.js';
import { PolicyEvaluationError } from './errors.js';
import { groupVersion, matchSpecMatches, namespaceOf, pluralOf, selectorMatches } from './match.js';
import type { PolicyDocument } from './yaml.js';

export interface RuleOptions {
  /** One policy's evaluation on one object taking longer than this disables the policy for the rest of the scan. */
  maxEvalMillis: number;
  limits: CelLimits;
}

interface Converted {
  value: unknown;
  sizes: BindingSizes;
}

/** What every policy needs from one scan, built once per object set. */
interface ScanContext {
  namespaces: Map<string, K8sResource>;
  bindings: Map<string, { bindings: CompiledBinding[]; errors: string[] }>;
  byKind: Map<string, K8sResource[]>;
  converted: WeakMap<K8sResource, Converted>;
  /** Policies switched off for this scan after going over the time limit. */
  disabled: Map<string, string>;
  namespaceObjects: Map<string, Converted>;
}

const contexts = new WeakMap<readonly K8sResource[], ScanContext>();

function scanContext(resources: readonly K8sResource[], limits: CelLimits): ScanContext {
  let ctx = contexts.get(resources);
  if (ctx) return ctx;
  ctx = { namespaces: new Map(), bindings: new Map(), byKind: new Map(), converted: new WeakMap(), disabled: new Map(), namespaceObjects: new Map() };
  for (const r of resources) {
    if (r.kind === 'Namespace') ctx.namespaces.set(r.name, r);
    const k = `${r.apiVersion}/${r.kind}`;
    const list = ctx.byKind.get(k);
    if (list) list.push(r);
    else ctx.byKind.set(k, [r]);
    if (r.kind === 'ValidatingAdmissionPolicyBinding' && r.apiVersion.startsWith('admissionregistration.k8s.io/')) {
      const doc: PolicyDocument = {
        file: r.file,
        docIndex: r.docIndex,
        value: r.object,
        line: r.range.startLine,
        rangeOf: r.rangeOf,
        lineOf: (p) => {
          for (let n = p.length; n >= 0; n--) {
            const x = r.rangeOf(p.slice(0, n));
            if (x) return x.startLine;
          }
          return r.range.startLine;
        },
        lineInString: (p) => r.rangeOf(p)?.startLine ?? r.range.startLine,
      };
      const { binding, errors } = compileBinding(doc, limits);
      const policyName = binding?.policyName ?? (typeof (r.object.spec as { policyName?: unknown } | undefined)?.policyName === 'string' ? (r.object.spec as { policyName: string }).policyName : '');
      const entry = ctx.bindings.get(policyName) ?? { bindings: [], errors: [] };
      if (binding) entry.bindings.push(binding);
      entry.errors.push(...errors.map((e) => e.message));
      ctx.bindings.set(policyName, entry);
    }
  }
  contexts.set(resources, ctx);
  return ctx;
}

function converted(ctx: ScanContext, r: K8sResource): Converted {
  let c = ctx.converted.get(r);
  if (!c) {
    const sizes: BindingSizes = { collection: 0, string: 0 };
    c = { value: toCel(r.object, sizes), sizes };
    ctx.converted.set(r, c);
  }
  return c;
}

function namespaceObject(ctx: ScanContext, ns: string | undefined): Converted {
  if (ns === undefined) return { value: null, sizes: { collection: 0, string: 0 } };
  let cached = ctx.namespaceObjects.get(ns);
  if (!cached) {
    cached = buildNamespaceObject(ctx, ns);
    ctx.namespaceObjects.set(ns, cached);
  }
  return cached;
}

function buildNamespaceObject(ctx: ScanContext, ns: string): Converted {
  const found = ctx.namespaces.get(ns);
  const sizes: BindingSizes = { collection: 0, string: 0 };
  // the API server always labels a namespace with its name; a Namespace not in the scan is synthesized
  const base = found ? found.object : { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
  const meta = (typeof base.metadata === 'object' && base.metadata !== null ? base.metadata : {}) as Record<string, unknown>;
  const labels = typeof meta.labels === 'object' && meta.labels !== null ? (meta.labels as Record<string, unknown>) : {};
  const obj = { ...base, metadata: { ...meta, labels: { ...labels, 'kubernetes.io/metadata.name': ns } } };
  return { value: toCel(obj, sizes), sizes };
}

function requestOf(r: K8sResource, ns: string | undefined): unknown {
  const [group, version] = groupVersion(r.apiVersion);
  const kind = { group, version, kind: r.kind };
  const resource = { group, version, resource: pluralOf(r.kind) };
  return toCel({
    uid: '',
    kind,
    resource,
    subResource: '',
    requestKind: kind,
    requestResource: resource,
    requestSubResource: '',
    name: r.name,
    namespace: ns ?? '',
    operation: 'CREATE',
    userInfo: { username: '', uid: '', groups: [], extra: {} },
    dryRun: false,
    options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
  });
}

function maxSizes(...all: BindingSizes[]): BindingSizes {
  return { collection: Math.max(...all.map((s) => s.collection)), string: Math.max(...all.map((s) => s.string)) };
}

interface Failure {
  field: string;
  policyFile: string;
  line: number;
  message: string;
}

function failureOf(e: CompiledExpression, err: unknown): Failure {
  return { field: e.field, policyFile: e.policyFile, line: e.line, message: `${e.field}: ${err instanceof Error ? err.message : String(err)}` };
}

/** Params objects a binding selects for one object (Kubernetes' paramRef resolution, simple cases). */
function paramsFor(p: CompiledPolicy, b: CompiledBinding, ctx: ScanContext, ns: string | undefined): { params: Converted[]; missing: boolean } {
  if (!p.paramKind || !b.paramRef) return { params: [{ value: null, sizes: { collection: 0, string: 0 } }], missing: false };
  const candidates = ctx.byKind.get(`${p.paramKind.apiVersion}/${p.paramKind.kind}`) ?? [];
  const ref = b.paramRef;
  const found = candidates.filter((c) => {
    if (ref.name !== undefined && c.name !== ref.name) return false;
    if (ref.selector && !selectorMatches(ref.selector, c.labels)) return false;
    // an unset paramRef.namespace means: the namespace of the object under review (cluster-scoped params: any)
    const want = ref.namespace ?? ns;
    if (c.namespace !== undefined && want !== undefined && c.namespace !== want) return false;
    return true;
  });
  return { params: found.map((c) => converted(ctx, c)), missing: found.length === 0 };
}

/** The K8sRule of a compiled policy: matching, bindings, params, then CEL. Pure apart from per-scan caches. */
export function policyRule(p: CompiledPolicy, fileBindings: readonly CompiledBinding[], opts: RuleOptions): K8sRule {
  const meta = { ...p.meta, target: 'kubernetes' as const };
  const check = (input: K8sInput): Violation[] => {
    const { resource, resources } = input;
    const ctx = scanContext(resources, opts.limits);
    const off = ctx.disabled.get(p.meta.id);
    if (off) throw new PolicyEvaluationError({ ruleId: p.meta.id, resource: resource.label, file: resource.file, failurePolicy: p.failurePolicy, failures: [{ field: '', policyFile: p.file, line: p.line, message: off }] });
    if (!matchSpecMatches(p.match, resource, ctx.namespaces)) return [];
    const started = performance.now();
    const violations: Violation[] = [];
    const failures: Failure[] = [];
    const ns = namespaceOf(resource);

    let bindings: readonly (CompiledBinding | undefined)[] = [undefined];
    if (p.format === 'vap') {
      const scanned = ctx.bindings.get(p.name);
      if (scanned && scanned.errors.length > 0) {
        failures.push(...scanned.errors.map((m) => ({ field: '', policyFile: resource.file, line: resource.range.startLine, message: `invalid binding: ${m}` })));
      }
      const all = [...fileBindings.filter((b) => b.policyName === p.name), ...(scanned?.bindings ?? [])];
      if (all.length > 0) bindings = all;
    }
    const obj = converted(ctx, resource);
    const nsObj = namespaceObject(ctx, ns);
    const request = requestOf(resource, ns);

    for (const b of bindings) {
      if (b?.match && !matchSpecMatches(b.match, resource, ctx.namespaces)) continue;
      const { params, missing } = b ? paramsFor(p, b, ctx, ns) : { params: [{ value: null, sizes: { collection: 0, string: 0 } }], missing: false };
      if (missing && b?.paramRef) {
        if (b.paramRef.notFound === 'Deny') {
          violations.push({ message: `no params found for binding ${b.name} (${p.paramKind?.kind}${b.paramRef.name ? ` ${b.paramRef.name}` : ''}); parameterNotFoundAction Deny` });
        }
        continue;
      }
      for (const param of params) evaluateOnce(param);
    }

    function evaluateOnce(param: Converted): void {
      const sizes = maxSizes(obj.sizes, nsObj.sizes, param.sizes);
      const bindings: CelBindings = { object: obj.value, oldObject: null, request, params: param.value, namespaceObject: nsObj.value };
      const variables = Object.create(null) as Record<string, unknown>;
      bindings.variables = variables;
      for (const v of p.variables) {
        let state: { value: unknown } | { error: string } | undefined;
        Object.defineProperty(variables, v.name, {
          enumerable: true,
          get() {
            if (!state) {
              try {
                state = { value: v.expression.cel.evaluate(bindings, sizes) };
              } catch (e) {
                state = { error: e instanceof Error ? e.message : String(e) };
              }
            }
            if ('error' in state) throw new EvaluationError(`variables.${v.name}: ${state.error}`);
            return state.value;
          },
        });
      }
      for (const c of p.matchConditions) {
        let ok: unknown;
        try {
          ok = c.expression.cel.evaluate(bindings, sizes);
        } catch (e) {
          failures.push(failureOf(c.expression, e));
          return;
        }
        if (typeof ok !== 'boolean') {
          failures.push(failureOf(c.expression, new CelEvalError(`match condition ${c.name} returned ${typeof ok}, expected bool`)));
          return;
        }
        if (!ok) return;
      }
      for (const val of p.validations) {
        let ok: unknown;
        try {
          ok = val.expression.cel.evaluate(bindings, sizes);
        } catch (e) {
          failures.push(failureOf(val.expression, e));
          continue;
        }
        if (typeof ok !== 'boolean') {
          failures.push(failureOf(val.expression, new CelEvalError(`validation returned ${ok === null ? 'null' : typeof ok}, expected bool`)));
          continue;
        }
        if (ok) continue;
        violations.push({ message: messageOf(val, bindings, sizes), ...(val.path ? { path: val.path } : {}) });
      }
    }

    const elapsed = performance.now() - started;
    if (elapsed > opts.maxEvalMillis) {
      const why = `disabled for this scan: evaluating ${resource.label} took ${Math.round(elapsed)} ms (limit ${opts.maxEvalMillis} ms)`;
      ctx.disabled.set(p.meta.id, why);
      failures.push({ field: '', policyFile: p.file, line: p.line, message: why });
    }
    if (failures.length > 0) {
      throw new PolicyEvaluationError({ ruleId: p.meta.id, resource: resource.label, file: resource.file, failurePolicy: p.failurePolicy, failures });
    }
    // one finding per distinct message and place (several bindings may repeat a validation)
    const seen = new Set<string>();
    return violations.filter((v) => {
      const k = `${v.message}\u0000${(v.path ?? []).join('.')}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  return { ...meta, check };
}

/**
 * Kubernetes' message rules: messageExpression when it yields a non-blank one-line string (a failure or a bad value
 * falls back), else message, else "failed expression: <expression>".
 */
function messageOf(v: CompiledPolicy['validations'][number], bindings: CelBindings, sizes: BindingSizes): string {
  if (v.messageExpression) {
    try {
      const m = v.messageExpression.cel.evaluate(bindings, sizes);
      if (typeof m === 'string' && m.trim() !== '' && !/[\r\n]/.test(m)) return m.length > 5000 ? m.slice(0, 5000) + '…' : m;
    } catch {
      // fall back, as the API server does
    }
  }
  if (v.message !== undefined && v.message.trim() !== '') return v.message.trim();
  return `failed expression: ${v.expression.cel.source.trim().replace(/\s+/g, ' ')}`;
}
