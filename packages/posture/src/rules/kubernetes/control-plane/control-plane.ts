import type { Severity } from '@bulwark/core';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { flag, isSet, listOf, processesOf } from './flags.js';
import type { Component, ComponentProcess } from './flags.js';

// CIS Kubernetes Benchmark 1.9 section 1 (control plane) and 4.2 (kubelet), checked on static pod manifests.
const REF = 'https://www.cisecurity.org/benchmark/kubernetes';

interface FlagRule {
  id: string;
  component: Component;
  title: string;
  severity?: Severity;
  /** Flag the finding points at. */
  flag: string;
  cis?: string;
  aliases: string[];
  remediation: string;
  /** Why the process fails the control, undefined when it passes. */
  fails(p: ComponentProcess): string | undefined;
}

const must = (name: string) => (p: ComponentProcess): string | undefined => (isSet(p, name) ? undefined : `--${name} is not set`);
const mustBoth = (a: string, b: string) => (p: ComponentProcess): string | undefined =>
  isSet(p, a) && isSet(p, b) ? undefined : `--${a} and --${b} must both be set`;
const mustEqual = (name: string, value: string, defaultOk = false) => (p: ComponentProcess): string | undefined => {
  const v = flag(p, name);
  if (v === undefined) return defaultOk ? undefined : `--${name} is not set (want ${value})`;
  return v === value ? undefined : `--${name}=${v} (want ${value})`;
};
// any occurrence counts (kubescape reads every token; a repeated flag is itself a finding worth reviewing)
const mustNot = (name: string, value: string) => (p: ComponentProcess): string | undefined =>
  (p.flags.get(name) ?? []).includes(value) ? `--${name}=${value}` : undefined;
const absent = (name: string) => (p: ComponentProcess): string | undefined => (p.flags.has(name) ? `--${name} is set` : undefined);
const minNumber = (name: string, min: number) => (p: ComponentProcess): string | undefined => {
  const v = flag(p, name);
  if (v === undefined || v === '') return `--${name} is not set (want >= ${min})`;
  return Number(v) >= min ? undefined : `--${name}=${v} (want >= ${min})`;
};
const pluginOn = (plugin: string) => (p: ComponentProcess): string | undefined =>
  listOf(p, 'enable-admission-plugins').includes(plugin) && !listOf(p, 'disable-admission-plugins').includes(plugin) ? undefined : `admission plugin ${plugin} is not enabled`;
const pluginNotDisabled = (plugin: string) => (p: ComponentProcess): string | undefined => {
  if (listOf(p, 'disable-admission-plugins').includes(plugin)) return `admission plugin ${plugin} is disabled`;
  const enabled = listOf(p, 'enable-admission-plugins');
  return enabled.length > 0 && !enabled.includes(plugin) ? `admission plugin ${plugin} is missing from --enable-admission-plugins` : undefined;
};
const pluginOff = (plugin: string) => (p: ComponentProcess): string | undefined =>
  listOf(p, 'enable-admission-plugins').includes(plugin) ? `admission plugin ${plugin} is enabled` : undefined;
const authzIncludes = (mode: string) => (p: ComponentProcess): string | undefined => {
  const modes = listOf(p, 'authorization-mode');
  return modes.includes(mode) ? undefined : `--authorization-mode does not include ${mode}`;
};
const featureGate = (gate: string, want: boolean, defaultOk: boolean) => (p: ComponentProcess): string | undefined => {
  const gates = listOf(p, 'feature-gates');
  const g = gates.find((x) => x.split('=')[0] === gate);
  if (g === undefined) return defaultOk ? undefined : `feature gate ${gate} is not set to ${String(want)}`;
  return g.split('=')[1] === String(want) ? undefined : `feature gate ${g}`;
};

const STRONG_CIPHERS = new Set([
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
]);
const strongCiphers = (p: ComponentProcess): string | undefined => {
  const list = listOf(p, 'tls-cipher-suites');
  if (list.length === 0) return '--tls-cipher-suites is not set';
  const weak = list.filter((c) => !STRONG_CIPHERS.has(c));
  return weak.length > 0 ? `weak cipher suites: ${weak.join(', ')}` : undefined;
};

