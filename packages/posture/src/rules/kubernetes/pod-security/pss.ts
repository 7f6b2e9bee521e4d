import { atContainer, atPod, defineK8sRule } from '../../../kubernetes/rule.js';
import { containersOf, isRecord } from '../../../kubernetes/workload.js';
import type { Container, ContainerRef, PodRef } from '../../../kubernetes/workload.js';
import type { DocPath, Fix, Violation } from '../../types.js';
import { FIX_DEFAULTS, appendFix, setFix } from '../../../fix/defaults.js';

// Pod Security Standards, as enforced by k8s.io/pod-security-admission (policy/check_*.go) at the newest level.
const REF = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
const BASELINE = ['pss-baseline', 'pss-restricted'];
const RESTRICTED = ['pss-restricted'];
const cis = (control: string): { framework: string; control: string } => ({ framework: 'cis-kubernetes-1.9', control });
const nsa = { framework: 'nsa-cisa-k8s-1.2', control: 'pod-security' };

function sc(c: Container): Record<string, unknown> {
  return isRecord(c.securityContext) ? c.securityContext : {};
}
function podSc(pod: PodRef): Record<string, unknown> {
  return isRecord(pod.spec.securityContext) ? pod.spec.securityContext : {};
}
function isWindows(pod: PodRef): boolean {
  return isRecord(pod.spec.os) && pod.spec.os.name === 'windows';
}
/** A violation with a fix (none when `fix` is undefined). */
function fixed(v: Violation, fix: Fix | undefined): Violation {
  return fix ? { ...v, fix } : v;
}
function scPath(owner: ContainerRef | PodRef, ...rest: DocPath): DocPath {
  return [...owner.path, 'securityContext', ...rest];
}
const RUNTIME_DEFAULT = { type: 'RuntimeDefault' };

export const privileged = defineK8sRule({
  id: 'BLW-K8S-001',
  title: 'Container runs privileged',
  severity: 'high',
  description: 'A privileged container has every capability and access to all host devices; it can take over the node.',
  remediation: 'Remove securityContext.privileged or set it to false.',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:privileged', 'KSV017', 'AVD-KSV-0017', 'KSV-0017', 'no-privileged-containers', 'CKV_K8S_16', 'privileged-container'],
  frameworks: [cis('5.2.2'), nsa, { framework: 'cis-docker-1.6', control: '5.4' }],
  on: 'container',
  check: (c) => (sc(c.container).privileged === true ? [fixed(atContainer(c, 'securityContext.privileged', 'runs privileged'), setFix(scPath(c, 'privileged'), false))] : []),
});

function hostNamespace(id: string, field: 'hostNetwork' | 'hostPID' | 'hostIPC', aliases: string[], control: string): ReturnType<typeof defineK8sRule> {
  return defineK8sRule({
    id,
    title: `Pod shares the host ${field.slice(4)} namespace`,
    severity: 'high',
    description: `spec.${field}: true gives the pod the node's ${field.slice(4)} namespace, breaking isolation from the host.`,
    remediation: `Remove spec.${field} or set it to false.`,
    references: [REF],
    aliases: [...BASELINE, 'pss-baseline:host-namespaces', ...aliases],
    frameworks: [cis(control), nsa],
    on: 'pod',
    check: (pod) => (pod.spec[field] === true ? [fixed(atPod(pod, field, `${field} is true`), setFix([...pod.path, field], false))] : []),
  });
}

export const hostNetwork = hostNamespace('BLW-K8S-002', 'hostNetwork', ['KSV009', 'AVD-KSV-0009', 'KSV-0009', 'no-host-network', 'CKV_K8S_19', 'host-network'], '5.2.5');
export const hostPid = hostNamespace('BLW-K8S-003', 'hostPID', ['KSV010', 'AVD-KSV-0010', 'KSV-0010', 'no-host-pid', 'CKV_K8S_17', 'host-pid', 'host-pid-privileges', 'C-0275'], '5.2.3');
export const hostIpc = hostNamespace('BLW-K8S-004', 'hostIPC', ['KSV008', 'AVD-KSV-0008', 'KSV-0008', 'no-host-ipc', 'CKV_K8S_18', 'host-ipc', 'host-ipc-privileges', 'C-0276'], '5.2.4');

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

