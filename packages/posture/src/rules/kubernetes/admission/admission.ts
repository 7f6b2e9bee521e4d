import type { K8sResource } from '../../../kubernetes/parse.js';
import { derived } from '../../../kubernetes/derived.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { getIn, isRecord } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { flag, listOf, processesOf } from '../control-plane/flags.js';

// Admission control as the scanned objects show it: Pod Security Admission namespace labels, the API server's
// admission plugins, and the webhooks that see (and may change) every object.
const PSA = 'https://kubernetes.io/docs/concepts/security/pod-security-admission/';
const ENFORCE = 'pod-security.kubernetes.io/enforce';

const WEBHOOK_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

/** A webhook with namespaced rules: a third-party admission controller (Kyverno, Gatekeeper...) that can police pods. */
export function hasPolicyWebhook(all: readonly K8sResource[]): boolean {
  return derived(all, 'admission/has-policy-webhook', (xs) => xs.some((w) => WEBHOOK_KINDS.has(w.kind) && Array.isArray(w.object.webhooks) && w.object.webhooks.some((h) =>
    isRecord(h) && Array.isArray(h.rules) && h.rules.some((r) => isRecord(r) && r.scope !== 'Cluster'))));
}

function levelRule(id: string, level: 'baseline' | 'restricted', accepted: readonly string[], aliases: string[], cis: string): K8sRule {
  return defineK8sRule({
    id,
    title: `Namespace does not enforce the ${level} Pod Security Standard`,
    severity: level === 'baseline' ? 'medium' : 'low',
    description: `Without ${ENFORCE}: ${accepted.join(' or ')} on the namespace, Pod Security Admission lets pods that break the ${level} standard${level === 'baseline' ? ' (privileged, host namespaces, hostPath...)' : ' (root, privilege escalation, no seccomp...)'} run there.`,
    remediation: `Label the namespace ${ENFORCE}=${level}${level === 'baseline' ? ' (or restricted)' : ''}, after checking its workloads with the warn/audit modes.`,
    references: [PSA],
    aliases,
    frameworks: [{ framework: 'cis-kubernetes-1.9', control: cis }],
    tags: ['admission'],
    on: 'resource',
    kinds: ['Namespace'],
    check: (ns): Violation[] => {
      const v = ns.labels[ENFORCE];
      return v !== undefined && accepted.includes(v) ? [] : [{ message: `Namespace ${ns.name} has ${v === undefined ? `no ${ENFORCE} label` : `${ENFORCE}=${v}`}`, path: ['metadata', 'labels'] }];
    },
  });
}

export const baselineEnforced = levelRule('BLW-K8S-921', 'baseline', ['baseline', 'restricted'],
  ['C-0193', 'C-0194', 'C-0195', 'C-0196', 'C-0199', 'C-0202', 'C-0203', 'C-0204', 'pod-security-admission-baseline-applied-1', 'pod-security-admission-baseline-applied-2'], '5.2.2');
export const restrictedEnforced = levelRule('BLW-K8S-922', 'restricted', ['restricted'],
  ['C-0197', 'C-0198', 'C-0200', 'C-0201', 'pod-security-admission-restricted-applied-1', 'pod-security-admission-restricted-applied-2'], '5.2.6');

