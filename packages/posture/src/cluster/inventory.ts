import { POD_SPEC_PATHS, getIn } from '../kubernetes/workload.js';
import { selectorMatches } from '../rbac/match.js';
import { INVENTORY_KINDS, KIND_BY_NAME, WORKLOAD_KINDS } from './kinds.js';
import { summarize } from './summary.js';
import type { Asset, AttributeValue, Inventory, KubeObject, Relation, RelationType } from './types.js';

type Rec = Record<string, unknown>;

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const rec = (v: unknown): Rec => (isRecord(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const key of Object.keys(v).sort()) if (v[key] !== null && v[key] !== undefined) out[key] = String(v[key]);
  return out;
}

/** "Kind/namespace/name", or "Kind/name" for cluster-scoped kinds. */
export function assetId(kind: string, name: string, namespace?: string): string {
  const scoped = KIND_BY_NAME.get(kind)?.namespaced ?? namespace !== undefined;
  return scoped ? `${kind}/${namespace ?? 'default'}/${name}` : `${kind}/${name}`;
}

function selectorText(sel: unknown): string {
  const labels = stringMap(rec(sel).matchLabels ?? (isRecord(sel) && !('matchExpressions' in sel) && !('matchLabels' in sel) ? sel : {}));
  const exprs = arr(rec(sel).matchExpressions).map((e) => {
    const x = rec(e);
    return `${String(x.key)} ${String(x.operator)}${Array.isArray(x.values) ? ` (${x.values.join(',')})` : ''}`;
  });
  return [...Object.entries(labels).map(([k, v]) => `${k}=${v}`), ...exprs].join(',');
}

function podSpecOf(o: KubeObject): Rec | undefined {
  const path = POD_SPEC_PATHS[o.kind];
  if (!path) return undefined;
  const spec = getIn(o, path);
  return isRecord(spec) ? spec : undefined;
}

function imagesOf(spec: Rec): string[] {
  const all = [...arr(spec.initContainers), ...arr(spec.containers)].map((c) => str(rec(c).image)).filter((x): x is string => x !== undefined);
  return [...new Set(all)].sort();
}

function serviceAccountOf(spec: Rec): string {
  return str(spec.serviceAccountName) ?? str(spec.serviceAccount) ?? 'default';
}

/** Secrets a pod spec names: volumes (also projected), env, envFrom, imagePullSecrets. */
function secretsOf(spec: Rec): string[] {
  const names = new Set<string>();
  for (const v of arr(spec.volumes)) {
    const s = str(rec(rec(v).secret).secretName);
    if (s) names.add(s);
    for (const src of arr(rec(rec(v).projected).sources)) {
      const p = str(rec(rec(src).secret).name);
      if (p) names.add(p);
    }
  }
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)]) {
    for (const e of arr(rec(c).env)) {
      const s = str(rec(rec(rec(e).valueFrom).secretKeyRef).name);
      if (s) names.add(s);
    }
    for (const e of arr(rec(c).envFrom)) {
      const s = str(rec(rec(e).secretRef).name);
      if (s) names.add(s);
    }
  }
  for (const s of arr(spec.imagePullSecrets)) {
    const n = str(rec(s).name);
    if (n) names.add(n);
  }
  return [...names].sort();
}

