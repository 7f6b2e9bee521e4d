import type { K8sResource } from '../../../kubernetes/parse.js';
import { ofKindNamedIn } from '../../../kubernetes/indexes.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { containersOf, getIn, isRecord } from '../../../kubernetes/workload.js';
import type { PodRef } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { nsOf } from '../network/selectors.js';

// Which scanned Secrets, ConfigMaps and PersistentVolumeClaims a workload mounts: the data an intruder in the
// workload reads first (kubescape's attack-path building blocks), and where secrets come from.

interface VolumeSource {
  /** Volume field holding the reference ("secret", "configMap", "persistentVolumeClaim"). */
  field: string;
  /** Key of the referenced object's name inside that field. */
  nameKey: string;
  kind: string;
}

const SECRET: VolumeSource = { field: 'secret', nameKey: 'secretName', kind: 'Secret' };
const CONFIGMAP: VolumeSource = { field: 'configMap', nameKey: 'name', kind: 'ConfigMap' };
const PVC: VolumeSource = { field: 'persistentVolumeClaim', nameKey: 'claimName', kind: 'PersistentVolumeClaim' };

function volumes(pod: PodRef): Record<string, unknown>[] {
  return Array.isArray(pod.spec.volumes) ? pod.spec.volumes.filter(isRecord) : [];
}

/** Volumes of the given source naming an object present in the scan, that some container mounts. */
function mountedObjects(pod: PodRef, r: K8sResource, all: readonly K8sResource[], src: VolumeSource): Violation[] {
  const out: Violation[] = [];
  volumes(pod).forEach((v, i) => {
    const ref = isRecord(v[src.field]) ? (v[src.field] as Record<string, unknown>)[src.nameKey] : undefined;
    if (typeof ref !== 'string') return;
    const target = ofKindNamedIn(all, src.kind, nsOf(r), ref)[0];
    if (!target) return;
    const users = containersOf(pod).filter((c) => Array.isArray(c.container.volumeMounts)
      && c.container.volumeMounts.some((m) => isRecord(m) && m.name === v.name));
    if (users.length === 0) return;
    out.push({ message: `${r.kind} ${r.name} mounts ${src.kind} ${ref} (volume ${String(v.name)}) in ${users.map((c) => c.container.name ?? c.index).join(', ')}`, path: [...pod.path, 'volumes', i] });
  });
  return out;
}

function mountRule(id: string, src: VolumeSource, aliases: string[], what: string): K8sRule {
  return defineK8sRule({
    id,
    title: `Workload mounts a ${src.kind}`,
    severity: 'low',
    description: `A workload that mounts a ${src.kind} exposes ${what} to anyone who gets code execution in it; kubescape lists these as attack-path steps.`,
    remediation: `Mount only the ${src.kind}s the workload needs, read-only, in the containers that use them${src.kind === 'Secret' ? '; prefer short-lived credentials from an external store' : ''}.`,
    references: ['https://kubernetes.io/docs/concepts/storage/volumes/'],
    aliases,
    tags: ['references', 'data-access'],
    on: 'pod',
    check: (pod, r, all) => mountedObjects(pod, r, all, src),
  });
}

export const mountsSecret = mountRule('BLW-K8S-580', SECRET, ['C-0255', 'workload-mounted-secrets'], 'its keys and tokens');
export const mountsConfigMap = mountRule('BLW-K8S-581', CONFIGMAP, ['C-0258', 'workload-mounted-configmap'], 'its configuration (often with endpoints and credentials)');
export const mountsPvc = mountRule('BLW-K8S-582', PVC, ['C-0257', 'workload-mounted-pvc'], 'the data on the volume');

const SECRETISH = /secret|credential|passw|token|\.aws|\.ssh|vault/i;

/** Where a workload takes secrets from without an external store: Secret volumes and env refs, and secret-looking mounts. */
function secretSources(pod: PodRef): string[] {
  const out: string[] = [];
  for (const v of volumes(pod)) {
    const name = String(v.name ?? '');
    if (isRecord(v.secret)) out.push(`Secret volume ${name}`);
    if (isRecord(v.projected) && Array.isArray(v.projected.sources) && v.projected.sources.some((s) => isRecord(s) && isRecord(s.secret))) out.push(`projected Secret volume ${name}`);
    const hostPath = getIn(v, ['hostPath', 'path']);
    if (typeof hostPath === 'string' && SECRETISH.test(hostPath)) out.push(`hostPath ${hostPath}`);
    if (!isRecord(v.csi) && SECRETISH.test(name)) out.push(`volume ${name}`);
  }
  for (const c of containersOf(pod)) {
    const env = Array.isArray(c.container.env) ? c.container.env : [];
    for (const e of env) if (isRecord(e) && getIn(e, ['valueFrom', 'secretKeyRef'])) out.push(`env ${String(e.name)} from a Secret`);
    const envFrom = Array.isArray(c.container.envFrom) ? c.container.envFrom : [];
    for (const e of envFrom) if (isRecord(e) && isRecord(e.secretRef)) out.push(`envFrom Secret ${String(e.secretRef.name)}`);
    const mounts = Array.isArray(c.container.volumeMounts) ? c.container.volumeMounts : [];
    for (const m of mounts) if (isRecord(m) && typeof m.mountPath === 'string' && SECRETISH.test(m.mountPath) && !volumes(pod).some((v) => v.name === m.name && isRecord(v.csi))) out.push(`mount ${m.mountPath}`);
  }
  return [...new Set(out)];
}

const usesSecretStore = (pod: PodRef): boolean => volumes(pod).some((v) => typeof getIn(v, ['csi', 'volumeAttributes', 'secretProviderClass']) === 'string');

export const externalSecretStore = defineK8sRule({
  id: 'BLW-K8S-583',
  title: 'Workload takes secrets from Kubernetes Secrets or files instead of an external secret store',
  severity: 'low',
  description: 'Kubernetes Secrets are only base64 in etcd and readable by anyone with get on secrets; an external store mounted through the Secrets Store CSI driver (Vault, AWS/Azure/GCP secret managers) keeps them encrypted, audited and rotatable.',
  remediation: 'Mount secrets through the Secrets Store CSI driver (a csi volume with volumeAttributes.secretProviderClass) instead of Secret volumes, secretKeyRef env or credential files.',
  references: ['https://secrets-store-csi-driver.sigs.k8s.io/', 'https://www.cisecurity.org/benchmark/kubernetes'],
  aliases: ['C-0234', 'ensure-external-secrets-storage-is-in-use'],
  tags: ['references', 'secrets'],
  on: 'pod',
  check: (pod, r) => {
    if (usesSecretStore(pod)) return [];
    const src = secretSources(pod);
    return src.length > 0 ? [{ message: `${r.kind} ${r.name} takes secrets from ${src.join(', ')} without an external secret store`, path: [...pod.path, 'volumes'] }] : [];
  },
});

export const mountRules: readonly K8sRule[] = [mountsSecret, mountsConfigMap, mountsPvc, externalSecretStore];
