import type { Severity } from '@bulwark/core';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { getIn } from '../../../kubernetes/workload.js';
import type { DocPath } from '../../types.js';
import { decodeContent, hostViolation, isHost, parseEmbedded, parseFlags } from './host-data.js';

// CIS Kubernetes Benchmark 1.9 section 4.2, judged on a KubeletInfo node object: the kubelet command line plus the
// KubeletConfiguration file the sensor read. A flag wins over the file, as in the kubelet itself.
const CIS = 'https://www.cisecurity.org/benchmark/kubernetes';
const KUBELET_DOCS = 'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/';

const BOOL_FLAGS = new Set(['anonymous-auth', 'protect-kernel-defaults', 'make-iptables-util-chains', 'rotate-certificates', 'rotate-server-certificates']);

/** What is known about one kubelet. */
export interface KubeletView {
  flags: Map<string, string>;
  /** The command line names a config file (`--config`). */
  declared: boolean;
  /** The parsed KubeletConfiguration, when the sensor sent readable content. */
  config?: Record<string, unknown>;
}

export function kubeletOf(r: K8sResource): KubeletView | undefined {
  if (!isHost(r, 'KubeletInfo')) return undefined;
  const cmdLine = getIn(r.object, ['data', 'cmdLine']);
  if (typeof cmdLine !== 'string') return undefined;
  const flags = parseFlags(cmdLine, BOOL_FLAGS);
  const config = parseEmbedded(decodeContent(getIn(r.object, ['data', 'configFile', 'content'])));
  return { flags, declared: flags.has('config'), ...(config ? { config } : {}) };
}

