import { atContainer, atPod, defineK8sRule } from '../../../kubernetes/rule.js';
import { getIn, isRecord } from '../../../kubernetes/workload.js';
import type { Container, ContainerRef, PodRef } from '../../../kubernetes/workload.js';
import type { DocPath, Fix, Violation } from '../../types.js';
import { FIX_DEFAULTS, setFix } from '../../../fix/defaults.js';
import { parseImage } from './image.js';

const cis = (control: string): { framework: string; control: string } => ({ framework: 'cis-kubernetes-1.9', control });
const nsa = (control: string): { framework: string; control: string } => ({ framework: 'nsa-cisa-k8s-1.2', control });

function sc(c: Container): Record<string, unknown> {
  return isRecord(c.securityContext) ? c.securityContext : {};
}
function podSc(pod: PodRef): Record<string, unknown> {
  return isRecord(pod.spec.securityContext) ? pod.spec.securityContext : {};
}
function envOf(c: Container): Record<string, unknown>[] {
  return Array.isArray(c.env) ? c.env.filter(isRecord) : [];
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
function fixed(v: Violation, fix: Fix | undefined): Violation {
  return fix ? { ...v, fix } : v;
}
function scPath(c: ContainerRef, ...rest: DocPath): DocPath {
  return [...c.path, 'securityContext', ...rest];
}
/** A field fix under securityContext, unless securityContext (or a parent on `rest`) is something other than a map. */
function scFix(c: ContainerRef, rest: DocPath, value: unknown): Fix | undefined {
  let cur: unknown = c.container.securityContext;
  for (const seg of rest.slice(0, -1)) {
    if (cur === undefined || cur === null) break;
    if (!isRecord(cur)) return undefined;
    cur = cur[String(seg)];
  }
  return cur === undefined || cur === null || isRecord(cur) ? setFix(scPath(c, ...rest), value) : undefined;
}
export const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' };

export const secretInEnv = defineK8sRule({
  id: 'BLW-K8S-200',
  title: 'Secret exposed through environment variables',
  severity: 'medium',
  description: 'Secrets in environment variables leak through logs, crash dumps and child processes; mount them as files instead.',
  remediation: 'Mount the Secret as a volume instead of env[].valueFrom.secretKeyRef / envFrom.secretRef.',
  references: ['https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod'],
  aliases: ['rule-secrets-in-env-var', 'C-0207', 'CKV_K8S_35'],
  frameworks: [cis('5.4.1')],
  on: 'container',
  check: (c) => {
    const out: Violation[] = [];
    envOf(c.container).forEach((e, i) => {
      if (isRecord(e.valueFrom) && isRecord(e.valueFrom.secretKeyRef)) out.push(atContainer(c, ['env', i, 'valueFrom', 'secretKeyRef'], `env ${String(e.name)} comes from a Secret`));
    });
    const from = Array.isArray(c.container.envFrom) ? c.container.envFrom : [];
    from.forEach((e, i) => {
      if (isRecord(e) && isRecord(e.secretRef)) out.push(atContainer(c, ['envFrom', i, 'secretRef'], `envFrom Secret ${String(e.secretRef.name)}`));
    });
    return out;
  },
});

const SENSITIVE_KEYS = ['aws_access_key_id', 'aws_secret_access_key', 'azure_batchai_storage_account', 'azure_batchai_storage_key', 'azure_batch_account', 'azure_batch_key', 'secret', 'key', 'password', 'pwd', 'token', 'jwt', 'bearer', 'credential'];
const SENSITIVE_VALUES = [/BEGIN \w+ PRIVATE KEY/, /PRIVATE KEY/, /eyJhbGciO/, /JWT/, /bearer/i, /AKIA[0-9A-Z]{16}/, /_key_/, /_secret_/];
const ALLOWED_KEY_SUFFIX = ['_FILE'];

export const credentialsInEnv = defineK8sRule({
  id: 'BLW-K8S-201',
  title: 'Credentials in environment variables',
  severity: 'high',
  description: 'A literal credential (by variable name or value pattern) in a manifest is readable by anyone who can read the workload.',
  remediation: 'Move the value into a Secret (mounted as a file) or an external secret store.',
  references: ['https://kubernetes.io/docs/concepts/configuration/secret/'],
  aliases: ['rule-credentials-in-env-var', 'C-0259', 'env-var-secret'],
  frameworks: [nsa('secrets')],
  on: 'container',
  check: (c) => {
    const out: Violation[] = [];
    envOf(c.container).forEach((e, i) => {
      const name = String(e.name ?? '');
      if (typeof e.value !== 'string' || e.value === '') return;
      const lower = name.toLowerCase();
      const byName = SENSITIVE_KEYS.some((k) => lower.includes(k)) && !ALLOWED_KEY_SUFFIX.some((s) => name.toUpperCase().includes(s));
      const byValue = SENSITIVE_VALUES.some((re) => re.test(e.value as string));
      if (byName || byValue) out.push(atContainer(c, ['env', i, 'value'], `env ${name} holds a literal credential`));
    });
    const from = Array.isArray(c.container.envFrom) ? c.container.envFrom : [];
    from.forEach((e, i) => {
      if (isRecord(e) && isRecord(e.secretRef)) out.push(atContainer(c, ['envFrom', i, 'secretRef'], `envFrom Secret ${String(e.secretRef.name)} exposes credentials as environment`));
    });
    return out;
  },
});

export const imageDigest = defineK8sRule({
  id: 'BLW-K8S-202',
  title: 'Image not pinned to a digest',
  severity: 'low',
  description: 'A tag can be moved to other content; only a digest pins the exact image that was reviewed and scanned.',
  remediation: 'Reference the image as name@sha256:<digest>.',
  references: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
  aliases: ['image-not-pinned-to-digest', 'CKV_K8S_43'],
  on: 'container',
  check: (c) => (typeof c.container.image === 'string' && !parseImage(c.container.image).digest ? [atContainer(c, 'image', `image ${c.container.image} has no digest`)] : []),
});

/** OCI image-spec descriptor digest grammar; registered algorithms have fixed lengths. */
export function validDigest(d: string): boolean {
  const m = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(d);
  if (!m) return false;
  if (m[1] === 'sha256') return /^[a-f0-9]{64}$/.test(m[2]!);
  if (m[1] === 'sha512') return /^[a-f0-9]{128}$/.test(m[2]!);
  return true;
}

export const malformedDigest = defineK8sRule({
  id: 'BLW-K8S-235',
  title: 'Image digest is malformed',
  severity: 'low',
  description: 'A digest that does not follow the OCI grammar (wrong length for sha256/sha512) pins nothing: the pull fails or resolves by tag.',
  remediation: 'Use the full digest as printed by the registry (sha256: followed by 64 hex characters).',
  references: ['https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests'],
  aliases: ['image-not-pinned-to-digest'],
  on: 'container',
  check: (c) => {
    const d = typeof c.container.image === 'string' ? parseImage(c.container.image).digest : undefined;
    return d !== undefined && !validDigest(d) ? [atContainer(c, 'image', `digest ${d} is malformed`)] : [];
  },
});

const RUNTIME_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/var/run/docker', '/run/containerd/containerd.sock', '/var/run/containerd/containerd.sock', '/var/run/crio/crio.sock', '/run/crio/crio.sock', '/var/run/cri-dockerd.sock'];

export const dockerSocket = defineK8sRule({
  id: 'BLW-K8S-203',
  title: 'Container runtime socket mounted',
  severity: 'high',
  description: 'Mounting the Docker/containerd/CRI-O socket gives the pod control of every container on the node.',
  remediation: 'Remove the hostPath volume pointing at the runtime socket.',
  references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
  aliases: ['containers-mounting-docker-socket', 'C-0074', 'CKV_K8S_27', 'KSV006', 'AVD-KSV-0006', 'KSV-0006', 'no-docker-sock-mount'],
  frameworks: [{ framework: 'cis-docker-1.6', control: '5.31' }],
  on: 'pod',
  check: (pod) => {
    const vols = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
    return vols.flatMap((v, i) => {
      const p = isRecord(v) && isRecord(v.hostPath) ? String(v.hostPath.path ?? '').replace(/\/+$/, '') : undefined;
      return p !== undefined && RUNTIME_SOCKETS.includes(p) ? [atPod(pod, ['volumes', i, 'hostPath', 'path'], `hostPath ${p} is the container runtime socket`)] : [];
    });
  },
});

function resource(c: Container, kind: 'limits' | 'requests', what: 'cpu' | 'memory'): unknown {
  return getIn(c.resources, [kind, what]);
}

const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes quantity ("100m", "0.5", "128Mi", "1e3", 2) in base units; undefined when it does not parse. */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)$/.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? 10 ** Number(m[2].slice(1)) : SUFFIX[m[3] ?? '']!);
}

