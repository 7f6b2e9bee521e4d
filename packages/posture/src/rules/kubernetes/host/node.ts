import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { getIn, isRecord } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { decodeContent, hostViolation, isHost, parseEmbedded, parseFlags } from './host-data.js';

// Checks on what the node data says about the control plane's own files and the node's surroundings.
const CIS = 'https://www.cisecurity.org/benchmark/kubernetes';

/** Audit level each security-relevant resource needs (CIS 3.2.2 as kubescape reads it). */
const AUDITED: readonly { resource: string; level: string; equal: boolean }[] = [
  { resource: 'secrets', level: 'Metadata', equal: true },
  { resource: 'configmaps', level: 'Metadata', equal: true },
  { resource: 'tokenreviews', level: 'Metadata', equal: true },
  { resource: 'pods', level: 'None', equal: false },
  { resource: 'deployments', level: 'None', equal: false },
  { resource: 'pods/exec', level: 'None', equal: false },
  { resource: 'pods/portforward', level: 'None', equal: false },
  { resource: 'pods/proxy', level: 'None', equal: false },
  { resource: 'services/proxy', level: 'None', equal: false },
];

/** Audit policy rules naming a resource explicitly, with their levels. */
function levelsFor(rules: unknown[], resource: string): string[] {
  return rules.flatMap((rule) => {
    if (!isRecord(rule) || !Array.isArray(rule.resources)) return [];
    const named = rule.resources.some((g) => isRecord(g) && Array.isArray(g.resources) && g.resources.includes(resource));
    return named ? [String(rule.level)] : [];
  });
}

/** Why an audit policy falls short, one entry per resource. */
export function auditPolicyGaps(policy: Record<string, unknown>): string[] {
  const rules = Array.isArray(policy.rules) ? policy.rules : [];
  const out: string[] = [];
  for (const want of AUDITED) {
    const levels = levelsFor(rules, want.resource);
    if (levels.length === 0) out.push(`${want.resource} has no rule`);
    else {
      const bad = levels.filter((l) => (want.equal ? l !== want.level : l === want.level));
      if (bad.length > 0) out.push(`${want.resource} is audited at ${bad.join('/')} (want ${want.equal ? want.level : `not ${want.level}`})`);
    }
  }
  return out;
}

export const auditPolicy = defineK8sRule({
  id: 'BLW-K8S-860',
  title: 'API server audit policy misses key resources',
  severity: 'medium',
  description: 'Without an audit policy (or with one that drops secrets, configmaps, token reviews, pods, exec and proxy calls) an intrusion leaves no trace in the audit log.',
  remediation: 'Start kube-apiserver with --audit-policy-file and audit secrets/configmaps/tokenreviews at Metadata, and pods, deployments, pods/exec, pods/portforward, pods/proxy and services/proxy at any level but None.',
  references: [CIS, 'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/'],
  aliases: ['C-0161', 'audit-policy-content'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '3.2.2' }],
  tags: ['host', 'audit'],
  on: 'resource',
  kinds: ['ControlPlaneInfo'],
  check: (r) => {
    if (!isHost(r, 'ControlPlaneInfo')) return [];
    const cmdLine = getIn(r.object, ['data', 'APIServerInfo', 'cmdLine']);
    if (typeof cmdLine !== 'string') return [];
    if (!parseFlags(cmdLine).has('audit-policy-file')) return [hostViolation(r, 'kube-apiserver runs without --audit-policy-file: audit logging is off', ['data', 'APIServerInfo', 'cmdLine'])];
    const policy = parseEmbedded(decodeContent(getIn(r.object, ['data', 'APIServerInfo', 'auditPolicyFile', 'content'])));
    if (!policy) return [];
    const gaps = auditPolicyGaps(policy);
    return gaps.length > 0 ? [hostViolation(r, `audit policy: ${gaps.join('; ')}`, ['data', 'APIServerInfo', 'auditPolicyFile', 'content'])] : [];
  },
});

/** KMS plugins kubescape recognises as external secret stores. */
const EXTERNAL_KMS = new Set(['akeyless', 'azurekmsprovider', 'aws-encryption-provider']);