export const admissionApplied = defineK8sRule({
  id: 'BLW-K8S-920',
  title: 'Namespace has no pod admission policy',
  severity: 'medium',
  description: 'A namespace without a Pod Security Admission enforce label, in a cluster with no policy webhook (Kyverno, Gatekeeper...), admits any pod spec.',
  remediation: `Label every namespace with ${ENFORCE} (baseline or restricted), or run a policy engine that enforces equivalent rules.`,
  references: [PSA],
  aliases: ['C-0192', 'pod-security-admission-applied-1', 'pod-security-admission-applied-2'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.2.1' }],
  tags: ['admission'],
  on: 'resource',
  kinds: ['Namespace'],
  check: (ns, all) => {
    if (Object.keys(ns.labels).some((k) => k.startsWith(ENFORCE)) || hasPolicyWebhook(all)) return [];
    return [{ message: `Namespace ${ns.name} has no ${ENFORCE} label and no policy webhook is scanned`, path: ['metadata'] }];
  },
});

/** Minor version of the component image ("k8s.gcr.io/kube-apiserver:v1.20.7" → 20). */
function imageMinor(image: unknown): number | undefined {
  if (typeof image !== 'string') return undefined;
  const m = /:v?1\.(\d+)/.exec(image.split('@')[0]!);
  return m ? Number(m[1]) : undefined;
}

export const podAdmissionPlugin = defineK8sRule({
  id: 'BLW-K8S-923',
  title: 'API server enables no pod security admission plugin',
  severity: 'medium',
  description: 'Neither PodSecurityPolicy (before 1.25) nor PodSecurity (default from 1.23) is active in kube-apiserver, so nothing built in restricts what pods may request.',
  remediation: 'On 1.23+ leave the PodSecurity plugin enabled (do not list it in --disable-admission-plugins); on older clusters add PodSecurityPolicy to --enable-admission-plugins.',
  references: [PSA, 'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/'],
  aliases: ['C-0068', 'psp-enabled-native'],
  tags: ['admission', 'control-plane'],
  on: 'resource',
  check: (r) => {
    const out: Violation[] = [];
    for (const p of processesOf(r, 'kube-apiserver')) {
      const enabled = listOf(p, 'enable-admission-plugins');
      const disabled = listOf(p, 'disable-admission-plugins');
      if (enabled.includes('PodSecurityPolicy') || enabled.includes('PodSecurity')) continue;
      const minor = imageMinor(p.container.container.image);
      // PodSecurity is on by default from 1.23 unless disabled
      if (minor !== undefined && minor >= 23 && !disabled.includes('PodSecurity')) continue;
      if (minor === undefined && flag(p, 'enable-admission-plugins') === undefined) continue;
      out.push({ message: `kube-apiserver${minor !== undefined ? ` 1.${minor}` : ''} enables neither PodSecurityPolicy nor PodSecurity`, path: p.pathOf('enable-admission-plugins') });
    }
    return out;
  },
});

function webhookRule(id: string, kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration', aliases: string[]): K8sRule {
  const mutating = kind === 'MutatingWebhookConfiguration';
  return defineK8sRule({
    id,
    title: `${mutating ? 'Mutating' : 'Validating'} admission webhook to review`,
    severity: 'low',
    description: mutating
      ? 'A mutating webhook can rewrite every object it intercepts (inject containers, change images); a malicious or compromised one is a persistence mechanism. Each should be known and owned.'
      : 'A validating webhook sees every object it intercepts and can block deployments; a malicious one can read them all or deny service. Each should be known and owned.',
    remediation: 'Review the webhook: who runs the service behind it, which resources it intercepts, its failurePolicy; remove it if unknown.',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/'],
    aliases,
    tags: ['admission', 'review'],
    on: 'resource',
    kinds: [kind],
    check: (w) => {
      const hooks = Array.isArray(w.object.webhooks) ? w.object.webhooks.filter(isRecord) : [];
      const targets = hooks.map((h) => {
        const svc = getIn(h, ['clientConfig', 'service']);
        const url = getIn(h, ['clientConfig', 'url']);
        return isRecord(svc) ? `${String(svc.namespace)}/${String(svc.name)}` : typeof url === 'string' ? url : String(h.name);
      });
      return [{ message: `${kind} ${w.name} sends objects to ${targets.join(', ') || 'no webhook'}`, path: ['webhooks'] }];
    },
  });
}

export const mutatingWebhook = webhookRule('BLW-K8S-924', 'MutatingWebhookConfiguration', ['C-0039', 'list-all-mutating-webhooks']);
export const validatingWebhook = webhookRule('BLW-K8S-925', 'ValidatingWebhookConfiguration', ['C-0036', 'list-all-validating-webhooks']);

export const admissionRules: readonly K8sRule[] = [admissionApplied, baselineEnforced, restrictedEnforced, podAdmissionPlugin, mutatingWebhook, validatingWebhook];
