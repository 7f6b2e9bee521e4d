import type { Severity } from '@bulwark/core';
import { derived } from '../../../kubernetes/derived.js';
import { ofKind, ofKindIn, ofKindNamed, ofKindNamedIn, selectorsIn } from '../../../kubernetes/indexes.js';
import type { Anchors } from '../../../kubernetes/indexes.js';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { containersOf, getIn, isRecord } from '../../../kubernetes/workload.js';
import type { ContainerRef, PodRef } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { cmp, fmt, imageTagVersion, inRanges, versionIn } from './versions.js';
import type { Range, Version } from './versions.js';

// Known vulnerabilities that configuration reveals: component versions in images and Node status, and the settings
// that make them exploitable.
const NVD = (id: string): string => `https://nvd.nist.gov/vuln/detail/${id}`;

const nodes = (all: readonly K8sResource[]): K8sResource[] => ofKind(all, 'Node').filter((r) => r.apiVersion === 'v1');
const nodeInfo = (n: K8sResource, key: string): string | undefined => {
  const v = getIn(n.object, ['status', 'nodeInfo', key]);
  return typeof v === 'string' ? v : undefined;
};

// ---- image version CVEs --------------------------------------------------------------------------------------------

interface ImageCve {
  id: string;
  cve: string;
  title: string;
  severity: Severity;
  aliases: string[];
  description: string;
  remediation: string;
  /** The image is the affected product. */
  image: RegExp;
  vulnerable: readonly Range[];
}

const v = (a: number, b: number, c = 0): Version => [a, b, c];

const IMAGE_CVES: readonly ImageCve[] = [
  {
    id: 'BLW-K8S-905', cve: 'CVE-2022-24348', title: 'Argo CD image vulnerable to path traversal (CVE-2022-24348)', severity: 'high',
    aliases: ['C-0081', 'CVE-2022-24348'],
    description: 'Argo CD before 2.1.9 and 2.2.4 lets a user who can create applications read files (including other applications’ secrets) from the repo server through crafted Helm value files.',
    remediation: 'Upgrade Argo CD to 2.1.9, 2.2.4 or later.',
    image: /argocd:v?\d/, vulnerable: [{ to: v(2, 1, 9) }, { from: v(2, 2, 0), to: v(2, 2, 4) }],
  },
  {
    id: 'BLW-K8S-907', cve: 'CVE-2022-39328', title: 'Grafana image vulnerable to authentication bypass (CVE-2022-39328)', severity: 'critical',
    aliases: ['C-0090', 'CVE-2022-39328'],
    description: 'Grafana 9.2.0–9.2.3 has a race condition in its HTTP middleware that lets unauthenticated requests reach authenticated endpoints.',
    remediation: 'Upgrade Grafana to 9.2.4 or later.',
    image: /(^|\/)grafana(-oss|-enterprise)?:/, vulnerable: [{ from: v(9, 2, 0), to: v(9, 2, 4) }],
  },
  {
    id: 'BLW-K8S-908', cve: 'CVE-2022-47633', title: 'Kyverno image vulnerable to signature verification bypass (CVE-2022-47633)', severity: 'high',
    aliases: ['C-0091', 'CVE-2022-47633'],
    description: 'Kyverno 1.8.3 and 1.8.4 can be made to admit an unsigned image by a registry that serves different manifests on subsequent requests.',
    remediation: 'Upgrade Kyverno to 1.8.5 or later.',
    image: /kyverno:v?\d/, vulnerable: [{ from: v(1, 8, 3), to: v(1, 8, 5) }],
  },
  {
    id: 'BLW-K8S-909', cve: 'CVE-2025-1974', title: 'ingress-nginx controller vulnerable to IngressNightmare (CVE-2025-1974)', severity: 'critical',
    aliases: ['CVE-2025-1974'],
    description: 'The admission webhook of ingress-nginx before 1.11.5 and 1.12.1 lets anything on the pod network inject NGINX configuration and run code in the controller, which reads every Secret in the cluster.',
    remediation: 'Upgrade ingress-nginx to 1.11.5, 1.12.1 or later; until then disable the validating admission webhook.',
    image: /ingress-nginx\/controller|nginx-ingress-controller|ingress-controller.*nginx|nginx.*ingress-controller/, vulnerable: [{ to: v(1, 11, 5) }, { from: v(1, 12, 0), to: v(1, 12, 1) }],
  },
  {
    id: 'BLW-K8S-910', cve: 'CVE-2025-14847', title: 'MongoDB image vulnerable to zlib memory disclosure (CVE-2025-14847)', severity: 'high',
    aliases: ['CVE-2025-14847'],
    description: 'MongoDB servers with zlib network compression (3.6 through 8.2.2) return uninitialized heap memory to unauthenticated clients ("MongoBleed").',
    remediation: 'Upgrade MongoDB to 4.4.30, 5.0.32, 6.0.27, 7.0.28, 8.0.17, 8.2.3 or later, or disable zlib compression.',
    image: /(^|\/)mongo[:@]|bitnami(legacy)?\/mongodb[:@]/,
    vulnerable: [{ from: v(3, 6), to: v(4, 4, 30) }, { from: v(5, 0), to: v(5, 0, 32) }, { from: v(6, 0), to: v(6, 0, 27) }, { from: v(7, 0), to: v(7, 0, 28) }, { from: v(8, 0), to: v(8, 0, 17) }, { from: v(8, 2), to: v(8, 2, 3) }],
  },
];