/** Go's strconv.ParseBool. */
export function goBool(s: string | undefined): boolean | undefined {
  if (s === undefined) return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

/** True for a zero Go duration ("0", "0s", "0h0m0s"); undefined when not a duration. */
export function zeroDuration(v: unknown): boolean | undefined {
  if (typeof v === 'number') return v === 0;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s === '0') return true;
  if (!/^([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  return [...s.matchAll(/([0-9]*\.?[0-9]+)/g)].every((m) => Number(m[1]) === 0);
}

const CMD: DocPath = ['data', 'cmdLine'];
const CONFIG: DocPath = ['data', 'configFile', 'content'];

interface Verdict {
  message: string;
  /** Field of the KubeletConfiguration or flag, for the message; the finding points at the command line or the file. */
  from: 'flag' | 'config' | 'default' | 'unreadable';
}

const UNREADABLE: Verdict = { message: 'the kubelet runs with --config but its configuration file could not be read; the setting cannot be verified', from: 'unreadable' };

interface KubeletSpec {
  id: string;
  title: string;
  severity: Severity;
  cis?: string;
  aliases: string[];
  description: string;
  remediation: string;
  judge(k: KubeletView): Verdict | undefined;
}

function kubeletRule(spec: KubeletSpec): K8sRule {
  return defineK8sRule({
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    description: spec.description,
    remediation: spec.remediation,
    references: [CIS, KUBELET_DOCS],
    aliases: spec.aliases,
    frameworks: spec.cis ? [{ framework: 'cis-kubernetes-1.9', control: spec.cis }] : [],
    tags: ['host', 'kubelet'],
    on: 'resource',
    kinds: ['KubeletInfo'],
    check: (r) => {
      const k = kubeletOf(r);
      const v = k && spec.judge(k);
      if (!v) return [];
      return [hostViolation(r, v.message, v.from === 'config' || v.from === 'unreadable' ? (k.config ? CONFIG : ['data', 'configFile']) : CMD)];
    },
  });
}

const cfg = (k: KubeletView, ...path: string[]): unknown => (k.config ? getIn(k.config, path) : undefined);
/** The config file should have been read but was not. */
const unreadable = (k: KubeletView): boolean => k.declared && !k.config;

export const anonymousAuth = kubeletRule({
  id: 'BLW-K8S-840',
  title: 'Kubelet accepts anonymous requests',
  severity: 'high',
  cis: '4.2.1',
  aliases: ['C-0069', 'C-0172', 'anonymous-requests-to-kubelet-updated', 'anonymous-requests-to-kubelet-service-updated'],
  description: 'With anonymous authentication on, requests to the kubelet API (port 10250) that carry no credentials are served as system:anonymous; the kubelet API runs commands in pods.',
  remediation: 'Set authentication.anonymous.enabled: false in the kubelet config file (or --anonymous-auth=false).',
  judge: (k) => {
    const f = goBool(k.flags.get('anonymous-auth'));
    if (k.flags.has('anonymous-auth')) return f === false ? undefined : { message: `--anonymous-auth=${k.flags.get('anonymous-auth')}`, from: 'flag' };
    // the config file defaults to false, the command line to true
    if (k.config) return cfg(k, 'authentication', 'anonymous', 'enabled') === true ? { message: 'authentication.anonymous.enabled is true', from: 'config' } : undefined;
    if (unreadable(k)) return UNREADABLE;
    return { message: 'neither --anonymous-auth=false nor a config file is given; anonymous requests are allowed by default', from: 'default' };
  },
});

export const clientCa = kubeletRule({
  id: 'BLW-K8S-841',
  title: 'Kubelet does not authenticate clients with certificates',
  severity: 'high',
  cis: '4.2.3',
  aliases: ['C-0070', 'C-0174', 'enforce-kubelet-client-tls-authentication-updated'],
  description: 'Without a client CA the kubelet cannot verify the certificates of its callers (the API server among them).',
  remediation: 'Set authentication.x509.clientCAFile in the kubelet config file (or --client-ca-file).',
  judge: (k) => {
    if (k.flags.has('client-ca-file')) return k.flags.get('client-ca-file') ? undefined : { message: '--client-ca-file is empty', from: 'flag' };
    if (k.config) return cfg(k, 'authentication', 'x509', 'clientCAFile') ? undefined : { message: 'authentication.x509.clientCAFile is not set', from: 'config' };
    if (unreadable(k)) return UNREADABLE;
    return { message: '--client-ca-file is not set and no config file is given', from: 'default' };
  },
});

export const authzAlwaysAllow = kubeletRule({
  id: 'BLW-K8S-842',
  title: 'Kubelet authorizes every request (AlwaysAllow)',
  severity: 'high',
  cis: '4.2.2',
  aliases: ['C-0173', 'kubelet-authorization-mode-alwaysAllow'],
  description: 'With authorization mode AlwaysAllow any authenticated (or anonymous) caller may use the whole kubelet API.',
  remediation: 'Set authorization.mode: Webhook in the kubelet config file (or --authorization-mode=Webhook).',
  // only an explicit AlwaysAllow counts (as in kubescape); the config file defaults to Webhook
  judge: (k) => {
    if (k.flags.has('authorization-mode')) return k.flags.get('authorization-mode') === 'AlwaysAllow' ? { message: '--authorization-mode=AlwaysAllow', from: 'flag' } : undefined;
    return cfg(k, 'authorization', 'mode') === 'AlwaysAllow' ? { message: 'authorization.mode is AlwaysAllow', from: 'config' } : undefined;
  },
});

export const readOnlyPort = kubeletRule({
  id: 'BLW-K8S-843',
  title: 'Kubelet serves the unauthenticated read-only port',
  severity: 'medium',
  cis: '4.2.4',
  aliases: ['C-0175', 'read-only-port-enabled-updated'],
  description: 'The read-only port (10255) serves pod and node data without authentication.',
  remediation: 'Set readOnlyPort: 0 in the kubelet config file (or --read-only-port=0).',
  judge: (k) => {
    if (k.flags.has('read-only-port')) return k.flags.get('read-only-port') === '0' ? undefined : { message: `--read-only-port=${k.flags.get('read-only-port')}`, from: 'flag' };
    const v = cfg(k, 'readOnlyPort');
    return v !== undefined && v !== null && v !== 0 && v !== '0' ? { message: `readOnlyPort is ${String(v)}`, from: 'config' } : undefined;
  },
});

export const streamingTimeout = kubeletRule({
  id: 'BLW-K8S-844',
  title: 'Kubelet streaming connections never time out',
  severity: 'low',
  cis: '4.2.5',
  aliases: ['C-0176', 'kubelet-streaming-connection-idle-timeout'],
  description: 'An idle timeout of 0 keeps exec/attach/port-forward streams open forever, exhausting the node and hiding stale sessions.',
  remediation: 'Set streamingConnectionIdleTimeout (e.g. 4h0m0s) in the kubelet config file, never 0.',
  judge: (k) => {
    if (k.flags.has('streaming-connection-idle-timeout')) {
      return zeroDuration(k.flags.get('streaming-connection-idle-timeout')) ? { message: `--streaming-connection-idle-timeout=${k.flags.get('streaming-connection-idle-timeout')}`, from: 'flag' } : undefined;
    }
    if (k.config) return zeroDuration(cfg(k, 'streamingConnectionIdleTimeout')) ? { message: 'streamingConnectionIdleTimeout is 0', from: 'config' } : undefined;
    return unreadable(k) ? UNREADABLE : undefined;
  },
});

export const protectKernelDefaults = kubeletRule({
  id: 'BLW-K8S-845',
  title: 'Kubelet does not protect kernel defaults',
  severity: 'low',
  aliases: ['C-0177', 'kubelet-protect-kernel-defaults'],
  description: 'Without protectKernelDefaults the kubelet silently changes kernel parameters it disagrees with instead of failing (CIS 1.7 4.2.6).',
  remediation: 'Set protectKernelDefaults: true in the kubelet config file (or --protect-kernel-defaults=true).',
  judge: (k) => {
    if (k.flags.has('protect-kernel-defaults')) return goBool(k.flags.get('protect-kernel-defaults')) === true ? undefined : { message: `--protect-kernel-defaults=${k.flags.get('protect-kernel-defaults')}`, from: 'flag' };
    if (k.config) return cfg(k, 'protectKernelDefaults') === true ? undefined : { message: 'protectKernelDefaults is not true', from: 'config' };
    if (unreadable(k)) return UNREADABLE;
    return { message: '--protect-kernel-defaults is not set (defaults to false)', from: 'default' };
  },
});

export const iptablesChains = kubeletRule({
  id: 'BLW-K8S-846',
  title: 'Kubelet does not manage iptables chains',
  severity: 'low',
  cis: '4.2.6',
  aliases: ['C-0178', 'kubelet-ip-tables'],
  description: 'When the kubelet does not maintain its iptables utility chains, node networking rules drift from what pods expect.',
  remediation: 'Leave makeIPTablesUtilChains at its default (true) in the kubelet config file.',
  judge: (k) => {
    if (k.flags.has('make-iptables-util-chains')) return goBool(k.flags.get('make-iptables-util-chains')) === true ? undefined : { message: `--make-iptables-util-chains=${k.flags.get('make-iptables-util-chains')}`, from: 'flag' };
    if (k.config) return cfg(k, 'makeIPTablesUtilChains') === false ? { message: 'makeIPTablesUtilChains is false', from: 'config' } : undefined;
    return unreadable(k) ? UNREADABLE : undefined;
  },
});

export const hostnameOverride = kubeletRule({
  id: 'BLW-K8S-847',
  title: 'Kubelet overrides the node hostname',
  severity: 'low',
  cis: '4.2.7',
  aliases: ['C-0179', 'kubelet-hostname-override'],
  description: 'A hostname that differs from the machine name breaks the TLS identity checks between kubelet and API server.',
  remediation: 'Remove --hostname-override from the kubelet command line.',
  judge: (k) => (k.flags.has('hostname-override') ? { message: `--hostname-override=${k.flags.get('hostname-override')}`, from: 'flag' } : undefined),
});

export const eventQps = kubeletRule({
  id: 'BLW-K8S-848',
  title: 'Kubelet event recording is unlimited (eventRecordQPS 0)',
  severity: 'low',
  cis: '4.2.8',
  aliases: ['C-0180', 'kubelet-event-qps'],
  description: 'eventRecordQPS 0 removes the rate limit on events, so a flood of events can overwhelm the API server and bury the ones that matter.',
  remediation: 'Set eventRecordQPS to a positive value in the kubelet config file.',
  judge: (k) => {
    if (k.flags.has('event-qps')) return Number(k.flags.get('event-qps')) === 0 ? { message: `--event-qps=${k.flags.get('event-qps')}`, from: 'flag' } : undefined;
    if (k.config) return cfg(k, 'eventRecordQPS') === 0 ? { message: 'eventRecordQPS is 0', from: 'config' } : undefined;
    return unreadable(k) ? UNREADABLE : undefined;
  },
});

export const tlsCert = kubeletRule({
  id: 'BLW-K8S-849',
  title: 'Kubelet serving certificate not configured',
  severity: 'medium',
  cis: '4.2.9',
  aliases: ['C-0181', 'validate-kubelet-tls-configuration-updated'],
  description: 'Without an explicit serving certificate and key the kubelet serves its API with a self-signed certificate nobody can verify.',
  remediation: 'Set tlsCertFile and tlsPrivateKeyFile in the kubelet config file (or --tls-cert-file and --tls-private-key-file).',
  judge: (k) => {
    const wanted: [string, string][] = [['tls-cert-file', 'tlsCertFile'], ['tls-private-key-file', 'tlsPrivateKeyFile']];
    const missing = wanted.filter(([flag]) => !k.flags.get(flag));
    if (missing.length === 0) return undefined;
    if (k.config) {
      const still = missing.filter(([, prop]) => !cfg(k, prop));
      return still.length > 0 ? { message: `${still.map(([f, p]) => `${p} (--${f})`).join(' and ')} not set`, from: 'config' } : undefined;
    }
    if (k.declared) return undefined;
    return { message: `${missing.map(([f]) => `--${f}`).join(' and ')} not set`, from: 'flag' };
  },
});

export const rotateCertificates = kubeletRule({
  id: 'BLW-K8S-850',
  title: 'Kubelet client certificate rotation disabled',
  severity: 'medium',
  cis: '4.2.10',
  aliases: ['C-0182', 'kubelet-rotate-certificates'],
  description: 'Without rotation the kubelet keeps using its client certificate until it expires, and a stolen one stays valid as long.',
  remediation: 'Remove --rotate-certificates=false / rotateCertificates: false.',
  judge: (k) => {
    if (k.flags.has('rotate-certificates')) return goBool(k.flags.get('rotate-certificates')) === false ? { message: `--rotate-certificates=${k.flags.get('rotate-certificates')}`, from: 'flag' } : undefined;
    if (k.config) return cfg(k, 'rotateCertificates') === false ? { message: 'rotateCertificates is false', from: 'config' } : undefined;
    return unreadable(k) ? UNREADABLE : undefined;
  },
});

function gateOff(list: string | undefined, gate: string): boolean | undefined {
  if (list === undefined) return undefined;
  const g = list.split(',').map((x) => x.trim()).find((x) => x.split('=')[0] === gate);
  return g === undefined ? undefined : goBool(g.split('=')[1]) === false;
}

export const rotateServerCertificate = kubeletRule({
  id: 'BLW-K8S-851',
  title: 'Kubelet server certificate rotation disabled',
  severity: 'medium',
  cis: '4.2.11',
  aliases: ['C-0183', 'kubelet-rotate-kubelet-server-certificate'],
  description: 'The RotateKubeletServerCertificate feature gate (on by default since 1.12) lets the kubelet renew its serving certificate; turning it off leaves long-lived certificates.',
  remediation: 'Remove RotateKubeletServerCertificate=false from --feature-gates and featureGates.',
  judge: (k) => {
    const cli = gateOff(k.flags.get('feature-gates'), 'RotateKubeletServerCertificate');
    if (cli !== undefined) return cli ? { message: '--feature-gates has RotateKubeletServerCertificate=false', from: 'flag' } : undefined;
    return cfg(k, 'featureGates', 'RotateKubeletServerCertificate') === false ? { message: 'featureGates.RotateKubeletServerCertificate is false', from: 'config' } : undefined;
  },
});

const STRONG_CIPHERS = new Set([
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  // TLS 1.3 suites and the *_SHA256 spellings Go accepts for ChaCha20
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);

function weakCiphers(v: unknown): string[] {
  const list = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : [];
  return list.map((s) => s.trim()).filter((s) => s !== '' && !STRONG_CIPHERS.has(s));
}

export const kubeletCiphers = kubeletRule({
  id: 'BLW-K8S-852',
  title: 'Kubelet allows weak TLS cipher suites',
  severity: 'medium',
  cis: '4.2.12',
  aliases: ['C-0184', 'kubelet-strong-cryptography-ciphers', 'kubelet-strong-cryptographics-ciphers'],
  description: 'CBC, 3DES and RC4 suites on the kubelet API allow downgrade and decryption attacks on its TLS traffic.',
  remediation: 'List only AEAD suites (e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) in tlsCipherSuites.',
  judge: (k) => {
    if (k.flags.has('tls-cipher-suites')) {
      const weak = weakCiphers(k.flags.get('tls-cipher-suites'));
      return weak.length > 0 ? { message: `weak cipher suites: ${weak.join(', ')}`, from: 'flag' } : undefined;
    }
    const weak = weakCiphers(cfg(k, 'tlsCipherSuites') ?? cfg(k, 'TLSCipherSuites'));
    return weak.length > 0 ? { message: `weak cipher suites: ${weak.join(', ')}`, from: 'config' } : undefined;
  },
});

export const podPidsLimit = kubeletRule({
  id: 'BLW-K8S-853',
  title: 'Kubelet sets no pod PID limit',
  severity: 'low',
  cis: '4.2.13',
  aliases: ['C-0284', 'kubelet-set-pod-limit'],
  description: 'Without a PID limit one pod can fork until the node runs out of process ids (a fork bomb takes the node down).',
  remediation: 'Set podPidsLimit in the kubelet config file (or --pod-max-pids).',
  // judged only with the config file in hand (as kubescape): the flag alone says nothing about the file
  judge: (k) => {
    if (k.flags.get('pod-max-pids')) return undefined;
    if (!k.config) return undefined;
    const v = cfg(k, 'podPidsLimit');
    return typeof v === 'number' && v > 0 ? undefined : { message: 'neither --pod-max-pids nor podPidsLimit is set', from: 'config' };
  },
});

export const kubeletRules: readonly K8sRule[] = [
  anonymousAuth, clientCa, authzAlwaysAllow, readOnlyPort, streamingTimeout, protectKernelDefaults, iptablesChains, hostnameOverride,
  eventQps, tlsCert, rotateCertificates, rotateServerCertificate, kubeletCiphers, podPidsLimit,
];