function capsAdded(c: Container): string[] {
  const caps = sc(c).capabilities;
  return isRecord(caps) && Array.isArray(caps.add) ? caps.add.map(String) : [];
}
function capsDropped(c: Container): string[] {
  const caps = sc(c).capabilities;
  return isRecord(caps) && Array.isArray(caps.drop) ? caps.drop.map(String) : [];
}

export const capabilitiesBaseline = defineK8sRule({
  id: 'BLW-K8S-005',
  title: 'Container adds capabilities beyond the default set',
  severity: 'medium',
  description: 'Capabilities outside the container runtime default set (SYS_ADMIN, NET_ADMIN, NET_RAW...) widen what a compromised process can do to the node.',
  remediation: 'Remove the extra entries of securityContext.capabilities.add.',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:capabilities'],
  frameworks: [cis('5.2.9'), nsa],
  on: 'container',
  check: (c) => {
    const extra = capsAdded(c.container).filter((x) => !BASELINE_CAPS.has(x));
    return extra.length > 0 ? [atContainer(c, 'securityContext.capabilities.add', `adds ${extra.join(', ')}`)] : [];
  },
});

export const hostPathVolumes = defineK8sRule({
  id: 'BLW-K8S-006',
  title: 'Pod mounts a hostPath volume',
  severity: 'medium',
  description: 'hostPath volumes expose the node filesystem to the pod; a write can escape to the host.',
  remediation: 'Use another volume type (emptyDir, configMap, PVC) instead of hostPath.',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:hostpath-volumes', 'KSV023', 'AVD-KSV-0023', 'KSV-0023', 'no-mounted-hostpath', 'alert-any-hostpath', 'C-0048'],
  frameworks: [cis('5.2.12'), nsa],
  on: 'pod',
  check: (pod) => volumesOf(pod).filter((v) => isRecord(v.volume.hostPath)).map((v) => atPod(pod, ['volumes', v.index, 'hostPath'], `volume "${String(v.volume.name)}" is a hostPath`)),
});

export function volumesOf(pod: PodRef): { volume: Record<string, unknown>; index: number }[] {
  const vols = pod.spec.volumes;
  if (!Array.isArray(vols)) return [];
  return vols.flatMap((v, index) => (isRecord(v) ? [{ volume: v, index }] : []));
}

export const hostPorts = defineK8sRule({
  id: 'BLW-K8S-007',
  title: 'Container binds a host port',
  severity: 'medium',
  description: 'hostPort binds the node network interface, bypassing network policies and limiting scheduling.',
  remediation: 'Remove hostPort; expose the container through a Service.',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:host-ports', 'KSV024', 'AVD-KSV-0024', 'KSV-0024', 'no-host-port-access', 'CKV_K8S_26'],
  frameworks: [cis('5.2.13'), nsa],
  on: 'container',
  check: (c) => {
    const ports = Array.isArray(c.container.ports) ? c.container.ports : [];
    return ports.flatMap((p, i) => (isRecord(p) && p.hostPort !== undefined && p.hostPort !== null && Number(p.hostPort) !== 0 ? [atContainer(c, ['ports', i, 'hostPort'], `binds host port ${String(p.hostPort)}`)] : []));
  },
});

function apparmorBad(v: unknown): boolean {
  return typeof v === 'string' && v !== 'runtime/default' && !v.startsWith('localhost/');
}

