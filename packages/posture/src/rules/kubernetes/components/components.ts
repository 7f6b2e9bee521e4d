import { parseDocument } from 'yaml';
import { derived } from '../../../kubernetes/derived.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { isRecord } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { flag, listOf, processesOf } from '../control-plane/flags.js';

// Component settings that span objects (etcd and API server CAs) or come from CIS Kubernetes 1.10 (API server cipher
// list, kube-proxy metrics address); the single-flag CIS 1.9 checks live in control-plane/.
const CIS = 'https://www.cisecurity.org/benchmark/kubernetes';

export const etcdUniqueCa = defineK8sRule({
  id: 'BLW-K8S-960',
  title: 'etcd trusts the same CA as the API server’s clients',
  severity: 'high',
  description: 'When etcd’s --trusted-ca-file is the API server’s --client-ca-file, every client certificate the cluster CA signs (kubelets, users) is also accepted by etcd, which holds every Secret.',
  remediation: 'Give etcd its own CA (kubeadm: /etc/kubernetes/pki/etcd/ca.crt) and point --trusted-ca-file at it.',
  references: [CIS, 'https://etcd.io/docs/latest/op-guide/security/'],
  aliases: ['C-0159', 'etcd-unique-ca'],
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '2.7' }],
  tags: ['control-plane', 'pki'],
  on: 'resource',
  check: (r, all) => {
    const out: Violation[] = [];
    const apiCas = derived(all, 'components/apiserver-client-cas', (xs) => new Set(xs.flatMap((x) => processesOf(x, 'kube-apiserver')).map((p) => flag(p, 'client-ca-file')).filter((v): v is string => !!v)));
    if (apiCas.size === 0) return out;
    for (const p of processesOf(r, 'etcd')) {
      const ca = flag(p, 'trusted-ca-file');
      if (ca && apiCas.has(ca)) out.push({ message: `etcd --trusted-ca-file ${ca} is also the API server's --client-ca-file`, path: p.pathOf('trusted-ca-file') });
    }
    return out;
  },
});

/** Suites CIS Kubernetes 1.10 (1.2.29) tells the API server not to offer. */
const WEAK_1_10 = new Set([
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA256', 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_RC4_128_SHA',
]);

export const apiServerCiphers110 = defineK8sRule({
  id: 'BLW-K8S-961',
  title: 'API server offers cipher suites CIS 1.10 rejects',
  severity: 'medium',
  description: 'Without --tls-cipher-suites, or with RSA key exchange, CBC-SHA256, 3DES or RC4 suites in it, the API server negotiates TLS without forward secrecy or with broken ciphers.',
  remediation: 'Set --tls-cipher-suites to ECDHE AEAD suites only (e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305).',
  references: [CIS],
  aliases: ['C-0277', 'ensure-that-the-API-Server-only-makes-use-of-Strong-Cryptographic-Ciphers-cis1-10'],
  tags: ['control-plane', 'tls'],
  on: 'resource',
  check: (r) => processesOf(r, 'kube-apiserver').flatMap((p): Violation[] => {
    const suites = listOf(p, 'tls-cipher-suites');
    if (suites.length === 0) return [{ message: '--tls-cipher-suites is not set', path: p.pathOf('tls-cipher-suites') }];
    const weak = suites.filter((s) => WEAK_1_10.has(s));
    return weak.length > 0 ? [{ message: `--tls-cipher-suites offers ${weak.join(', ')}`, path: p.pathOf('tls-cipher-suites') }] : [];
  }),
});

/** kube-proxy's KubeProxyConfiguration in its kubeadm ConfigMap. */
function kubeProxyConfig(data: Record<string, unknown>): { key: string; config: Record<string, unknown> } | undefined {
  for (const key of ['config.conf', 'kubeconfig.conf', 'config']) {
    const text = data[key];
    if (typeof text !== 'string') continue;
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length > 0) return undefined;
    const v: unknown = doc.toJS({ maxAliasCount: 100 });
    return isRecord(v) ? { key, config: v } : undefined;
  }
  return undefined;
}

export const kubeProxyMetrics = defineK8sRule({
  id: 'BLW-K8S-962',
  title: 'kube-proxy metrics are served on all interfaces',
  severity: 'low',
  description: 'kube-proxy’s metrics endpoint has no authentication; bound to 0.0.0.0 (or left unset) it exposes node and Service details to the network.',
  remediation: 'Set metricsBindAddress: 127.0.0.1:10249 in the kube-proxy configuration.',
  references: [CIS, 'https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/'],
  aliases: ['C-0291', 'ensure-that-the-kube-proxy-metrics-service-is-bound-to-localhost'],
  tags: ['node'],
  on: 'resource',
  kinds: ['ConfigMap'],
  check: (cm) => {
    if (cm.name !== 'kube-proxy' || cm.namespace !== 'kube-system' || !isRecord(cm.object.data)) return [];
    const found = kubeProxyConfig(cm.object.data);
    if (!found) return [];
    const addr = found.config.metricsBindAddress;
    const bad = addr === undefined || addr === null || addr === '' || (typeof addr === 'string' && (addr.startsWith('0.0.0.0') || addr.startsWith('[::]') || addr.startsWith(':')));
    return bad ? [{ message: `metricsBindAddress is ${addr ? String(addr) : 'not set'}`, path: ['data', found.key] }] : [];
  },
});

export const componentRules: readonly K8sRule[] = [etcdUniqueCa, apiServerCiphers110, kubeProxyMetrics];