function imageCveRule(spec: ImageCve): K8sRule {
  return defineK8sRule({
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    description: spec.description,
    remediation: spec.remediation,
    references: [NVD(spec.cve)],
    aliases: spec.aliases,
    tags: ['cve'],
    on: 'container',
    containerKinds: ['containers', 'initContainers'],
    check: (c) => {
      const image = typeof c.container.image === 'string' ? c.container.image : '';
      if (!spec.image.test(image)) return [];
      const ver = imageTagVersion(image);
      return ver && inRanges(ver, spec.vulnerable) ? [{ message: `image ${image} (${fmt(ver)}) is affected by ${spec.cve}`, path: [...c.path, 'image'] }] : [];
    },
  });
}

// ---- ingress-nginx -------------------------------------------------------------------------------------------------

const isIngressNginx = (image: string): boolean => /ingress-nginx|nginx-ingress-controller|nginx-controller/.test(image);

export const ingressNginxSnippets = defineK8sRule({
  id: 'BLW-K8S-901',
  title: 'ingress-nginx controller allows snippet annotations (CVE-2021-25742)',
  severity: 'high',
  description: 'ingress-nginx before 0.49.1/1.0.1, or any version whose controller ConfigMap leaves allow-snippet-annotations on (the default before 1.9), lets whoever can create an Ingress inject NGINX configuration and read the controller’s service account token, which can read every Secret.',
  remediation: 'Upgrade ingress-nginx (1.9+) and set allow-snippet-annotations: "false" in the controller ConfigMap.',
  references: [NVD('CVE-2021-25742'), 'https://github.com/kubernetes/ingress-nginx/issues/7837'],
  aliases: ['C-0059', 'CVE-2021-25742'],
  tags: ['cve', 'ingress'],
  on: 'pod',
  check: (pod, r, all) => {
    const out: Violation[] = [];
    const ns = r.namespace ?? 'default';
    // the allow-snippet-annotations values of the namespace's ConfigMaps, read once per namespace
    const byNs = derived(all, 'cves/snippet-settings', () => new Map<string, { on: boolean; off: boolean }>());
    let settings = byNs.get(ns);
    if (!settings) {
      const values = ofKindIn(all, 'ConfigMap', ns).map((x) => getIn(x.object, ['data', 'allow-snippet-annotations'])).filter((x) => x !== undefined).map(String);
      byNs.set(ns, (settings = { on: values.includes('true'), off: values.includes('false') }));
    }
    for (const c of containersOf(pod, ['containers'])) {
      const image = typeof c.container.image === 'string' ? c.container.image : '';
      if (!isIngressNginx(image)) continue;
      const ver = imageTagVersion(image);
      const at = [...c.path, 'image'];
      if (ver && (cmp(ver, v(0, 49, 1)) < 0 || cmp(ver, v(1, 0, 0)) === 0)) out.push({ message: `ingress-nginx ${fmt(ver)} predates the CVE-2021-25742 fix`, path: at });
      // snippets default to allowed before 1.9 (and when the version is unknown)
      else if (settings.on || (!settings.off && (ver === undefined || cmp(ver, v(1, 9, 0)) < 0))) {
        out.push({ message: `no ConfigMap in namespace ${ns} sets allow-snippet-annotations: "false" for ${image}`, path: at });
      }
    }
    return out;
  },
});