export const appArmor = defineK8sRule({
  id: 'BLW-K8S-008',
  title: 'AppArmor profile disabled or overridden',
  severity: 'medium',
  description: 'An Unconfined AppArmor profile removes a mandatory access control layer between the container and the host.',
  remediation: 'Use the RuntimeDefault (or a Localhost) AppArmor profile.',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:apparmor', 'KSV002', 'AVD-KSV-0002', 'KSV-0002', 'use-default-apparmor-profile'],
  frameworks: [nsa],
  on: 'pod',
  check: (pod, r) => {
    const out: Violation[] = [];
    const ann = isRecord(pod.metadata.annotations) ? pod.metadata.annotations : r.kind === 'Pod' ? r.annotations : {};
    for (const [k, v] of Object.entries(ann)) {
      if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && apparmorBad(v)) out.push({ message: `annotation ${k}=${String(v)}`, path: [...pod.metadataPath, 'annotations', k] });
    }
    const profile = (o: Record<string, unknown>): unknown => (isRecord(o.appArmorProfile) ? o.appArmorProfile.type : undefined);
    if (profile(podSc(pod)) === 'Unconfined') out.push(atPod(pod, 'securityContext.appArmorProfile.type', 'pod AppArmor profile is Unconfined'));
    for (const c of containersOf(pod)) if (profile(sc(c.container)) === 'Unconfined') out.push(atContainer(c, 'securityContext.appArmorProfile.type', 'AppArmor profile is Unconfined'));
    return out;
  },
});

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
function seLinuxBad(o: Record<string, unknown>): string | undefined {
  const s = o.seLinuxOptions;
  if (!isRecord(s)) return undefined;
  if (s.type !== undefined && !SELINUX_TYPES.has(String(s.type))) return `type ${String(s.type)}`;
  if (s.user !== undefined && s.user !== '') return `user ${String(s.user)}`;
  if (s.role !== undefined && s.role !== '') return `role ${String(s.role)}`;
  return undefined;
}

export const seLinux = defineK8sRule({
  id: 'BLW-K8S-009',
  title: 'Custom SELinux user, role or type',
  severity: 'medium',
  description: 'Setting a custom SELinux type, user or role can lift the confinement of the container.',
  remediation: 'Remove seLinuxOptions.type/user/role (only the container_* types are allowed).',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:selinux', 'KSV025', 'AVD-KSV-0025', 'KSV-0025', 'no-custom-selinux-options'],
  frameworks: [nsa],
  on: 'pod',
  check: (pod) => {
    const out: Violation[] = [];
    const p = seLinuxBad(podSc(pod));
    if (p) out.push(atPod(pod, 'securityContext.seLinuxOptions', `pod SELinux ${p}`));
    for (const c of containersOf(pod)) {
      const x = seLinuxBad(sc(c.container));
      if (x) out.push(atContainer(c, 'securityContext.seLinuxOptions', `SELinux ${x}`));
    }
    return out;
  },
});

export const procMount = defineK8sRule({
  id: 'BLW-K8S-010',
  title: 'Container unmasks /proc',
  severity: 'medium',
  description: 'procMount: Unmasked exposes kernel interfaces under /proc that the runtime masks by default.',
  remediation: 'Remove securityContext.procMount or set it to Default.',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:proc-mount', 'KSV027', 'AVD-KSV-0027', 'KSV-0027', 'no-custom-proc-mask', 'unsafe-proc-mount', 'set-procmount-default'],
  frameworks: [nsa],
  on: 'container',
  check: (c, pod) => {
    const p = sc(c.container).procMount;
    // with user namespaces (hostUsers: false) an unmasked /proc is the pod's own (PSS 1.35+)
    if (pod.spec.hostUsers === false) return [];
    return p !== undefined && p !== null && p !== 'Default' ? [fixed(atContainer(c, 'securityContext.procMount', `procMount is ${String(p)}`), setFix(scPath(c, 'procMount'), 'Default'))] : [];
  },
});

function seccompType(o: Record<string, unknown>): unknown {
  return isRecord(o.seccompProfile) ? o.seccompProfile.type : undefined;
}