/**
 * The default request or limit (FIX_DEFAULTS), kept consistent with the other bound when it is set: a request never
 * above the limit, a limit never below the request (the API server rejects both). No fix when that bound does not parse.
 */
function resourceFix(c: ContainerRef, kind: 'limits' | 'requests', what: 'cpu' | 'memory'): Fix | undefined {
  const res = c.container.resources;
  if (res !== undefined && res !== null && !isRecord(res)) return undefined;
  const own = isRecord(res) ? res[kind] : undefined;
  if (own !== undefined && own !== null && !isRecord(own)) return undefined;
  const dflt = FIX_DEFAULTS.resources[kind][what];
  const other = resource(c.container, kind === 'limits' ? 'requests' : 'limits', what);
  let value: unknown = dflt;
  if (!missing(other)) {
    const q = parseQuantity(other);
    if (q === undefined) return undefined;
    if (kind === 'requests' ? q < parseQuantity(dflt)! : q > parseQuantity(dflt)!) value = other;
  }
  return setFix([...c.path, 'resources', kind, what], value);
}
function missing(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === '0';
}

function resourceRule(id: string, kind: 'limits' | 'requests', what: 'cpu' | 'memory', aliases: string[], severity: 'low' | 'medium' = 'low'): ReturnType<typeof defineK8sRule> {
  return defineK8sRule({
    id,
    title: `Container has no ${what} ${kind === 'limits' ? 'limit' : 'request'}`,
    severity,
    description: `Without resources.${kind}.${what} a container can ${kind === 'limits' ? 'starve its neighbours or the node' : 'be scheduled onto a node without room for it'}.`,
    remediation: `Set resources.${kind}.${what} on every container.`,
    references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'],
    aliases,
    frameworks: [nsa('resource-policies')],
    on: 'container',
    containerKinds: ['containers', 'initContainers'],
    check: (c) => (missing(resource(c.container, kind, what)) ? [fixed(atContainer(c, ['resources', kind, what], `resources.${kind}.${what} is not set`), resourceFix(c, kind, what))] : []),
  });
}