const api = 'kube-apiserver' as const;
const cm = 'kube-controller-manager' as const;
const sched = 'kube-scheduler' as const;

const TABLE: FlagRule[] = [
  { id: 'BLW-K8S-100', component: api, title: 'API server allows anonymous requests', flag: 'anonymous-auth', cis: '1.2.1', aliases: ['CKV_K8S_68', 'C-0113', 'ensure-that-the-api-server-anonymous-auth-argument-is-set-to-false', 'KCV0001', 'AVD-KCV-0001'], remediation: 'Set --anonymous-auth=false.', fails: mustEqual('anonymous-auth', 'false') },
  { id: 'BLW-K8S-101', component: api, title: 'API server uses a static token file', flag: 'token-auth-file', cis: '1.2.2', aliases: ['CKV_K8S_70', 'C-0114', 'ensure-that-the-api-server-token-auth-file-parameter-is-not-set', 'KCV0002', 'AVD-KCV-0002'], remediation: 'Remove --token-auth-file; use another authentication method.', fails: absent('token-auth-file') },
  { id: 'BLW-K8S-102', component: api, title: 'API server uses basic authentication', flag: 'basic-auth-file', aliases: ['CKV_K8S_69'], remediation: 'Remove --basic-auth-file.', fails: absent('basic-auth-file') },
  { id: 'BLW-K8S-103', component: api, title: 'API server talks to kubelets over HTTP', flag: 'kubelet-https', aliases: ['CKV_K8S_71', 'KCV0004', 'AVD-KCV-0004'], remediation: 'Remove --kubelet-https=false.', fails: mustNot('kubelet-https', 'false') },
  { id: 'BLW-K8S-104', component: api, title: 'API server has no kubelet client certificate', flag: 'kubelet-client-certificate', cis: '1.2.4', aliases: ['CKV_K8S_72', 'C-0116', 'ensure-that-the-api-server-kubelet-client-certificate-and-kubelet-client-key-arguments-are-set-as-appropriate', 'KCV0005', 'AVD-KCV-0005'], remediation: 'Set --kubelet-client-certificate and --kubelet-client-key.', fails: mustBoth('kubelet-client-certificate', 'kubelet-client-key') },
  { id: 'BLW-K8S-105', component: api, title: 'API server does not verify kubelet certificates', flag: 'kubelet-certificate-authority', cis: '1.2.5', aliases: ['CKV_K8S_73', 'C-0117', 'ensure-that-the-api-server-kubelet-certificate-authority-argument-is-set-as-appropriate', 'KCV0006', 'AVD-KCV-0006'], remediation: 'Set --kubelet-certificate-authority.', fails: must('kubelet-certificate-authority') },
  { id: 'BLW-K8S-106', component: api, title: 'API server authorization mode is AlwaysAllow', severity: 'critical', flag: 'authorization-mode', cis: '1.2.6', aliases: ['CKV_K8S_74', 'C-0118', 'ensure-that-the-api-server-authorization-mode-argument-is-not-set-to-AlwaysAllow', 'KCV0007', 'AVD-KCV-0007'], remediation: 'Set --authorization-mode to Node,RBAC.', fails: (p) => (listOf(p, 'authorization-mode').includes('AlwaysAllow') ? '--authorization-mode includes AlwaysAllow' : undefined) },
  { id: 'BLW-K8S-107', component: api, title: 'API server authorization mode lacks Node', flag: 'authorization-mode', cis: '1.2.7', aliases: ['CKV_K8S_75', 'C-0119', 'ensure-that-the-api-server-authorization-mode-argument-includes-Node', 'KCV0008', 'AVD-KCV-0008'], remediation: 'Include Node in --authorization-mode.', fails: authzIncludes('Node') },
  { id: 'BLW-K8S-108', component: api, title: 'API server authorization mode lacks RBAC', flag: 'authorization-mode', cis: '1.2.8', aliases: ['CKV_K8S_77', 'C-0120', 'ensure-that-the-api-server-authorization-mode-argument-includes-RBAC', 'rbac-enabled-native', 'KCV0009', 'AVD-KCV-0009'], remediation: 'Include RBAC in --authorization-mode.', fails: authzIncludes('RBAC') },
  { id: 'BLW-K8S-109', component: api, title: 'EventRateLimit admission plugin not enabled', severity: 'low', flag: 'enable-admission-plugins', cis: '1.2.9', aliases: ['CKV_K8S_78', 'C-0121', 'ensure-that-the-admission-control-plugin-EventRateLimit-is-set', 'KCV0010', 'AVD-KCV-0010'], remediation: 'Add EventRateLimit to --enable-admission-plugins.', fails: pluginOn('EventRateLimit') },
  { id: 'BLW-K8S-110', component: api, title: 'AlwaysAdmit admission plugin enabled', flag: 'enable-admission-plugins', cis: '1.2.10', aliases: ['CKV_K8S_79', 'C-0122', 'ensure-that-the-admission-control-plugin-AlwaysAdmit-is-not-set', 'KCV0011', 'AVD-KCV-0011'], remediation: 'Remove AlwaysAdmit from --enable-admission-plugins.', fails: pluginOff('AlwaysAdmit') },
  { id: 'BLW-K8S-111', component: api, title: 'AlwaysPullImages admission plugin not enabled', severity: 'low', flag: 'enable-admission-plugins', cis: '1.2.11', aliases: ['CKV_K8S_80', 'C-0123', 'ensure-that-the-admission-control-plugin-AlwaysPullImages-is-set', 'KCV0012', 'AVD-KCV-0012', 'KSV0012'], remediation: 'Add AlwaysPullImages to --enable-admission-plugins.', fails: pluginOn('AlwaysPullImages') },
  { id: 'BLW-K8S-112', component: api, title: 'SecurityContextDeny admission plugin not enabled (and no PodSecurityPolicy)', severity: 'low', flag: 'enable-admission-plugins', aliases: ['CKV_K8S_81', 'C-0124', 'ensure-that-the-admission-control-plugin-SecurityContextDeny-is-set-if-PodSecurityPolicy-is-not-used', 'KCV0013', 'AVD-KCV-0013'], remediation: 'Enable PodSecurityPolicy, or SecurityContextDeny on clusters without it.', fails: (p) => (pluginOn('PodSecurityPolicy')(p) === undefined ? undefined : pluginOn('SecurityContextDeny')(p)) },
  { id: 'BLW-K8S-113', component: api, title: 'ServiceAccount admission plugin disabled', flag: 'disable-admission-plugins', cis: '1.2.12', aliases: ['CKV_K8S_82', 'C-0125', 'ensure-that-the-admission-control-plugin-ServiceAccount-is-set', 'KCV0014', 'AVD-KCV-0014'], remediation: 'Remove ServiceAccount from --disable-admission-plugins.', fails: pluginNotDisabled('ServiceAccount') },
  { id: 'BLW-K8S-114', component: api, title: 'NamespaceLifecycle admission plugin disabled', flag: 'disable-admission-plugins', cis: '1.2.13', aliases: ['CKV_K8S_83', 'C-0126', 'ensure-that-the-admission-control-plugin-NamespaceLifecycle-is-set', 'KCV0015', 'AVD-KCV-0015'], remediation: 'Remove NamespaceLifecycle from --disable-admission-plugins.', fails: pluginNotDisabled('NamespaceLifecycle') },
  { id: 'BLW-K8S-115', component: api, title: 'NodeRestriction admission plugin not enabled', flag: 'enable-admission-plugins', cis: '1.2.14', aliases: ['CKV_K8S_85', 'C-0127', 'ensure-that-the-admission-control-plugin-NodeRestriction-is-set', 'KCV0016', 'AVD-KCV-0016'], remediation: 'Add NodeRestriction to --enable-admission-plugins.', fails: pluginOn('NodeRestriction') },
  { id: 'BLW-K8S-116', component: api, title: 'API server binds an insecure address', flag: 'insecure-bind-address', aliases: ['CKV_K8S_86'], remediation: 'Remove --insecure-bind-address.', fails: absent('insecure-bind-address') },
  { id: 'BLW-K8S-117', component: api, title: 'API server serves an insecure port', flag: 'insecure-port', aliases: ['CKV_K8S_88'], remediation: 'Set --insecure-port=0 (or remove it on 1.20+).', fails: (p) => { const v = flag(p, 'insecure-port'); return v !== undefined && v !== '0' ? `--insecure-port=${v}` : undefined; } },
  { id: 'BLW-K8S-118', component: api, title: 'API server secure port disabled', flag: 'secure-port', aliases: ['CKV_K8S_89', 'C-0128', 'ensure-that-the-api-server-secure-port-argument-is-not-set-to-0', 'KCV0017', 'AVD-KCV-0017'], remediation: 'Remove --secure-port=0.', fails: mustNot('secure-port', '0') },
  { id: 'BLW-K8S-119', component: api, title: 'API server profiling enabled', severity: 'low', flag: 'profiling', cis: '1.2.15', aliases: ['CKV_K8S_90', 'C-0129', 'ensure-that-the-api-server-profiling-argument-is-set-to-false', 'KCV0018', 'AVD-KCV-0018'], remediation: 'Set --profiling=false.', fails: mustEqual('profiling', 'false') },
  { id: 'BLW-K8S-120', component: api, title: 'API server audit log path not set', flag: 'audit-log-path', cis: '1.2.16', aliases: ['CKV_K8S_91', 'C-0130', 'ensure-that-the-api-server-audit-log-path-argument-is-set', 'KCV0019', 'AVD-KCV-0019'], remediation: 'Set --audit-log-path.', fails: must('audit-log-path') },
  { id: 'BLW-K8S-121', component: api, title: 'API server audit log kept less than 30 days', severity: 'low', flag: 'audit-log-maxage', cis: '1.2.17', aliases: ['CKV_K8S_92', 'C-0131', 'ensure-that-the-api-server-audit-log-maxage-argument-is-set-to-30-or-as-appropriate', 'KCV0020', 'AVD-KCV-0020'], remediation: 'Set --audit-log-maxage=30 or more.', fails: minNumber('audit-log-maxage', 30) },
  { id: 'BLW-K8S-122', component: api, title: 'API server keeps fewer than 10 audit log files', severity: 'low', flag: 'audit-log-maxbackup', cis: '1.2.18', aliases: ['CKV_K8S_93', 'C-0132', 'ensure-that-the-api-server-audit-log-maxbackup-argument-is-set-to-10-or-as-appropriate', 'KCV0021', 'AVD-KCV-0021'], remediation: 'Set --audit-log-maxbackup=10 or more.', fails: minNumber('audit-log-maxbackup', 10) },
  { id: 'BLW-K8S-123', component: api, title: 'API server audit log files smaller than 100 MB', severity: 'low', flag: 'audit-log-maxsize', cis: '1.2.19', aliases: ['CKV_K8S_94', 'C-0133', 'ensure-that-the-api-server-audit-log-maxsize-argument-is-set-to-100-or-as-appropriate', 'KCV0022', 'AVD-KCV-0022'], remediation: 'Set --audit-log-maxsize=100 or more.', fails: minNumber('audit-log-maxsize', 100) },
  { id: 'BLW-K8S-124', component: api, title: 'API server request timeout too long', severity: 'low', flag: 'request-timeout', cis: '1.2.20', aliases: ['CKV_K8S_95', 'C-0134', 'ensure-that-the-api-server-request-timeout-argument-is-set-as-appropriate', 'KCV0023', 'AVD-KCV-0023'], remediation: 'Leave --request-timeout at its default (60s) or a bounded value.', fails: (p) => { const v = flag(p, 'request-timeout'); if (v === undefined) return undefined; const s = durationSeconds(v); return s === undefined || s >= 300 ? `--request-timeout=${v}` : undefined; } },
  { id: 'BLW-K8S-125', component: api, title: 'API server does not look up service account tokens', flag: 'service-account-lookup', cis: '1.2.21', aliases: ['CKV_K8S_96', 'C-0135', 'ensure-that-the-api-server-service-account-lookup-argument-is-set-to-true', 'KCV0024', 'AVD-KCV-0024'], remediation: 'Set --service-account-lookup=true (or remove it).', fails: mustEqual('service-account-lookup', 'true', true) },
  { id: 'BLW-K8S-126', component: api, title: 'API server service account key file not set', flag: 'service-account-key-file', cis: '1.2.22', aliases: ['CKV_K8S_97', 'C-0136', 'ensure-that-the-api-server-service-account-key-file-argument-is-set-as-appropriate', 'KCV0025', 'AVD-KCV-0025'], remediation: 'Set --service-account-key-file.', fails: must('service-account-key-file') },
  { id: 'BLW-K8S-127', component: api, title: 'API server has no etcd client certificate', flag: 'etcd-certfile', cis: '1.2.23', aliases: ['CKV_K8S_99', 'C-0137', 'ensure-that-the-api-server-etcd-certfile-and-etcd-keyfile-arguments-are-set-as-appropriate', 'KCV0026', 'AVD-KCV-0026'], remediation: 'Set --etcd-certfile and --etcd-keyfile.', fails: mustBoth('etcd-certfile', 'etcd-keyfile') },
  { id: 'BLW-K8S-128', component: api, title: 'API server TLS certificate not set', flag: 'tls-cert-file', cis: '1.2.24', aliases: ['CKV_K8S_100', 'C-0138', 'ensure-that-the-api-server-tls-cert-file-and-tls-private-key-file-arguments-are-set-as-appropriate', 'KCV0027', 'AVD-KCV-0027'], remediation: 'Set --tls-cert-file and --tls-private-key-file.', fails: mustBoth('tls-cert-file', 'tls-private-key-file') },
  { id: 'BLW-K8S-129', component: api, title: 'API server client CA file not set', flag: 'client-ca-file', cis: '1.2.25', aliases: ['C-0139', 'ensure-that-the-api-server-client-ca-file-argument-is-set-as-appropriate', 'KCV0028', 'AVD-KCV-0028'], remediation: 'Set --client-ca-file.', fails: must('client-ca-file') },
  { id: 'BLW-K8S-130', component: api, title: 'API server etcd CA file not set', flag: 'etcd-cafile', cis: '1.2.26', aliases: ['CKV_K8S_102', 'C-0140', 'ensure-that-the-api-server-etcd-cafile-argument-is-set-as-appropriate', 'KCV0029', 'AVD-KCV-0029'], remediation: 'Set --etcd-cafile.', fails: must('etcd-cafile') },
  { id: 'BLW-K8S-131', component: api, title: 'API server does not encrypt data at rest', flag: 'encryption-provider-config', cis: '1.2.27', aliases: ['CKV_K8S_104', 'C-0141', 'ensure-that-the-api-server-encryption-provider-config-argument-is-set-as-appropriate', 'etcd-encryption-native', 'KCV0030', 'AVD-KCV-0030'], remediation: 'Set --encryption-provider-config to an EncryptionConfiguration with a real provider.', fails: must('encryption-provider-config') },
  { id: 'BLW-K8S-132', component: api, title: 'API server allows weak TLS cipher suites', flag: 'tls-cipher-suites', cis: '1.2.29', aliases: ['CKV_K8S_105', 'C-0143', 'ensure-that-the-API-Server-only-makes-use-of-Strong-Cryptographic-Ciphers'], remediation: 'Set --tls-cipher-suites to strong ciphers only.', fails: strongCiphers },
  { id: 'BLW-K8S-133', component: api, title: 'API server audit policy not configured', flag: 'audit-policy-file', cis: '3.2.1', aliases: ['k8s-audit-logs-enabled-native', 'k8s-audit-logs-enabled-native-cis', 'C-0160'], remediation: 'Set --audit-policy-file (and --audit-log-path).', fails: must('audit-policy-file') },
  { id: 'BLW-K8S-134', component: api, title: 'API server extends service account token expiration', severity: 'low', flag: 'service-account-extend-token-expiration', aliases: ['C-0290', 'ensure-that-the-api-server-service-account-extend-token-expiration-is-set-to-false'], remediation: 'Set --service-account-extend-token-expiration=false.', fails: mustEqual('service-account-extend-token-expiration', 'false') },
  { id: 'BLW-K8S-135', component: api, title: 'DenyServiceExternalIPs admission plugin not enabled', severity: 'low', flag: 'enable-admission-plugins', cis: '1.2.3', aliases: ['C-0283', 'ensure-that-the-api-server-DenyServiceExternalIPs-is-set'], remediation: 'Add DenyServiceExternalIPs to --enable-admission-plugins.', fails: pluginOn('DenyServiceExternalIPs') },
  { id: 'BLW-K8S-136', component: api, title: 'DenyServiceExternalIPs admission plugin set', severity: 'low', flag: 'enable-admission-plugins', aliases: ['C-0115', 'ensure-that-the-api-server-DenyServiceExternalIPs-is-not-set', 'KCV0003', 'AVD-KCV-0003'], remediation: 'Follow CIS 1.2.3 of the benchmark version you audit against.', fails: pluginOff('DenyServiceExternalIPs') },
  { id: 'BLW-K8S-140', component: cm, title: 'Controller manager terminated pod GC threshold not set', severity: 'low', flag: 'terminated-pod-gc-threshold', cis: '1.3.1', aliases: ['CKV_K8S_106', 'C-0144', 'ensure-that-the-controller-manager-terminated-pod-gc-threshold-argument-is-set-as-appropriate', 'KCV0033', 'AVD-KCV-0033'], remediation: 'Set --terminated-pod-gc-threshold.', fails: must('terminated-pod-gc-threshold') },
  { id: 'BLW-K8S-141', component: cm, title: 'Controller manager profiling enabled', severity: 'low', flag: 'profiling', cis: '1.3.2', aliases: ['CKV_K8S_107', 'C-0145', 'ensure-that-the-controller-manager-profiling-argument-is-set-to-false', 'KCV0034', 'AVD-KCV-0034'], remediation: 'Set --profiling=false.', fails: mustEqual('profiling', 'false') },
  { id: 'BLW-K8S-142', component: cm, title: 'Controller manager does not use per-controller service accounts', flag: 'use-service-account-credentials', cis: '1.3.3', aliases: ['CKV_K8S_108', 'C-0146', 'ensure-that-the-controller-manager-use-service-account-credentials-argument-is-set-to-true', 'KCV0135', 'AVD-KCV-0135'], remediation: 'Set --use-service-account-credentials=true.', fails: mustEqual('use-service-account-credentials', 'true') },
  { id: 'BLW-K8S-143', component: cm, title: 'Controller manager service account private key not set', flag: 'service-account-private-key-file', cis: '1.3.4', aliases: ['CKV_K8S_110', 'C-0147', 'ensure-that-the-controller-manager-service-account-private-key-file-argument-is-set-as-appropriate', 'KCV0036', 'AVD-KCV-0036'], remediation: 'Set --service-account-private-key-file.', fails: must('service-account-private-key-file') },
  { id: 'BLW-K8S-144', component: cm, title: 'Controller manager root CA file not set', flag: 'root-ca-file', cis: '1.3.5', aliases: ['CKV_K8S_111', 'C-0148', 'ensure-that-the-controller-manager-root-ca-file-argument-is-set-as-appropriate', 'KCV0037', 'AVD-KCV-0037'], remediation: 'Set --root-ca-file.', fails: must('root-ca-file') },
  { id: 'BLW-K8S-145', component: cm, title: 'Controller manager does not rotate kubelet server certificates', flag: 'feature-gates', cis: '1.3.6', aliases: ['CKV_K8S_112', 'C-0149', 'ensure-that-the-controller-manager-RotateKubeletServerCertificate-argument-is-set-to-true', 'KCV0038', 'AVD-KCV-0038'], remediation: 'Do not set RotateKubeletServerCertificate=false in --feature-gates.', fails: featureGate('RotateKubeletServerCertificate', true, true) },
  { id: 'BLW-K8S-146', component: cm, title: 'Controller manager binds a non-loopback address', flag: 'bind-address', cis: '1.3.7', aliases: ['CKV_K8S_113', 'C-0150', 'ensure-that-the-controller-manager-bind-address-argument-is-set-to-127.0.0.1', 'KCV0039', 'AVD-KCV-0039'], remediation: 'Set --bind-address=127.0.0.1.', fails: mustEqual('bind-address', '127.0.0.1') },
  { id: 'BLW-K8S-150', component: sched, title: 'Scheduler profiling enabled', severity: 'low', flag: 'profiling', cis: '1.4.1', aliases: ['CKV_K8S_114', 'C-0151', 'ensure-that-the-scheduler-profiling-argument-is-set-to-false', 'KCV0040', 'AVD-KCV-0040'], remediation: 'Set --profiling=false.', fails: mustEqual('profiling', 'false') },
  { id: 'BLW-K8S-151', component: sched, title: 'Scheduler binds a non-loopback address', flag: 'bind-address', cis: '1.4.2', aliases: ['CKV_K8S_115', 'C-0152', 'ensure-that-the-scheduler-bind-address-argument-is-set-to-127.0.0.1', 'KCV0041', 'AVD-KCV-0041'], remediation: 'Set --bind-address=127.0.0.1.', fails: mustEqual('bind-address', '127.0.0.1') },
  { id: 'BLW-K8S-160', component: 'etcd', title: 'etcd serves clients without TLS', flag: 'cert-file', cis: '2.1', aliases: ['CKV_K8S_116', 'C-0153', 'etcd-tls-enabled', 'KCV0042', 'AVD-KCV-0042'], remediation: 'Set --cert-file and --key-file.', fails: mustBoth('cert-file', 'key-file') },
  { id: 'BLW-K8S-161', component: 'etcd', title: 'etcd does not require client certificates', flag: 'client-cert-auth', cis: '2.2', aliases: ['CKV_K8S_117', 'C-0154', 'etcd-client-auth-cert', 'KCV0043', 'AVD-KCV-0043'], remediation: 'Set --client-cert-auth=true.', fails: mustEqual('client-cert-auth', 'true') },
  { id: 'BLW-K8S-162', component: 'etcd', title: 'etcd uses self-signed client certificates', flag: 'auto-tls', cis: '2.3', aliases: ['CKV_K8S_118', 'C-0155', 'etcd-auto-tls-disabled', 'KCV0044', 'AVD-KCV-0044'], remediation: 'Remove --auto-tls=true.', fails: mustNot('auto-tls', 'true') },
  { id: 'BLW-K8S-163', component: 'etcd', title: 'etcd peers communicate without TLS', flag: 'peer-cert-file', cis: '2.4', aliases: ['CKV_K8S_119', 'C-0156', 'etcd-peer-tls-enabled', 'KCV0045', 'AVD-KCV-0045'], remediation: 'Set --peer-cert-file and --peer-key-file.', fails: mustBoth('peer-cert-file', 'peer-key-file') },
  { id: 'BLW-K8S-164', component: 'etcd', title: 'etcd does not require peer client certificates', flag: 'peer-client-cert-auth', cis: '2.5', aliases: ['C-0157', 'etcd-peer-client-auth-cert', 'KCV0046', 'AVD-KCV-0046'], remediation: 'Set --peer-client-cert-auth=true.', fails: mustEqual('peer-client-cert-auth', 'true') },
  { id: 'BLW-K8S-165', component: 'etcd', title: 'etcd peers use self-signed certificates', flag: 'peer-auto-tls', cis: '2.6', aliases: ['C-0158', 'etcd-peer-auto-tls-disabled', 'KCV0047', 'AVD-KCV-0047'], remediation: 'Remove --peer-auto-tls=true.', fails: mustNot('peer-auto-tls', 'true') },
  { id: 'BLW-K8S-170', component: 'kubelet', title: 'Kubelet allows anonymous requests', flag: 'anonymous-auth', cis: '4.2.1', aliases: ['CKV_K8S_138'], remediation: 'Set --anonymous-auth=false.', fails: mustEqual('anonymous-auth', 'false') },
  { id: 'BLW-K8S-171', component: 'kubelet', title: 'Kubelet authorization mode is AlwaysAllow', flag: 'authorization-mode', cis: '4.2.2', aliases: ['CKV_K8S_139'], remediation: 'Set --authorization-mode=Webhook.', fails: (p) => (flag(p, 'authorization-mode') === 'AlwaysAllow' ? '--authorization-mode=AlwaysAllow' : undefined) },
  { id: 'BLW-K8S-172', component: 'kubelet', title: 'Kubelet client CA file not set', flag: 'client-ca-file', cis: '4.2.3', aliases: ['CKV_K8S_140'], remediation: 'Set --client-ca-file.', fails: must('client-ca-file') },
  { id: 'BLW-K8S-173', component: 'kubelet', title: 'Kubelet read-only port enabled', flag: 'read-only-port', cis: '4.2.4', aliases: ['CKV_K8S_141'], remediation: 'Set --read-only-port=0.', fails: (p) => { const v = flag(p, 'read-only-port'); return v !== undefined && v !== '0' ? `--read-only-port=${v}` : undefined; } },
  { id: 'BLW-K8S-174', component: 'kubelet', title: 'Kubelet does not protect kernel defaults', severity: 'low', flag: 'protect-kernel-defaults', aliases: ['CKV_K8S_144'], remediation: 'Set --protect-kernel-defaults=true.', fails: mustEqual('protect-kernel-defaults', 'true') },
  { id: 'BLW-K8S-175', component: 'kubelet', title: 'Kubelet does not manage iptables', severity: 'low', flag: 'make-iptables-util-chains', cis: '4.2.6', aliases: ['CKV_K8S_145'], remediation: 'Remove --make-iptables-util-chains=false.', fails: mustNot('make-iptables-util-chains', 'false') },
  { id: 'BLW-K8S-176', component: 'kubelet', title: 'Kubelet overrides its hostname', severity: 'low', flag: 'hostname-override', cis: '4.2.7', aliases: ['CKV_K8S_146'], remediation: 'Remove --hostname-override.', fails: absent('hostname-override') },
  { id: 'BLW-K8S-177', component: 'kubelet', title: 'Kubelet TLS certificate not set', flag: 'tls-cert-file', cis: '4.2.9', aliases: ['CKV_K8S_148'], remediation: 'Set --tls-cert-file and --tls-private-key-file.', fails: mustBoth('tls-cert-file', 'tls-private-key-file') },
  { id: 'BLW-K8S-178', component: 'kubelet', title: 'Kubelet client certificate rotation disabled', flag: 'rotate-certificates', cis: '4.2.10', aliases: ['CKV_K8S_149'], remediation: 'Remove --rotate-certificates=false.', fails: mustNot('rotate-certificates', 'false') },
];

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go time.ParseDuration: number+unit pairs in any order; a bare number other than 0 is invalid. */
export function durationSeconds(v: string): number | undefined {
  if (v === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    end = re.lastIndex;
  }
  return end === v.length && end > 0 ? total : undefined;
}

function toRule(t: FlagRule): K8sRule {
  return defineK8sRule({
    id: t.id,
    title: t.title,
    severity: t.severity ?? 'medium',
    description: `${t.title} (${t.component} --${t.flag}).`,
    remediation: t.remediation,
    references: [REF],
    aliases: t.aliases,
    frameworks: t.cis ? [{ framework: 'cis-kubernetes-1.9', control: t.cis }] : [],
    tags: ['control-plane', t.component],
    on: 'resource',
    check: (r) =>
      processesOf(r, t.component).flatMap((p) => {
        const why = t.fails(p);
        return why ? [{ message: `${t.component}: ${why}`, path: p.pathOf(t.flag) }] : [];
      }),
  });
}

export const flagRules: readonly K8sRule[] = TABLE.map(toRule);