export const seccompUnconfined = defineK8sRule({
  id: 'BLW-K8S-011',
  title: 'Seccomp profile set to Unconfined',
  severity: 'medium',
  description: 'An Unconfined seccomp profile lets the container call every system call, widening the kernel attack surface.',
  remediation: 'Set seccompProfile.type to RuntimeDefault or Localhost.',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:seccomp'],
  frameworks: [cis('5.7.2'), nsa],
  on: 'pod',
  check: (pod) => {
    const out: Violation[] = [];
    if (seccompType(podSc(pod)) === 'Unconfined') out.push(fixed(atPod(pod, 'securityContext.seccompProfile.type', 'pod seccomp profile is Unconfined'), setFix(scPath(pod, 'seccompProfile', 'type'), 'RuntimeDefault')));
    for (const c of containersOf(pod)) {
      if (seccompType(sc(c.container)) === 'Unconfined') out.push(fixed(atContainer(c, 'securityContext.seccompProfile.type', 'seccomp profile is Unconfined'), setFix(scPath(c, 'seccompProfile', 'type'), 'RuntimeDefault')));
    }
    return out;
  },
});

const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat',
]);

export const sysctls = defineK8sRule({
  id: 'BLW-K8S-012',
  title: 'Pod sets an unsafe sysctl',
  severity: 'medium',
  description: 'Sysctls outside the namespaced safe set affect the whole node or other pods.',
  remediation: 'Remove the sysctl or allow it on the node explicitly (kubelet --allowed-unsafe-sysctls) for a dedicated node pool.',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:sysctls', 'KSV026', 'AVD-KSV-0026', 'KSV-0026', 'no-unsafe-sysctl'],
  frameworks: [nsa],
  on: 'pod',
  check: (pod) => {
    const list = podSc(pod).sysctls;
    if (!Array.isArray(list)) return [];
    return list.flatMap((s, i) => (isRecord(s) && !SAFE_SYSCTLS.has(String(s.name)) ? [atPod(pod, ['securityContext', 'sysctls', i, 'name'], `unsafe sysctl ${String(s.name)}`)] : []));
  },
});

export const windowsHostProcess = defineK8sRule({
  id: 'BLW-K8S-013',
  title: 'Windows HostProcess container',
  severity: 'high',
  description: 'A Windows HostProcess container runs directly on the host with full access.',
  remediation: 'Remove windowsOptions.hostProcess.',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:host-process', 'set-hostprocess-true'],
  frameworks: [nsa],
  on: 'pod',
  check: (pod) => {
    const out: Violation[] = [];
    const hp = (o: Record<string, unknown>): boolean => isRecord(o.windowsOptions) && o.windowsOptions.hostProcess === true;
    if (hp(podSc(pod))) out.push(atPod(pod, 'securityContext.windowsOptions.hostProcess', 'pod is a HostProcess pod'));
    for (const c of containersOf(pod)) if (hp(sc(c.container))) out.push(atContainer(c, 'securityContext.windowsOptions.hostProcess', 'is a HostProcess container'));
    return out;
  },
});

function handlerHosts(c: ContainerRef): Violation[] {
  const out: Violation[] = [];
  const handlers: [unknown, string[]][] = [
    [c.container.livenessProbe, ['livenessProbe']],
    [c.container.readinessProbe, ['readinessProbe']],
    [c.container.startupProbe, ['startupProbe']],
  ];
  const lc = c.container.lifecycle;
  if (isRecord(lc)) handlers.push([lc.postStart, ['lifecycle', 'postStart']], [lc.preStop, ['lifecycle', 'preStop']]);
  for (const [h, p] of handlers) {
    if (!isRecord(h)) continue;
    for (const k of ['httpGet', 'tcpSocket']) {
      const x = h[k];
      if (isRecord(x) && typeof x.host === 'string' && x.host !== '') out.push(atContainer(c, [...p, k, 'host'], `${p.join('.')} targets host ${x.host}`));
    }
  }
  return out;
}

export const probeHost = defineK8sRule({
  id: 'BLW-K8S-014',
  title: 'Probe or lifecycle hook targets another host',
  severity: 'medium',
  description: 'A probe or lifecycle handler with a host field makes the kubelet connect to an arbitrary address (SSRF from the node).',
  remediation: 'Remove the host field of httpGet/tcpSocket probes and lifecycle handlers.',
  references: [REF],
  aliases: [...BASELINE, 'pss-baseline:probe-host'],
  frameworks: [nsa],
  on: 'container',
  check: (c) => handlerHosts(c),
});