function quantity(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

function compact(a: Record<string, AttributeValue | undefined>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out;
}

/** Kind-specific printable facts; never Secret contents (they were removed at load). */
function attributesOf(o: KubeObject): Record<string, AttributeValue> {
  const spec = rec(o.spec);
  const status = rec(o.status);
  const pod = podSpecOf(o);
  const workload = pod && o.kind !== 'Pod' ? { images: imagesOf(pod), serviceAccount: serviceAccountOf(pod) } : {};
  switch (o.kind) {
    case 'Namespace':
      return compact({ phase: str(status.phase) });
    case 'Node': {
      const labels = stringMap(o.metadata.labels);
      const roles = Object.keys(labels).filter((l) => l.startsWith('node-role.kubernetes.io/')).map((l) => l.slice('node-role.kubernetes.io/'.length)).sort();
      const ready = arr(status.conditions).map(rec).find((c) => c.type === 'Ready');
      const info = rec(status.nodeInfo);
      return compact({
        roles, ready: ready ? ready.status === 'True' : undefined, kubeletVersion: str(info.kubeletVersion), osImage: str(info.osImage),
        containerRuntime: str(info.containerRuntimeVersion), internalIP: str(rec(arr(status.addresses).map(rec).find((a) => a.type === 'InternalIP')).address),
        unschedulable: spec.unschedulable === true ? true : undefined,
      });
    }
    case 'Pod':
      return compact({
        phase: str(status.phase), node: str(spec.nodeName), podIP: str(status.podIP), serviceAccount: serviceAccountOf(spec),
        images: imagesOf(spec), hostNetwork: spec.hostNetwork === true ? true : undefined,
        restarts: arr(status.containerStatuses).reduce<number>((n, c) => n + (num(rec(c).restartCount) ?? 0), 0),
      });
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return compact({ replicas: num(spec.replicas) ?? 1, readyReplicas: num(status.readyReplicas) ?? 0, ...workload });
    case 'DaemonSet':
      return compact({ desired: num(status.desiredNumberScheduled), ready: num(status.numberReady), ...workload });
    case 'Job':
      return compact({ completions: num(spec.completions), succeeded: num(status.succeeded) ?? 0, failed: num(status.failed) ?? 0, ...workload });
    case 'CronJob':
      return compact({ schedule: str(spec.schedule), suspend: spec.suspend === true, ...workload });
    case 'Service':
      return compact({
        type: str(spec.type) ?? 'ClusterIP', clusterIP: str(spec.clusterIP), selector: isRecord(spec.selector) ? selectorText(spec.selector) || undefined : undefined,
        ports: arr(spec.ports).map(rec).map((p) => `${String(p.port)}/${str(p.protocol) ?? 'TCP'}${p.targetPort !== undefined ? `->${String(p.targetPort)}` : ''}`),
        externalIPs: arr(spec.externalIPs).map(String), loadBalancer: arr(rec(status.loadBalancer).ingress).map((i) => str(rec(i).ip) ?? str(rec(i).hostname) ?? '').filter(Boolean),
      });
    case 'Endpoints':
      return compact({
        addresses: arr(o.subsets).reduce<number>((n, s) => n + arr(rec(s).addresses).length, 0),
        notReady: arr(o.subsets).reduce<number>((n, s) => n + arr(rec(s).notReadyAddresses).length, 0),
      });
    case 'EndpointSlice':
      return compact({ addressType: str(o.addressType), endpoints: arr(o.endpoints).length, service: str(stringMap(o.metadata.labels)['kubernetes.io/service-name']) });
    case 'Ingress': {
      const hosts = [...new Set(arr(spec.rules).map((r) => str(rec(r).host)).filter((h): h is string => h !== undefined))].sort();
      const cls = str(spec.ingressClassName) ?? str(stringMap(o.metadata.annotations)['kubernetes.io/ingress.class']);
      return compact({ class: cls, hosts, tls: arr(spec.tls).length > 0 });
    }
    case 'NetworkPolicy':
      return compact({ podSelector: selectorText(spec.podSelector) || '(all pods)', policyTypes: arr(spec.policyTypes).map(String) });
    case 'PersistentVolume': {
      const source = ['csi', 'hostPath', 'nfs', 'local', 'awsElasticBlockStore', 'gcePersistentDisk', 'azureDisk', 'azureFile', 'iscsi', 'cephfs', 'rbd', 'fc'].find((k) => isRecord(spec[k]));
      return compact({
        capacity: quantity(rec(spec.capacity).storage), storageClass: str(spec.storageClassName), phase: str(status.phase), reclaimPolicy: str(spec.persistentVolumeReclaimPolicy),
        source: source === 'csi' ? `csi:${String(rec(spec.csi).driver)}` : source,
      });
    }
    case 'PersistentVolumeClaim':
      return compact({
        storageClass: str(spec.storageClassName), phase: str(status.phase), volume: str(spec.volumeName),
        capacity: quantity(rec(status.capacity).storage) ?? quantity(rec(rec(spec.resources).requests).storage),
      });
    case 'ServiceAccount':
      return compact({ automountServiceAccountToken: typeof o.automountServiceAccountToken === 'boolean' ? o.automountServiceAccountToken : undefined });
    case 'Secret':
      return compact({ type: str(o.type) ?? 'Opaque' });
    case 'Role':
    case 'ClusterRole':
      return compact({ rules: arr(o.rules).length, aggregated: isRecord(o.aggregationRule) ? true : undefined });
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const ref = rec(o.roleRef);
      const subjects = arr(o.subjects).map(rec).map((s) => (s.kind === 'ServiceAccount' ? `ServiceAccount:${str(s.namespace) ?? o.metadata.namespace ?? 'default'}/${String(s.name)}` : `${String(s.kind)}:${String(s.name)}`));
      return compact({ roleRef: `${String(ref.kind)}/${String(ref.name)}`, subjects });
    }
    default:
      return {};
  }
}