export const memoryLimit = resourceRule('BLW-K8S-204', 'limits', 'memory', ['resources-memory-limits', 'C-0271', 'KSV018', 'AVD-KSV-0018', 'KSV-0018', 'limit-memory', 'CKV_K8S_13'], 'medium');
export const memoryRequest = resourceRule('BLW-K8S-205', 'requests', 'memory', ['resources-memory-requests', 'C-0269', 'KSV016', 'AVD-KSV-0016', 'KSV-0016', 'no-unspecified-memory-requests', 'CKV_K8S_12']);
export const cpuLimit = resourceRule('BLW-K8S-206', 'limits', 'cpu', ['resources-cpu-limits', 'C-0270', 'KSV011', 'AVD-KSV-0011', 'KSV-0011', 'limit-cpu', 'CKV_K8S_11']);
export const cpuRequest = resourceRule('BLW-K8S-207', 'requests', 'cpu', ['resources-cpu-requests', 'C-0268', 'KSV015', 'AVD-KSV-0015', 'KSV-0015', 'no-unspecified-cpu-requests', 'CKV_K8S_10']);

function bothRule(id: string, what: 'cpu' | 'memory', aliases: string[]): ReturnType<typeof defineK8sRule> {
  return defineK8sRule({
    id,
    title: `Container lacks a ${what} request or limit`,
    severity: 'medium',
    description: `Both resources.requests.${what} and resources.limits.${what} bound what the container may use.`,
    remediation: `Set resources.requests.${what} and resources.limits.${what}.`,
    references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'],
    aliases,
    frameworks: [nsa('resource-policies')],
    on: 'container',
    containerKinds: ['containers', 'initContainers'],
    check: (c) => {
      const gaps = (['requests', 'limits'] as const).filter((k) => missing(resource(c.container, k, what)));
      return gaps.length > 0 ? [fixed(atContainer(c, ['resources', gaps[0]!, what], `resources.${gaps.join('/')}.${what} not set`), resourceFix(c, gaps[0]!, what))] : [];
    },
  });
}