const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'image']);

export const volumeTypes = defineK8sRule({
  id: 'BLW-K8S-015',
  title: 'Pod uses a non-core volume type',
  severity: 'low',
  description: 'The restricted level allows only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret (and image) volumes.',
  remediation: 'Mount storage through a PersistentVolumeClaim instead of an inline volume source.',
  references: [REF],
  aliases: [...RESTRICTED, 'pss-restricted:volume-types', 'KSV028', 'AVD-KSV-0028', 'KSV-0028', 'no-non-ephemeral-volumes'],
  frameworks: [nsa],
  on: 'pod',
  check: (pod) =>
    volumesOf(pod).flatMap((v) => {
      const types = Object.keys(v.volume).filter((k) => k !== 'name');
      const bad = types.filter((t) => !RESTRICTED_VOLUMES.has(t));
      return bad.length > 0 ? [atPod(pod, ['volumes', v.index, bad[0]!], `volume "${String(v.volume.name)}" is ${bad.join(', ')}`)] : [];
    }),
});

export const allowPrivilegeEscalation = defineK8sRule({
  id: 'BLW-K8S-016',
  title: 'Container allows privilege escalation',
  severity: 'medium',
  description: 'Without allowPrivilegeEscalation: false a process can gain more privileges than its parent (setuid binaries).',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
  references: [REF],
  aliases: [...RESTRICTED, 'pss-restricted:allow-privilege-escalation', 'KSV001', 'AVD-KSV-0001', 'KSV-0001', 'no-self-privesc', 'CKV_K8S_20', 'privilege-escalation-container', 'rule-allow-privilege-escalation', 'C-0016'],
  frameworks: [cis('5.2.6'), nsa],
  on: 'pod',
  check: (pod) => {
    if (isWindows(pod)) return [];
    return containersOf(pod).flatMap((c) =>
      sc(c.container).allowPrivilegeEscalation !== false
        ? [fixed(atContainer(c, 'securityContext.allowPrivilegeEscalation', 'allowPrivilegeEscalation is not false'), setFix(scPath(c, 'allowPrivilegeEscalation'), false))]
        : [],
    );
  },
});

export const runAsNonRoot = defineK8sRule({
  id: 'BLW-K8S-017',
  title: 'Container may run as root',
  severity: 'medium',
  description: 'Without runAsNonRoot: true (pod or container level) the container may run as UID 0.',
  remediation: 'Set securityContext.runAsNonRoot: true at pod level (and never false on a container).',
  references: [REF],
  aliases: [...RESTRICTED, 'pss-restricted:run-as-non-root', 'KSV012', 'AVD-KSV-0012', 'KSV-0012', 'no-root', 'run-as-non-root'],
  frameworks: [cis('5.2.7'), nsa],
  on: 'pod',
  check: (pod) => {
    const podValue = podSc(pod).runAsNonRoot;
    const out: Violation[] = [];
    if (podValue === false) out.push(fixed(atPod(pod, 'securityContext.runAsNonRoot', 'pod sets runAsNonRoot: false'), setFix(scPath(pod, 'runAsNonRoot'), true)));
    for (const c of containersOf(pod)) {
      const v = sc(c.container).runAsNonRoot;
      const fix = setFix(scPath(c, 'runAsNonRoot'), true);
      if (v === false) out.push(fixed(atContainer(c, 'securityContext.runAsNonRoot', 'sets runAsNonRoot: false'), fix));
      else if (v !== true && podValue !== true) out.push(fixed(atContainer(c, 'securityContext.runAsNonRoot', 'runAsNonRoot is not true (neither on the pod nor the container)'), fix));
    }
    return out;
  },
});