const NGINX_EOL = /(^|\/)ingress-nginx\/controller|k8s\.gcr\.io\/ingress-nginx|registry\.k8s\.io\/ingress-nginx/;

export const ingressNginxEol = defineK8sRule({
  id: 'BLW-K8S-911',
  title: 'Community ingress-nginx controller is end of life',
  severity: 'medium',
  description: 'The community ingress-nginx project stopped receiving fixes in March 2026; new vulnerabilities in it will not be patched.',
  remediation: 'Migrate to a maintained controller (Gateway API implementation, NGINX Gateway Fabric, another Ingress controller).',
  references: ['https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/'],
  aliases: ['C-0292', 'detect-nginx-ingress-controller-eol'],
  tags: ['cve', 'ingress'],
  on: 'container',
  containerKinds: ['containers'],
  check: (c) => (typeof c.container.image === 'string' && NGINX_EOL.test(c.container.image) ? [{ message: `${c.container.image} is the retired community ingress-nginx controller`, path: [...c.path, 'image'] }] : []),
});

// ---- node versions -------------------------------------------------------------------------------------------------

/** kubelet versions with CVE-2021-25741 (fixed in 1.19.15, 1.20.11, 1.21.5, 1.22.2). */
const SUBPATH_VULNERABLE: readonly Range[] = [{ to: v(1, 19, 15) }, { from: v(1, 20, 0), to: v(1, 20, 11) }, { from: v(1, 21, 0), to: v(1, 21, 5) }, { from: v(1, 22, 0), to: v(1, 22, 2) }];

const usesSubPath = (c: ContainerRef): boolean => Array.isArray(c.container.volumeMounts)
  && c.container.volumeMounts.some((m) => isRecord(m) && (m.subPath !== undefined || m.subPathExpr !== undefined));

export const subPathSymlink = defineK8sRule({
  id: 'BLW-K8S-900',
  title: 'subPath mount on a kubelet vulnerable to CVE-2021-25741',
  severity: 'high',
  description: 'On kubelets before 1.19.15/1.20.11/1.21.5/1.22.2 a container can point a subPath volume mount at a symlink and reach any file on the node.',
  remediation: 'Upgrade the nodes; until then avoid subPath/subPathExpr mounts or forbid them with admission policy.',
  references: [NVD('CVE-2021-25741'), 'https://github.com/kubernetes/kubernetes/issues/104980'],
  aliases: ['C-0058', 'CVE-2021-25741'],
  tags: ['cve'],
  on: 'pod',
  check: (pod, r, all) => {
    const vulnerable = derived(all, 'cves/subpath-vulnerable-kubelets', (xs) => nodes(xs).map((n) => nodeInfo(n, 'kubeletVersion')).filter((x): x is string => x !== undefined)
      .filter((x) => { const ver = versionIn(x); return ver !== undefined && inRanges(ver, SUBPATH_VULNERABLE); }));
    if (vulnerable.length === 0) return [];
    return containersOf(pod).filter(usesSubPath).map((c): Violation => ({ message: `container ${c.container.name ?? c.index} of ${r.kind} ${r.name} mounts with subPath on kubelet ${vulnerable[0]}`, path: [...c.path, 'volumeMounts'] }));
  },
});