export const memoryBoth = bothRule('BLW-K8S-208', 'memory', ['resources-memory-limit-and-request', 'C-0004', 'unset-memory-requirements', 'container-resources']);
export const cpuBoth = bothRule('BLW-K8S-209', 'cpu', ['resources-cpu-limit-and-request', 'C-0050', 'unset-cpu-requirements']);

export const readOnlyRootFs = defineK8sRule({
  id: 'BLW-K8S-210',
  title: 'Root filesystem is writable',
  severity: 'low',
  description: 'A writable root filesystem lets an intruder drop tools and persist changes inside the container.',
  remediation: 'Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the app writes.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  aliases: ['immutable-container-filesystem', 'C-0017', 'KSV014', 'AVD-KSV-0014', 'KSV-0014', 'use-readonly-filesystem', 'CKV_K8S_22', 'no-read-only-root-fs'],
  frameworks: [nsa('immutable-filesystem')],
  on: 'container',
  check: (c) => (sc(c.container).readOnlyRootFilesystem !== true ? [fixed(atContainer(c, 'securityContext.readOnlyRootFilesystem', 'readOnlyRootFilesystem is not true'), scFix(c, ['readOnlyRootFilesystem'], true))] : []),
});

export const imagePullPolicy = defineK8sRule({
  id: 'BLW-K8S-211',
  title: 'Image pull policy is not Always',
  severity: 'low',
  description: 'With IfNotPresent/Never a node reuses whatever image it cached under the tag, which may not be the one reviewed.',
  remediation: 'Set imagePullPolicy: Always, or pin the image by digest.',
  references: ['https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy'],
  aliases: ['image-pull-policy-is-not-set-to-always', 'C-0075', 'CKV_K8S_15', 'container-image-pull-policy'],
  on: 'container',
  containerKinds: ['containers', 'initContainers'],
  check: (c) => {
    const policy = c.container.imagePullPolicy;
    if (policy === 'Always') return [];
    const fix = setFix([...c.path, 'imagePullPolicy'], 'Always');
    if (policy !== undefined) return [{ ...atContainer(c, 'imagePullPolicy', `imagePullPolicy is ${String(policy)}`), fix }];
    const img = typeof c.container.image === 'string' ? parseImage(c.container.image) : undefined;
    // absent policy defaults to Always for :latest or untagged images
    if (!img || img.digest || img.tag === undefined || img.tag === 'latest') return [];
    return [{ ...atContainer(c, 'image', `imagePullPolicy defaults to IfNotPresent for tag ${img.tag}`), fix }];
  },
});

