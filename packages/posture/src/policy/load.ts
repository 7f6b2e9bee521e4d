import type { InputError } from '@bulwark/core';
import type { K8sRule } from '../kubernetes/rule.js';
import { DEFAULT_CEL_LIMITS } from './cel.js';
import type { CelLimits } from './cel.js';
import { BULWARK_API_VERSION, VAP_API_VERSIONS, compileBinding, compileBulwarkPolicy, compileVap } from './compile.js';
import type { CompiledBinding, CompiledPolicy } from './compile.js';
import { PolicyError } from './errors.js';
import { policyRule } from './rule.js';
import { DEFAULT_POLICY_FILE_LIMITS, readPolicyFile } from './yaml.js';
import type { PolicyFileLimits } from './yaml.js';

export interface LoadPolicyOptions {
  /** Per-file limits (size, documents, aliases, depth). */
  fileLimits?: Partial<PolicyFileLimits>;
  /** Per-expression limits (length, AST size, estimated cost). */
  celLimits?: Partial<CelLimits>;
  /** A policy whose evaluation on one object takes longer is switched off for the rest of that scan. Default 2000. */
  maxEvalMillis?: number;
}

export interface LoadedPolicies {
  /** Ordinary Kubernetes rules: pass them to scanKubernetesFiles with (or instead of) the built-ins. */
  rules: K8sRule[];
  /** One per bad document or field; the good policies of the same file still load. */
  errors: InputError[];
}

/**
 * Loads Bulwark policy files (`policy.bulwark.dev/v1` `Policy`) and Kubernetes ValidatingAdmissionPolicy objects (with
 * their ValidatingAdmissionPolicyBindings), compiling every CEL expression up front. Pure: no file system access.
 */
export function loadPolicies(files: readonly { path: string; content: Buffer | string }[], opts: LoadPolicyOptions = {}): LoadedPolicies {
  const fileLimits = { ...DEFAULT_POLICY_FILE_LIMITS, ...(opts.fileLimits ?? {}) };
  const celLimits = { ...DEFAULT_CEL_LIMITS, ...(opts.celLimits ?? {}) };
  const errors: PolicyError[] = [];
  const policies: CompiledPolicy[] = [];
  const bindings: CompiledBinding[] = [];
  for (const f of files) {
    const read = readPolicyFile(f.path, f.content, fileLimits);
    errors.push(...read.errors);
    for (const doc of read.docs) {
      const v = doc.value;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        errors.push(new PolicyError({ file: doc.file, line: doc.line, path: '', message: 'a policy document must be a mapping', expected: `kind: Policy | ValidatingAdmissionPolicy | ValidatingAdmissionPolicyBinding` }));
        continue;
      }
      const { apiVersion, kind } = v as { apiVersion?: unknown; kind?: unknown };
      if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
        errors.push(new PolicyError({ file: doc.file, line: doc.lineOf(typeof kind === 'string' ? ['apiVersion'] : ['kind']), path: typeof kind === 'string' ? 'apiVersion' : 'kind', message: 'missing apiVersion or kind', expected: 'apiVersion and kind strings' }));
        continue;
      }
      if (kind === 'Policy' && apiVersion === BULWARK_API_VERSION) {
        const r = compileBulwarkPolicy(doc, celLimits);
        errors.push(...r.errors);
        if (r.policy) policies.push(r.policy);
      } else if (kind === 'ValidatingAdmissionPolicy' && VAP_API_VERSIONS.includes(apiVersion)) {
        const r = compileVap(doc, celLimits);
        errors.push(...r.errors);
        if (r.policy) policies.push(r.policy);
      } else if (kind === 'ValidatingAdmissionPolicyBinding' && VAP_API_VERSIONS.includes(apiVersion)) {
        const r = compileBinding(doc, celLimits);
        errors.push(...r.errors);
        if (r.binding) bindings.push(r.binding);
      } else {
        const known = ['Policy', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(kind);
        errors.push(
          new PolicyError({
            file: doc.file,
            line: doc.lineOf(known ? ['apiVersion'] : ['kind']),
            path: known ? 'apiVersion' : 'kind',
            message: known ? `unsupported apiVersion ${JSON.stringify(apiVersion)} for ${kind}` : `unknown policy kind ${JSON.stringify(kind)}`,
            expected: known
              ? kind === 'Policy' ? BULWARK_API_VERSION : VAP_API_VERSIONS.join(' | ')
              : `${BULWARK_API_VERSION} Policy, or admissionregistration.k8s.io ValidatingAdmissionPolicy / ValidatingAdmissionPolicyBinding`,
          }),
        );
      }
    }
  }
  const rules: K8sRule[] = [];
  const seen = new Map<string, CompiledPolicy>();
  for (const p of policies) {
    const first = seen.get(p.meta.id);
    if (first) {
      errors.push(new PolicyError({ file: p.file, line: p.line, path: p.format === 'bulwark' ? 'spec.id' : 'metadata.name', message: `duplicate policy id ${p.meta.id} (first defined in ${first.file} line ${first.line})` }));
      continue;
    }
    seen.set(p.meta.id, p);
    rules.push(policyRule(p, bindings, { maxEvalMillis: opts.maxEvalMillis ?? 2000, limits: celLimits }));
  }
  return { rules, errors };
}