/** Kernels with CVE-2022-0185: 5.1 up to 5.16.2, minus the stable backports. */
const FSCONFIG_VULNERABLE: readonly Range[] = [
  { from: v(5, 1, 0), to: v(5, 4, 173) }, { from: v(5, 5, 0), to: v(5, 10, 93) }, { from: v(5, 11, 0), to: v(5, 15, 16) }, { from: v(5, 16, 0), to: v(5, 16, 2) },
];

function kernelVariable(all: readonly K8sResource[], node: string, key: string): string | undefined {
  const vars = ofKindNamed(all, 'LinuxKernelVariables', node)[0];
  const data = vars ? getIn(vars.object, ['data']) : undefined;
  if (!Array.isArray(data)) return undefined;
  const hit = data.find((d) => isRecord(d) && d.key === key);
  return isRecord(hit) ? String(hit.value).trim() : undefined;
}

export const kernelFsconfig = defineK8sRule({
  id: 'BLW-K8S-903',
  title: 'Node kernel vulnerable to container escape (CVE-2022-0185)',
  severity: 'high',
  description: 'Linux 5.1–5.16.1 has a heap overflow in the filesystem context API that an unprivileged user namespace (as containers can create) turns into a container escape.',
  remediation: 'Patch the node kernel; until then set kernel.unprivileged_userns_clone=0 (or user.max_user_namespaces=0) and keep seccomp RuntimeDefault on.',
  references: [NVD('CVE-2022-0185')],
  aliases: ['C-0079', 'CVE-2022-0185'],
  tags: ['cve', 'node'],
  on: 'resource',
  kinds: ['Node'],
  check: (n, all) => {
    const kernel = nodeInfo(n, 'kernelVersion');
    const ver = kernel ? versionIn(kernel) : undefined;
    if (!ver || (nodeInfo(n, 'operatingSystem') ?? 'linux') !== 'linux' || !inRanges(ver, FSCONFIG_VULNERABLE)) return [];
    // unprivileged user namespaces switched off closes the path (when the node data says so)
    if (kernelVariable(all, n.name, 'unprivileged_userns_clone') === '0') return [];
    return [{ message: `node ${n.name} runs kernel ${kernel}`, path: ['status', 'nodeInfo', 'kernelVersion'] }];
  },
});

/** containerd versions with CVE-2022-23648 (fixed in 1.4.13, 1.5.10, 1.6.1). */
const CONTAINERD_VULNERABLE: readonly Range[] = [{ to: v(1, 4, 13) }, { from: v(1, 5, 0), to: v(1, 5, 10) }, { from: v(1, 6, 0), to: v(1, 6, 1) }];

export const containerdVolumes = defineK8sRule({
  id: 'BLW-K8S-904',
  title: 'Node containerd vulnerable to host file disclosure (CVE-2022-23648)',
  severity: 'high',
  description: 'containerd before 1.4.13/1.5.10/1.6.1 copies files from the host into a container whose image declares a crafted volume path, exposing node files and secrets.',
  remediation: 'Upgrade containerd on the nodes.',
  references: [NVD('CVE-2022-23648')],
  aliases: ['C-0087', 'CVE-2022-23648'],
  tags: ['cve', 'node'],
  on: 'resource',
  kinds: ['Node'],
  check: (n) => {
    const rt = nodeInfo(n, 'containerRuntimeVersion');
    if (!rt?.startsWith('containerd://')) return [];
    const ver = versionIn(rt.slice('containerd://'.length));
    return ver && inRanges(ver, CONTAINERD_VULNERABLE) ? [{ message: `node ${n.name} runs ${rt}`, path: ['status', 'nodeInfo', 'containerRuntimeVersion'] }] : [];
  },
});