export const runAsUserRoot = defineK8sRule({
  id: 'BLW-K8S-018',
  title: 'Container runs as UID 0',
  severity: 'medium',
  description: 'runAsUser: 0 runs the container as root.',
  remediation: 'Set runAsUser to a non-zero UID.',
  references: [REF],
  aliases: [...RESTRICTED, 'pss-restricted:run-as-user'],
  frameworks: [nsa],
  on: 'pod',
  check: (pod) => {
    const out: Violation[] = [];
    if (podSc(pod).runAsUser === 0) out.push(fixed(atPod(pod, 'securityContext.runAsUser', 'pod runAsUser is 0'), setFix(scPath(pod, 'runAsUser'), FIX_DEFAULTS.uid)));
    for (const c of containersOf(pod)) {
      if (sc(c.container).runAsUser === 0) out.push(fixed(atContainer(c, 'securityContext.runAsUser', 'runAsUser is 0'), setFix(scPath(c, 'runAsUser'), FIX_DEFAULTS.uid)));
    }
    return out;
  },
});

export const seccompRestricted = defineK8sRule({
  id: 'BLW-K8S-019',
  title: 'Seccomp profile not set to RuntimeDefault or Localhost',
  severity: 'low',
  description: 'The restricted level requires a RuntimeDefault or Localhost seccomp profile for every container (pod level or container level).',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault.',
  references: [REF],
  aliases: [...RESTRICTED, 'pss-restricted:seccomp'],
  frameworks: [cis('5.7.2'), nsa],
  on: 'pod',
  check: (pod) => {
    if (isWindows(pod)) return [];
    const good = (t: unknown): boolean => t === 'RuntimeDefault' || t === 'Localhost';
    const podT = seccompType(podSc(pod));
    const out: Violation[] = [];
    if (podT !== undefined && !good(podT)) out.push(fixed(atPod(pod, 'securityContext.seccompProfile.type', `pod seccomp profile is ${String(podT)}`), setFix(scPath(pod, 'seccompProfile', 'type'), 'RuntimeDefault')));
    for (const c of containersOf(pod)) {
      const own = sc(c.container).seccompProfile;
      const t = seccompType(sc(c.container));
      if (t !== undefined ? !good(t) : !good(podT)) {
        // a profile object of the container gets its type corrected; otherwise the container gets RuntimeDefault
        const fix = isRecord(own) ? setFix(scPath(c, 'seccompProfile', 'type'), 'RuntimeDefault') : own === undefined || own === null ? setFix(scPath(c, 'seccompProfile'), RUNTIME_DEFAULT) : undefined;
        out.push(fixed(atContainer(c, 'securityContext.seccompProfile', 'no RuntimeDefault/Localhost seccomp profile'), fix));
      }
    }
    return out;
  },
});

export const capabilitiesRestricted = defineK8sRule({
  id: 'BLW-K8S-020',
  title: 'Container does not drop ALL capabilities',
  severity: 'low',
  description: 'The restricted level requires capabilities.drop: [ALL] and allows adding back only NET_BIND_SERVICE.',
  remediation: 'Set securityContext.capabilities.drop: [ALL]; add back NET_BIND_SERVICE only if needed.',
  references: [REF],
  aliases: [...RESTRICTED, 'pss-restricted:capabilities', 'KSV106', 'AVD-KSV-0106', 'KSV-0106', 'drop-caps-add-bind-svc'],
  frameworks: [cis('5.2.10'), nsa],
  on: 'pod',
  check: (pod) => {
    if (isWindows(pod)) return [];
    return containersOf(pod).flatMap((c) => {
      const out: Violation[] = [];
      if (!capsDropped(c.container).includes('ALL')) {
        const caps = sc(c.container).capabilities;
        const fix = caps === undefined || caps === null || isRecord(caps) ? appendFix(scPath(c, 'capabilities', 'drop'), isRecord(caps) ? caps.drop : undefined, 'ALL') : undefined;
        out.push(fixed(atContainer(c, 'securityContext.capabilities.drop', 'does not drop ALL capabilities'), fix));
      }
      const extra = capsAdded(c.container).filter((x) => x !== 'NET_BIND_SERVICE');
      if (extra.length > 0) out.push(atContainer(c, 'securityContext.capabilities.add', `adds ${extra.join(', ')}`));
      return out;
    });
  },
});