export const latestTag = defineK8sRule({
  id: 'BLW-K8S-212',
  title: 'Image uses the latest tag or no tag',
  severity: 'medium',
  description: 'latest (or no tag) is a moving target: deployments are not reproducible and rollbacks are unreliable.',
  remediation: 'Use an immutable version tag or a digest.',
  references: ['https://kubernetes.io/docs/concepts/containers/images/'],
  aliases: ['CKV_K8S_14', 'KSV013', 'AVD-KSV-0013', 'KSV-0013', 'use-specific-tags', 'latest-tag', 'container-image-tag'],
  on: 'container',
  containerKinds: ['containers', 'initContainers'],
  check: (c) => {
    if (typeof c.container.image !== 'string') return [];
    const img = parseImage(c.container.image);
    return !img.digest && (img.tag === undefined || img.tag === 'latest') ? [atContainer(c, 'image', `image ${c.container.image} is not pinned to a version`)] : [];
  },
});

/** The first declared TCP containerPort (a tcpSocket probe on a UDP port would always fail). */
function firstTcpPort(c: Container): number | undefined {
  const ports = Array.isArray(c.ports) ? c.ports : [];
  for (const p of ports) {
    if (!isRecord(p)) continue;
    const proto = p.protocol === undefined || p.protocol === null ? 'TCP' : String(p.protocol).toUpperCase();
    const n = typeof p.containerPort === 'number' ? p.containerPort : Number.NaN;
    if (proto === 'TCP' && Number.isInteger(n) && n > 0 && n < 65536) return n;
  }
  return undefined;
}

/** TCP probes on the first port; liveness slower than readiness, so the two differ (BLW-K8S-602) and a slow start is not killed. */
const PROBE = {
  livenessProbe: (port: number) => ({ tcpSocket: { port }, initialDelaySeconds: 15, periodSeconds: 20 }),
  readinessProbe: (port: number) => ({ tcpSocket: { port }, periodSeconds: 10 }),
};

function probeRule(id: string, probe: 'livenessProbe' | 'readinessProbe', aliases: string[]): ReturnType<typeof defineK8sRule> {
  return defineK8sRule({
    id,
    title: `Container has no ${probe.replace('Probe', '')} probe`,
    severity: 'low',
    description: `Without a ${probe} Kubernetes cannot ${probe === 'livenessProbe' ? 'restart a hung container' : 'keep traffic away from a container that is not ready'}.`,
    remediation: `Define ${probe} on every long-running container.`,
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
    aliases,
    on: 'container',
    containerKinds: ['containers'],
    check: (c, _pod, r) => {
      if (r.kind === 'Job' || r.kind === 'CronJob' || isRecord(c.container[probe])) return [];
      // only where the container declares a port to probe; no port, no mechanical fix
      const port = firstTcpPort(c.container);
      return [fixed(atContainer(c, probe, `no ${probe}`), port !== undefined && c.container[probe] === undefined ? setFix([...c.path, probe], PROBE[probe](port)) : undefined)];
    },
  });
}

export const livenessProbe = probeRule('BLW-K8S-213', 'livenessProbe', ['CKV_K8S_8', 'no-liveness-probe']);
export const readinessProbe = probeRule('BLW-K8S-214', 'readinessProbe', ['CKV_K8S_9', 'no-readiness-probe']);

export const sysAdmin = defineK8sRule({
  id: 'BLW-K8S-218',
  title: 'Container adds CAP_SYS_ADMIN',
  severity: 'high',
  description: 'SYS_ADMIN is close to root on the node: mounts, namespaces, many kernel interfaces.',
  remediation: 'Remove SYS_ADMIN from securityContext.capabilities.add.',
  references: ['https://man7.org/linux/man-pages/man7/capabilities.7.html'],
  aliases: ['CKV_K8S_39', 'KSV005', 'AVD-KSV-0005', 'KSV-0005', 'no-sysadmin-capability'],
  on: 'container',
  check: (c) => (strings(getIn(sc(c.container), ['capabilities', 'add'])).some((x) => x.toUpperCase().replace(/^CAP_/, '') === 'SYS_ADMIN') ? [atContainer(c, 'securityContext.capabilities.add', 'adds SYS_ADMIN')] : []),
});