/** Oldest Kubernetes minor still maintained upstream when this table was last updated (regolibrary ce7ef32: 1.32–1.34). */
export const OLDEST_SUPPORTED_MINOR = 32;

export const outdatedKubelet = defineK8sRule({
  id: 'BLW-K8S-912',
  title: 'Node runs a Kubernetes version that no longer gets fixes',
  severity: 'medium',
  description: 'Kubernetes maintains the three newest minor releases; older kubelets receive no security fixes.',
  remediation: `Upgrade the cluster to 1.${OLDEST_SUPPORTED_MINOR} or newer.`,
  references: ['https://kubernetes.io/releases/'],
  aliases: ['C-0273', 'outdated-k8s-version'],
  tags: ['cve', 'node'],
  on: 'resource',
  kinds: ['Node'],
  check: (n) => {
    const kubelet = nodeInfo(n, 'kubeletVersion');
    const ver = kubelet ? versionIn(kubelet) : undefined;
    return ver && ver[0] === 1 && ver[1] < OLDEST_SUPPORTED_MINOR ? [{ message: `node ${n.name} runs kubelet ${kubelet}`, path: ['status', 'nodeInfo', 'kubeletVersion'] }] : [];
  },
});

// ---- API server ----------------------------------------------------------------------------------------------------

/** API server versions with CVE-2022-3172 (fixed in 1.22.14, 1.23.11, 1.24.5, 1.25.1). */
const AGGREGATION_VULNERABLE: readonly Range[] = [{ to: v(1, 22, 14) }, { from: v(1, 23, 0), to: v(1, 23, 11) }, { from: v(1, 24, 0), to: v(1, 24, 5) }, { from: v(1, 25, 0), to: v(1, 25, 1) }];

export const aggregatedApiRedirect = defineK8sRule({
  id: 'BLW-K8S-906',
  title: 'Aggregated API server can redirect clients (CVE-2022-3172)',
  severity: 'medium',
  description: 'An aggregated API server (APIService backed by a Service) on kube-apiserver before 1.22.14/1.23.11/1.24.5/1.25.1 can answer with redirects the API server passes on, sending clients and their credentials to any URL.',
  remediation: 'Upgrade the control plane; review who controls the Services behind APIServices.',
  references: [NVD('CVE-2022-3172')],
  aliases: ['C-0089', 'CVE-2022-3172'],
  tags: ['cve'],
  on: 'resource',
  kinds: ['APIService'],
  check: (api, all) => {
    if (!api.apiVersion.startsWith('apiregistration.k8s.io/')) return [];
    const svc = getIn(api.object, ['spec', 'service']);
    if (!isRecord(svc) || typeof svc.name !== 'string') return [];
    const backing = svc.namespace === undefined ? ofKindNamed(all, 'Service', svc.name) : ofKindNamedIn(all, 'Service', svc.namespace, svc.name);
    if (backing.length === 0) return [];
    // the server version, when known (kubescape's APIServerInfo object); unknown counts as affected
    const info = ofKindNamed(all, 'APIServerInfo', 'version')[0];
    const git = info ? getIn(info.object, ['data', 'gitVersion']) : undefined;
    const ver = typeof git === 'string' ? versionIn(git) : undefined;
    if (ver && !inRanges(ver, AGGREGATION_VULNERABLE)) return [];
    return [{ message: `APIService ${api.name} is served by Service ${String(svc.namespace ?? '')}/${svc.name}${ver ? ` on kube-apiserver ${fmt(ver)}` : ''}`, path: ['spec', 'service'] }];
  },
});

// ---- cgroups release_agent ---------------------------------------------------------------------------------------