/**
 * Builds the inventory graph of a cluster from its objects (`loadSnapshot`, `fetchCluster`, or parsed manifests):
 * one asset per object of an inventory kind (id "Kind/namespace/name"), and the relations between them — workload →
 * pods through ReplicaSets and Jobs (ownerReferences, by uid when both sides have one), pod → node, Service → pods
 * (selector), Ingress → Service, pod → PVC → PV, pod → ServiceAccount, pod → Secrets, Endpoints/EndpointSlices →
 * Service and pods, NetworkPolicy → pods, bindings → roles and service accounts. A relation to an object that is not
 * in the input goes to `unresolved`. Pure and deterministic: assets in kind order then id, relations sorted.
 */
export function buildInventory(objects: readonly KubeObject[]): Inventory {
  const byId = new Map<string, { asset: Asset; obj: KubeObject }>();
  const byUid = new Map<string, string>();
  const other = new Map<string, number>();
  let duplicates = 0;
  for (const o of objects) {
    if (!KIND_BY_NAME.has(o.kind)) {
      other.set(o.kind, (other.get(o.kind) ?? 0) + 1);
      continue;
    }
    const name = str(o.metadata.name);
    if (!name) continue;
    const namespace = KIND_BY_NAME.get(o.kind)!.namespaced ? (str(o.metadata.namespace) ?? 'default') : undefined;
    const id = assetId(o.kind, name, namespace);
    if (byId.has(id)) {
      duplicates++;
      continue;
    }
    const uid = str(o.metadata.uid);
    const asset: Asset = { id, kind: o.kind, name, ...(namespace !== undefined ? { namespace } : {}), ...(uid ? { uid } : {}), labels: stringMap(o.metadata.labels), attributes: attributesOf(o) };
    byId.set(id, { asset, obj: o });
    if (uid) byUid.set(uid, id);
  }

  const relations = new Map<string, Relation>();
  const unresolved = new Map<string, Relation>();
  const relate = (from: string, to: string, type: RelationType): void => {
    const r = { from, to, type };
    const key = `${type} ${from} ${to}`;
    (byId.has(to) && byId.has(from) ? relations : unresolved).set(key, r);
  };

  const pods = [...byId.values()].filter((x) => x.obj.kind === 'Pod');
  const podsIn = new Map<string, typeof pods>();
  for (const p of pods) podsIn.set(p.asset.namespace!, [...(podsIn.get(p.asset.namespace!) ?? []), p]);

  // ownerReferences: direct `owns`, and `runs` from every workload above a pod
  const ownersOf = new Map<string, string[]>();
  for (const { asset, obj } of byId.values()) {
    for (const ref of arr(obj.metadata.ownerReferences).map(rec)) {
      const uid = str(ref.uid);
      const kind = str(ref.kind);
      const name = str(ref.name);
      const owner = (uid && byUid.get(uid)) || (kind && name ? assetId(kind, name, KIND_BY_NAME.get(kind)?.namespaced === false ? undefined : asset.namespace) : undefined);
      if (!owner) continue;
      relate(owner, asset.id, 'owns');
      ownersOf.set(asset.id, [...(ownersOf.get(asset.id) ?? []), owner]);
    }
  }
  for (const p of pods) {
    const seen = new Set<string>();
    const queue = [...(ownersOf.get(p.asset.id) ?? [])];
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const kind = id.slice(0, id.indexOf('/'));
      if (WORKLOAD_KINDS.has(kind) && byId.has(id)) relate(id, p.asset.id, 'runs');
      queue.push(...(ownersOf.get(id) ?? []));
    }
  }

  for (const { asset, obj } of byId.values()) {
    const ns = asset.namespace;
    const spec = rec(obj.spec);
    const pod = podSpecOf(obj);
    if (pod) {
      relate(asset.id, assetId('ServiceAccount', serviceAccountOf(pod), ns), 'runs-as');
      for (const s of secretsOf(pod)) relate(asset.id, assetId('Secret', s, ns), 'uses-secret');
    }
    switch (obj.kind) {
      case 'Pod': {
        const node = str(spec.nodeName);
        if (node) relate(asset.id, assetId('Node', node), 'scheduled-on');
        for (const v of arr(spec.volumes)) {
          const claim = str(rec(rec(v).persistentVolumeClaim).claimName);
          if (claim) relate(asset.id, assetId('PersistentVolumeClaim', claim, ns), 'claims');
        }
        break;
      }
      case 'Service':
        // a Service without selector has its endpoints managed by hand: it selects nothing
        if (isRecord(spec.selector) && Object.keys(spec.selector).length > 0) {
          for (const p of podsIn.get(ns!) ?? []) if (selectorMatches({ matchLabels: spec.selector }, p.asset.labels)) relate(asset.id, p.asset.id, 'selects');
        }
        break;
      case 'NetworkPolicy':
        if (isRecord(spec.podSelector)) for (const p of podsIn.get(ns!) ?? []) if (selectorMatches(spec.podSelector, p.asset.labels)) relate(asset.id, p.asset.id, 'applies-to');
        break;
      case 'Ingress': {
        const backends = [rec(spec.defaultBackend), rec(spec.backend), ...arr(spec.rules).flatMap((r) => arr(rec(rec(r).http).paths).map((p) => rec(rec(p).backend)))];
        for (const b of backends) {
          const svc = str(rec(b.service).name) ?? str(b.serviceName);
          if (svc) relate(asset.id, assetId('Service', svc, ns), 'routes-to');
        }
        for (const t of arr(spec.tls)) {
          const s = str(rec(t).secretName);
          if (s) relate(asset.id, assetId('Secret', s, ns), 'uses-secret');
        }
        break;
      }
      case 'Endpoints':
        relate(asset.id, assetId('Service', asset.name, ns), 'endpoints-of');
        for (const s of arr(obj.subsets)) {
          for (const a of [...arr(rec(s).addresses), ...arr(rec(s).notReadyAddresses)]) {
            const t = rec(rec(a).targetRef);
            if (t.kind === 'Pod' && str(t.name)) relate(asset.id, assetId('Pod', str(t.name)!, str(t.namespace) ?? ns), 'targets');
          }
        }
        break;
      case 'EndpointSlice': {
        const svc = asset.labels['kubernetes.io/service-name'];
        if (svc) relate(asset.id, assetId('Service', svc, ns), 'endpoints-of');
        for (const e of arr(obj.endpoints)) {
          const t = rec(rec(e).targetRef);
          if (t.kind === 'Pod' && str(t.name)) relate(asset.id, assetId('Pod', str(t.name)!, str(t.namespace) ?? ns), 'targets');
        }
        break;
      }
      case 'PersistentVolumeClaim': {
        const vol = str(spec.volumeName);
        if (vol) relate(asset.id, assetId('PersistentVolume', vol), 'bound-to');
        break;
      }
      case 'PersistentVolume': {
        const ref = rec(spec.claimRef);
        if (str(ref.name) && byId.has(assetId('PersistentVolumeClaim', str(ref.name)!, str(ref.namespace)))) {
          relate(assetId('PersistentVolumeClaim', str(ref.name)!, str(ref.namespace)), asset.id, 'bound-to');
        }
        break;
      }
      case 'ServiceAccount':
        for (const s of [...arr(obj.secrets), ...arr(obj.imagePullSecrets)]) {
          const n = str(rec(s).name);
          if (n) relate(asset.id, assetId('Secret', n, ns), 'uses-secret');
        }
        break;
      case 'RoleBinding':
      case 'ClusterRoleBinding': {
        const ref = rec(obj.roleRef);
        const kind = str(ref.kind);
        const name = str(ref.name);
        if ((kind === 'Role' || kind === 'ClusterRole') && name) relate(asset.id, assetId(kind, name, kind === 'Role' ? ns : undefined), 'refers-to');
        for (const s of arr(obj.subjects).map(rec)) {
          if (s.kind === 'ServiceAccount' && str(s.name)) relate(asset.id, assetId('ServiceAccount', str(s.name)!, str(s.namespace) ?? ns), 'binds');
        }
        break;
      }
    }
  }

  const order = new Map(INVENTORY_KINDS.map((k, i) => [k.kind, i]));
  const assets = [...byId.values()].map((x) => x.asset).sort((a, b) => order.get(a.kind)! - order.get(b.kind)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sortRel = (list: Iterable<Relation>): Relation[] => [...list].sort((a, b) => (a.type + ' ' + a.from + ' ' + a.to < b.type + ' ' + b.from + ' ' + b.to ? -1 : 1));
  const rels = sortRel(relations.values());
  const unres = sortRel(unresolved.values());
  return { assets, relations: rels, unresolved: unres, summary: summarize(assets, rels, unres, other, duplicates) };
}