export const anyCapabilityAdded = defineK8sRule({
  id: 'BLW-K8S-217',
  title: 'Container adds capabilities',
  severity: 'low',
  description: 'Every added capability widens what a compromised process can do; most workloads need none.',
  remediation: 'Remove securityContext.capabilities.add, or keep it to the minimum the workload needs.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container'],
  aliases: ['CKV_K8S_25', 'KSV022', 'AVD-KSV-0022', 'KSV-0022', 'no-non-default-capabilities'],
  on: 'container',
  check: (c) => {
    const add = strings(getIn(sc(c.container), ['capabilities', 'add']));
    return add.length > 0 ? [atContainer(c, 'securityContext.capabilities.add', `adds ${add.join(', ')}`)] : [];
  },
});

const INSECURE_CAPS = ['SETPCAP', 'NET_ADMIN', 'NET_RAW', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_PTRACE', 'SYS_ADMIN', 'SYS_BOOT', 'MAC_OVERRIDE', 'MAC_ADMIN', 'PERFMON', 'ALL', 'BPF'];

export const insecureCapabilities = defineK8sRule({
  id: 'BLW-K8S-221',
  title: 'Container adds a dangerous capability',
  severity: 'high',
  description: 'Capabilities such as SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, SYS_MODULE or ALL allow container escape or network attacks.',
  remediation: 'Remove the dangerous capabilities from securityContext.capabilities.add.',
  references: ['https://hub.armosec.io/docs/c-0046'],
  aliases: ['insecure-capabilities', 'C-0046'],
  frameworks: [nsa('capabilities')],
  on: 'container',
  check: (c) => {
    const bad = strings(getIn(sc(c.container), ['capabilities', 'add'])).filter((x) => INSECURE_CAPS.includes(x.toUpperCase().replace(/^CAP_/, '')));
    return bad.length > 0 ? [atContainer(c, 'securityContext.capabilities.add', `adds ${bad.join(', ')}`)] : [];
  },
});

export const highUid = defineK8sRule({
  id: 'BLW-K8S-219',
  title: 'Container runs with a UID below 10000',
  severity: 'low',
  description: 'UIDs below 10000 may collide with host users that own sensitive files.',
  remediation: 'Set securityContext.runAsUser to 10000 or more.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  aliases: ['CKV_K8S_40', 'KSV020', 'AVD-KSV-0020', 'KSV-0020', 'use-high-uid'],
  on: 'container',
  containerKinds: ['containers', 'initContainers'],
  check: (c, pod) => {
    const u = sc(c.container).runAsUser ?? podSc(pod).runAsUser;
    return typeof u === 'number' && u >= 10000 ? [] : [fixed(atContainer(c, 'securityContext.runAsUser', u === undefined ? 'runAsUser is not set' : `runAsUser is ${String(u)}`), scFix(c, ['runAsUser'], FIX_DEFAULTS.uid))];
  },
});

export const highGid = defineK8sRule({
  id: 'BLW-K8S-220',
  title: 'Container runs with a GID below 10000',
  severity: 'low',
  description: 'GIDs below 10000 may collide with host groups that own sensitive files.',
  remediation: 'Set securityContext.runAsGroup to 10000 or more.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  aliases: ['KSV021', 'AVD-KSV-0021', 'KSV-0021', 'use-high-gid'],
  on: 'container',
  containerKinds: ['containers', 'initContainers'],
  check: (c, pod) => {
    const g = sc(c.container).runAsGroup ?? podSc(pod).runAsGroup;
    return typeof g === 'number' && g >= 10000 ? [] : [atContainer(c, 'securityContext.runAsGroup', g === undefined ? 'runAsGroup is not set' : `runAsGroup is ${String(g)}`)];
  },
});

export const linuxHardening = defineK8sRule({
  id: 'BLW-K8S-224',
  title: 'Container has no Linux hardening',
  severity: 'medium',
  description: 'None of seccomp, SELinux, AppArmor or dropped capabilities is configured for the container.',
  remediation: 'Set a seccomp profile (RuntimeDefault), drop capabilities, or configure SELinux/AppArmor.',
  references: ['https://hub.armosec.io/docs/c-0055'],
  aliases: ['linux-hardening', 'C-0055'],
  frameworks: [nsa('linux-hardening')],
  on: 'container',
  check: (c: ContainerRef, pod: PodRef) => {
    const p = podSc(pod);
    const s = sc(c.container);
    const ann = isRecord(pod.metadata.annotations) ? pod.metadata.annotations : {};
    const hardened =
      isRecord(p.seccompProfile) || isRecord(p.seLinuxOptions) || isRecord(p.appArmorProfile) ||
      isRecord(s.seccompProfile) || isRecord(s.seLinuxOptions) || isRecord(s.appArmorProfile) ||
      strings(getIn(s, ['capabilities', 'drop'])).length > 0 ||
      ann[`container.apparmor.security.beta.kubernetes.io/${String(c.container.name)}`] !== undefined;
    return hardened ? [] : [fixed(atContainer(c, 'securityContext', 'no seccomp, SELinux, AppArmor or dropped capabilities'), scFix(c, ['seccompProfile'], RUNTIME_DEFAULT_SECCOMP))];
  },
});

export const sudoEntrypoint = defineK8sRule({
  id: 'BLW-K8S-227',
  title: 'Container entrypoint uses sudo',
  severity: 'medium',
  description: 'sudo in the entrypoint means the image carries a privilege escalation path.',
  remediation: 'Run the process as the needed user directly; remove sudo from the image.',
  references: ['https://hub.armosec.io/docs/c-0062'],
  aliases: ['sudo-in-container-entrypoint', 'C-0062'],
  on: 'container',
  check: (c) => {
    const cmd = strings(c.container.command);
    const i = cmd.findIndex((t) => /(^|\s|\/)sudo(\s|$)/.test(t));
    return i >= 0 ? [atContainer(c, ['command', i], 'command runs sudo')] : [];
  },
});

export const duplicateEnv = defineK8sRule({
  id: 'BLW-K8S-229',
  title: 'Duplicate environment variable',
  severity: 'low',
  description: 'When a variable is listed twice only the last value applies, which often hides a configuration mistake.',
  remediation: 'Remove the duplicate env entry.',
  references: ['https://docs.kubelinter.io/#/generated/checks?id=duplicate-env-var'],
  aliases: ['duplicate-env-var', 'C-0295'],
  on: 'container',
  check: (c) => {
    const seen = new Set<string>();
    const out: Violation[] = [];
    envOf(c.container).forEach((e, i) => {
      const n = String(e.name);
      if (seen.has(n)) out.push(atContainer(c, ['env', i, 'name'], `env ${n} is defined more than once`));
      seen.add(n);
    });
    return out;
  },
});

export const oldRegistry = defineK8sRule({
  id: 'BLW-K8S-233',
  title: 'Image from the frozen k8s.gcr.io registry',
  severity: 'low',
  description: 'k8s.gcr.io is frozen; images there receive no updates. registry.k8s.io replaces it.',
  remediation: 'Pull from registry.k8s.io instead.',
  references: ['https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/'],
  aliases: ['rule-identify-old-k8s-registry', 'C-0253'],
  on: 'container',
  check: (c) => (typeof c.container.image === 'string' && parseImage(c.container.image).registry === 'k8s.gcr.io' ? [atContainer(c, 'image', 'image comes from k8s.gcr.io')] : []),
});