function hasMac(pod: PodRef, c: ContainerRef): boolean {
  const psc = isRecord(pod.spec.securityContext) ? pod.spec.securityContext : {};
  const csc = isRecord(c.container.securityContext) ? c.container.securityContext : {};
  const annotations = isRecord(pod.metadata.annotations) ? Object.keys(pod.metadata.annotations) : [];
  return psc.seLinuxOptions !== undefined || csc.seLinuxOptions !== undefined || psc.appArmorProfile !== undefined || csc.appArmorProfile !== undefined
    || annotations.some((a) => a.startsWith('container.apparmor.security.beta.kubernetes.io'));
}

export const cgroupsEscape = defineK8sRule({
  id: 'BLW-K8S-913',
  title: 'Container can escape through cgroups release_agent (CVE-2022-0492)',
  severity: 'medium',
  description: 'On kernels without the CVE-2022-0492 fix, a root (or privilege-escalating) container without seccomp, AppArmor or SELinux — or with CAP_DAC_OVERRIDE and no AppArmor/SELinux — can write a cgroup release_agent and run code on the node.',
  remediation: 'Run as non-root with allowPrivilegeEscalation: false and seccomp RuntimeDefault (or an AppArmor/SELinux profile); do not add DAC_OVERRIDE; patch node kernels.',
  references: [NVD('CVE-2022-0492')],
  aliases: ['C-0086', 'CVE-2022-0492'],
  tags: ['cve'],
  on: 'container',
  containerKinds: ['containers'],
  check: (c, pod) => {
    const csc = isRecord(c.container.securityContext) ? c.container.securityContext : {};
    const psc = isRecord(pod.spec.securityContext) ? pod.spec.securityContext : {};
    const added = Array.isArray(getIn(csc, ['capabilities', 'add'])) ? (getIn(csc, ['capabilities', 'add']) as unknown[]).map(String) : [];
    // a privileged or SYS_ADMIN container has easier ways out; other rules report it
    if (csc.privileged === true || added.includes('SYS_ADMIN') || added.includes('CAP_SYS_ADMIN')) return [];
    if (hasMac(pod, c)) return [];
    if (added.includes('DAC_OVERRIDE') || added.includes('CAP_DAC_OVERRIDE')) return [{ message: `container ${c.container.name ?? c.index} adds DAC_OVERRIDE without AppArmor or SELinux`, path: [...c.path, 'securityContext', 'capabilities', 'add'] }];
    if (csc.seccompProfile !== undefined || psc.seccompProfile !== undefined) return [];
    const nonRoot = (csc.runAsNonRoot ?? psc.runAsNonRoot) === true || Number(csc.runAsUser ?? psc.runAsUser ?? 0) > 0;
    const noEscalation = (csc.allowPrivilegeEscalation ?? psc.allowPrivilegeEscalation) === false;
    return nonRoot && noEscalation ? [] : [{ message: `container ${c.container.name ?? c.index} may run as root or escalate, without seccomp, AppArmor or SELinux`, path: [...c.path, 'securityContext'] }];
  },
});

// ---- vulnerability scan results ----------------------------------------------------------------------------------

/** Findings of an image (kubescape `ImageVulnerabilities`, armo.vuln.images/v1, named after the image). */
function vulnsOf(all: readonly K8sResource[], image: string): Record<string, unknown>[] {
  const doc = ofKindNamed(all, 'ImageVulnerabilities', image)[0];
  const data = doc ? getIn(doc.object, ['data']) : undefined;
  return Array.isArray(data) ? data.filter(isRecord) : [];
}

/**
 * A selector pair that only a label the pod carries itself can meet: `String(labels[k])` of a missing label is
 * "undefined", and of a key like "constructor" the inherited value's text.
 */
function reachableAnchors(s: K8sResource): Anchors {
  const sel = getIn(s.object, ['spec', 'selector']);
  if (!isRecord(sel) || Object.keys(sel).length === 0) return 'never';
  const pair = Object.entries(sel).map(([k, x]) => [k, String(x)] as const).find(([k, x]) => x !== 'undefined' && !(k in Object.prototype));
  return pair ? [pair] : 'always';
}