export const externalSecretStore = defineK8sRule({
  id: 'BLW-K8S-861',
  title: 'Secrets are not encrypted with an external KMS',
  severity: 'medium',
  description: 'An EncryptionConfiguration whose resources use only local keys (aescbc, secretbox) keeps the key next to the data it protects; an external KMS keeps it out of the control plane.',
  remediation: 'Add a kms provider backed by an external key store (AWS encryption provider, Azure Key Vault, Akeyless) first in the providers of secrets.',
  references: [CIS, 'https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/'],
  aliases: ['C-0208', 'external-secret-storage'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.4.2' }],
  tags: ['host', 'secrets'],
  on: 'resource',
  kinds: ['ControlPlaneInfo'],
  check: (r) => {
    if (!isHost(r, 'ControlPlaneInfo')) return [];
    const at = ['data', 'APIServerInfo', 'encryptionProviderConfigFile', 'content'];
    const config = parseEmbedded(decodeContent(getIn(r.object, at)));
    if (!config) return [];
    const resources = Array.isArray(config.resources) ? config.resources : [];
    const external = resources.some((res) => isRecord(res) && Array.isArray(res.providers)
      && res.providers.some((p) => isRecord(p) && isRecord(p.kms) && EXTERNAL_KMS.has(String(p.kms.name))));
    return external ? [] : [hostViolation(r, 'the encryption provider config uses no external KMS provider', at)];
  },
});

/** CNI plugins that enforce NetworkPolicy (lower case). */
const POLICY_CNIS = new Set(['calico', 'cilium', 'weave', 'weave-net', 'antrea', 'kube-router', 'canal', 'romana']);

export const cniNetworkPolicy = defineK8sRule({
  id: 'BLW-K8S-862',
  title: 'CNI in use does not enforce NetworkPolicy',
  severity: 'medium',
  description: 'NetworkPolicy objects are only enforced by a CNI that implements them; with Flannel or the bare AWS VPC CNI every policy is silently ignored.',
  remediation: 'Run a policy-capable CNI (Calico, Cilium, Antrea, Weave Net), e.g. Calico next to Flannel (Canal) or the Calico/Cilium add-on on EKS.',
  references: [CIS, 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites'],
  aliases: ['C-0205', 'ensure-that-the-cni-in-use-supports-network-policies', 'C-0230', 'ensure-network-policy-is-enabled-eks'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.3.1' }],
  tags: ['host', 'network'],
  on: 'resource',
  kinds: ['CNIInfo'],
  check: (r) => {
    if (!isHost(r, 'CNIInfo')) return [];
    const names = getIn(r.object, ['data', 'CNINames']);
    // nothing detected: nothing to judge
    if (!Array.isArray(names) || names.length === 0) return [];
    const list = names.map(String);
    return list.some((n) => POLICY_CNIS.has(n.toLowerCase())) ? [] : [hostViolation(r, `CNI ${list.join(', ')} does not enforce NetworkPolicy`, ['data', 'CNINames'])];
  },
});

export const metadataApi = defineK8sRule({
  id: 'BLW-K8S-863',
  title: 'Node reaches the cloud instance metadata API',
  severity: 'medium',
  description: 'Pods on a node that can reach the instance metadata service (169.254.169.254) can read the node’s cloud credentials unless the network blocks it.',
  remediation: 'Block 169.254.169.254 from pods (NetworkPolicy egress, IMDSv2 with hop limit 1 on AWS, Workload Identity / metadata concealment on GKE).',
  references: ['https://hub.armosec.io/docs/c-0052', 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html'],
  aliases: ['C-0052', 'instance-metadata-api-access'],
  tags: ['host', 'cloud'],
  on: 'resource',
  kinds: ['cloudProviderInfo'],
  check: (r): Violation[] => (isHost(r, 'cloudProviderInfo') && getIn(r.object, ['data', 'providerMetaDataAPIAccess']) === true
    ? [hostViolation(r, `node ${r.name || '(unnamed)'} can reach the instance metadata API`, ['data', 'providerMetaDataAPIAccess'])] : []),
});

export const nodeRules: readonly K8sRule[] = [auditPolicy, externalSecretStore, cniNetworkPolicy, metadataApi];