const externallyReachable = (pod: PodRef, r: K8sResource, all: readonly K8sResource[]): K8sResource[] => {
  const labels = isRecord(pod.metadata.labels) ? pod.metadata.labels : {};
  return selectorsIn(all, 'cves/reachable-selectors', 'Service', r.namespace ?? 'default', reachableAnchors).candidates(labels).filter((s) => {
    if (s.kind !== 'Service' || (s.namespace ?? 'default') !== (r.namespace ?? 'default')) return false;
    const type = String(getIn(s.object, ['spec', 'type']) ?? 'ClusterIP');
    const sel = getIn(s.object, ['spec', 'selector']);
    return type !== 'ClusterIP' && isRecord(sel) && Object.keys(sel).length > 0 && Object.entries(sel).every(([k, x]) => String(labels[k]) === String(x));
  });
};

export const exposedRce = defineK8sRule({
  id: 'BLW-K8S-914',
  title: 'Externally reachable workload runs an image with a remote code execution vulnerability',
  severity: 'critical',
  description: 'A pod reachable through a non-ClusterIP Service runs an image whose scan lists a remote-code-execution vulnerability: the most direct way into the cluster.',
  remediation: 'Patch or rebuild the image, or take the workload off the external Service until it is fixed.',
  references: ['https://hub.armosec.io/docs/c-0084'],
  aliases: ['C-0084', 'exposed-rce-pods'],
  tags: ['cve', 'exposure'],
  on: 'pod',
  check: (pod, r, all) => {
    const services = externallyReachable(pod, r, all);
    if (services.length === 0) return [];
    return containersOf(pod, ['containers']).flatMap((c): Violation[] => {
      const image = typeof c.container.image === 'string' ? c.container.image : '';
      const rce = vulnsOf(all, image).filter((x) => getIn(x, ['categories', 'isRce']) === true);
      return rce.length > 0 ? [{ message: `${image} has ${rce.length} RCE vulnerabilities (${rce.map((x) => String(x.name)).join(', ')}) and is reachable through Service ${services.map((s) => s.name).join(', ')}`, path: [...c.path, 'image'] }] : [];
    });
  },
});

/** Kubescape's default ceilings (`max_critical_vulnerabilities`, `max_high_vulnerabilities`). */
export const MAX_CRITICAL = 5;
export const MAX_HIGH = 10;

export const excessiveVulnerabilities = defineK8sRule({
  id: 'BLW-K8S-915',
  title: 'Workload runs an image with too many critical or high vulnerabilities',
  severity: 'high',
  description: `An image whose scan lists more than ${MAX_CRITICAL} critical or ${MAX_HIGH} high vulnerabilities is overdue for a rebuild; each is a possible way in.`,
  remediation: 'Rebuild the image on a patched base and update its packages; track the image with a vulnerability scanner.',
  references: ['https://hub.armosec.io/docs/c-0085'],
  aliases: ['C-0085', 'excessive_amount_of_vulnerabilities_pods'],
  tags: ['cve'],
  on: 'pod',
  check: (pod, _r, all) => containersOf(pod, ['containers']).flatMap((c): Violation[] => {
    const image = typeof c.container.image === 'string' ? c.container.image : '';
    const vulns = vulnsOf(all, image);
    const critical = vulns.filter((x) => x.severity === 'Critical').length;
    const high = vulns.filter((x) => x.severity === 'High').length;
    return critical > MAX_CRITICAL || high > MAX_HIGH ? [{ message: `${image} has ${critical} critical and ${high} high vulnerabilities`, path: [...c.path, 'image'] }] : [];
  }),
});

export const cveRules: readonly K8sRule[] = [
  subPathSymlink, ingressNginxSnippets, kernelFsconfig, containerdVolumes, aggregatedApiRedirect,
  ...IMAGE_CVES.map(imageCveRule), ingressNginxEol, outdatedKubelet, cgroupsEscape, exposedRce, excessiveVulnerabilities,
];
