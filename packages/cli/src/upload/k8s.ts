// `bulwark scan k8s` results → one platform upload: the cluster, its namespaces, nodes and top-level workloads as
// assets (workloads with the exposure attributes the risk scorer reads), the images they run, the relations
// image → workload → node/namespace → cluster, and the findings on them.
import { randomUUID } from 'node:crypto';
import type { ReportedConfigFinding } from '@bulwark/scanner';
import { cluster } from '@bulwark/posture';
import type { AssetInput, AssetRef, FindingInput, RelationInput } from '@bulwark/platform';
import { configPayload, SECRET_RULES } from './config-upload.js';
import { clip, normalizeImageRef, uniqueLocators } from './keys.js';
import type { ScanTiming, UploadBody } from './types.js';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const rec = (v: unknown): Rec => (isRec(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Kinds that run pods: the ones a finding folds into (when owned) or becomes a `workload` asset for. */
const POD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);

export interface K8sUploadOptions extends ScanTiming {
  /** Names the cluster in asset keys ("cluster/<name>/…"): the kubeconfig context, or `--cluster-name`. */
  clusterName: string;
  /** 'live' (through the API) or 'snapshot' (a kubectl dump). */
  source: 'live' | 'snapshot';
}

export interface K8sUpload {
  body: UploadBody;
  /** Findings on pods, ReplicaSets and Jobs a controller owns, left out (they repeat the controller's template). */
  folded: number;
}

function podTemplate(o: cluster.KubeObject): { spec: Rec; labels: Record<string, string> } | undefined {
  const s = rec(o.spec);
  let tpl: Rec | undefined;
  if (o.kind === 'Pod') tpl = { spec: s, metadata: o.metadata };
  else if (o.kind === 'CronJob') tpl = rec(rec(rec(s.jobTemplate).spec).template);
  else if (POD_KINDS.has(o.kind)) tpl = rec(s.template);
  if (!tpl || !isRec(tpl.spec)) return undefined;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec(rec(tpl.metadata).labels))) if (typeof v === 'string') labels[k] = v;
  return { spec: tpl.spec, labels };
}

function containersOf(spec: Rec): Rec[] {
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)].filter(isRec);
}

/** Services and Ingresses by namespace, to find what exposes a workload without a scan per workload. */
export interface ExposureIndex {
  services: Map<string, cluster.KubeObject[]>;
  ingresses: Map<string, cluster.KubeObject[]>;
}

export function exposureIndex(objects: readonly cluster.KubeObject[]): ExposureIndex {
  const services = new Map<string, cluster.KubeObject[]>();
  const ingresses = new Map<string, cluster.KubeObject[]>();
  for (const o of objects) {
    const into = o.kind === 'Service' ? services : o.kind === 'Ingress' ? ingresses : undefined;
    if (!into) continue;
    const ns = o.metadata.namespace ?? 'default';
    into.set(ns, [...(into.get(ns) ?? []), o]);
  }
  return { services, ingresses };
}

/** Services of a namespace selecting these pod labels, and Ingresses routing to them. */
function exposureOf(ns: string, labels: Record<string, string>, index: ExposureIndex): { internetFacing: boolean; nodePort: boolean; exposedVia: string[] } {
  const via: string[] = [];
  let internetFacing = false;
  let nodePort = false;
  const services = new Set<string>();
  for (const o of index.services.get(ns) ?? []) {
    const spec = rec(o.spec);
    const sel = rec(spec.selector);
    const keys = Object.keys(sel);
    if (keys.length === 0 || !keys.every((k) => labels[k] === sel[k])) continue;
    const name = str(o.metadata.name) ?? '';
    services.add(name);
    const type = str(spec.type) ?? 'ClusterIP';
    if (type === 'LoadBalancer') {
      internetFacing = true;
      via.push(`Service/${ns}/${name} (LoadBalancer)`);
    } else if (type === 'NodePort') {
      nodePort = true;
      via.push(`Service/${ns}/${name} (NodePort)`);
    }
    if (arr(spec.externalIPs).length > 0) {
      internetFacing = true;
      via.push(`Service/${ns}/${name} (externalIPs)`);
    }
  }
  for (const o of index.ingresses.get(ns) ?? []) {
    const spec = rec(o.spec);
    const backends = [rec(spec.defaultBackend), rec(spec.backend), ...arr(spec.rules).flatMap((r) => arr(rec(rec(r).http).paths).map((p) => rec(rec(p).backend)))];
    const names = backends.map((b) => str(rec(b.service).name) ?? str(b.serviceName)).filter((n): n is string => n !== undefined);
    if (names.some((n) => services.has(n))) {
      internetFacing = true;
      via.push(`Ingress/${ns}/${str(o.metadata.name) ?? ''}`);
    }
  }
  return { internetFacing, nodePort, exposedVia: via.sort() };
}

/** The exposure attributes of a workload (see the platform's risk/README.md for how they are weighed). */
export function workloadAttributes(o: cluster.KubeObject, index: ExposureIndex): Rec {
  const tpl = podTemplate(o);
  if (!tpl) return {};
  const spec = tpl.spec;
  const containers = containersOf(spec);
  const hostPath = [...new Set(arr(spec.volumes).map((v) => str(rec(rec(v).hostPath).path)).filter((p): p is string => p !== undefined))].sort();
  const hostPorts = [...new Set(containers.flatMap((c) => arr(c.ports).map((p) => rec(p).hostPort)).filter((p): p is number => typeof p === 'number' && p > 0))].sort((a, b) => a - b);
  const exposure = exposureOf(o.metadata.namespace ?? 'default', tpl.labels, index);
  return {
    privileged: containers.some((c) => rec(c.securityContext).privileged === true),
    hostNetwork: spec.hostNetwork === true,
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    ...(hostPath.length ? { hostPath } : {}),
    ...(hostPorts.length ? { hostPorts } : {}),
    internetFacing: exposure.internetFacing,
    nodePort: exposure.nodePort,
    ...(exposure.exposedVia.length ? { exposedVia: exposure.exposedVia } : {}),
  };
}

/**
 * The upload of a cluster scan. Keys: "cluster/<c>", "cluster/<c>/ns/<ns>", "cluster/<c>/node/<n>",
 * "cluster/<c>/ns/<ns>/<kind>/<name>" for top-level workloads, images by normalized reference. Findings on a
 * workload, namespace or node land on that asset; on other namespaced objects (Service, Role, Secret…) on their
 * namespace and on cluster-scoped ones on the cluster, the object named by the locator. Findings on pods,
 * ReplicaSets and Jobs a controller owns are left out (`folded`): their names change with every rollout and they
 * repeat the controller's template, whose finding is uploaded.
 */
export function k8sUpload(objects: readonly cluster.KubeObject[], findings: readonly ReportedConfigFinding[], opts: K8sUploadOptions): K8sUpload {
  const c = opts.clusterName;
  const inv = cluster.buildInventory(objects);
  const byId = new Map<string, cluster.KubeObject>();
  for (const o of objects) {
    const name = str(o.metadata.name);
    if (name) byId.set(cluster.assetId(o.kind, name, str(o.metadata.namespace)), o);
  }
  const owner = new Map<string, string>();
  for (const r of inv.relations) if (r.type === 'owns' && POD_KINDS.has(r.from.split('/')[0])) owner.set(r.to, r.from);
  const top = (id: string): string => {
    let cur = id;
    for (let i = 0; i < 8 && owner.has(cur); i++) cur = owner.get(cur)!;
    return cur;
  };

  const clusterRef: AssetRef = { kind: 'cluster', key: `cluster/${c}` };
  const nsRef = (ns: string): AssetRef => ({ kind: 'namespace', key: `cluster/${c}/ns/${ns}` });
  const nodeRef = (n: string): AssetRef => ({ kind: 'node', key: `cluster/${c}/node/${n}` });
  const workloadRef = (o: cluster.KubeObject): AssetRef => ({ kind: 'workload', key: `cluster/${c}/ns/${o.metadata.namespace ?? 'default'}/${o.kind.toLowerCase()}/${o.metadata.name ?? ''}` });

  const assets = new Map<string, AssetInput>();
  const add = (a: AssetInput): void => void assets.set(`${a.kind}\u0000${a.key}`, a);
  const relations: RelationInput[] = [];
  const namespaces = new Set<string>();
  const nodes = inv.assets.filter((a) => a.kind === 'Node');

  for (const a of inv.assets.filter((x) => x.kind === 'Namespace')) {
    namespaces.add(a.name);
    add({ ...nsRef(a.name), name: a.name, attributes: { ...a.attributes, labels: a.labels } });
  }
  for (const n of nodes) {
    add({ ...nodeRef(n.name), name: n.name, attributes: { ...n.attributes, labels: n.labels } });
    relations.push({ from: nodeRef(n.name), to: clusterRef, kind: 'part-of' });
  }

  const runs = new Map<string, string[]>();
  for (const r of inv.relations) if (r.type === 'runs') runs.set(r.from, [...(runs.get(r.from) ?? []), r.to]);
  const nodeOfPod = new Map<string, string>();
  for (const r of inv.relations) if (r.type === 'scheduled-on') nodeOfPod.set(r.from, r.to.slice('Node/'.length));

  const index = exposureIndex(objects);
  const inventoryById = new Map(inv.assets.map((a) => [a.id, a]));
  let workloads = 0;
  for (const [id, o] of byId) {
    if (!POD_KINDS.has(o.kind) || top(id) !== id || !podTemplate(o)) continue;
    workloads++;
    const ref = workloadRef(o);
    const ns = o.metadata.namespace ?? 'default';
    const inventoryAttrs = inventoryById.get(id)?.attributes ?? {};
    add({ ...ref, name: id, attributes: { kind: o.kind, namespace: ns, ...inventoryAttrs, ...workloadAttributes(o, index) } });
    if (!namespaces.has(ns)) {
      namespaces.add(ns);
      add({ ...nsRef(ns), name: ns });
    }
    relations.push({ from: ref, to: nsRef(ns), kind: 'part-of' });
    const pods = o.kind === 'Pod' ? [id] : (runs.get(id) ?? []);
    for (const node of new Set(pods.map((p) => nodeOfPod.get(p)).filter((n): n is string => n !== undefined))) relations.push({ from: ref, to: nodeRef(node), kind: 'scheduled-on' });
    for (const image of new Set(containersOf(podTemplate(o)!.spec).map((x) => str(x.image)).filter((i): i is string => i !== undefined))) {
      // Referenced, not described: the image scan's description (layers, OS, digest) must survive a cluster scan.
      const imageRef: AssetRef = { kind: 'image', key: normalizeImageRef(image) };
      relations.push({ from: imageRef, to: ref, kind: 'used-by' });
    }
  }
  for (const ns of namespaces) relations.push({ from: nsRef(ns), to: clusterRef, kind: 'part-of' });
  add({ ...clusterRef, name: c, attributes: { source: opts.source, nodes: nodes.length, namespaces: namespaces.size, workloads } });

  let folded = 0;
  const kept: ReportedConfigFinding[] = [];
  const out: (FindingInput & { locator: string })[] = [];
  for (const f of findings) {
    if (f.suppressed) continue;
    const resource = f.resource;
    const parts = resource?.split('/') ?? [];
    const obj = resource ? byId.get(resource) : undefined;
    let asset: AssetRef;
    if (obj && POD_KINDS.has(obj.kind) && podTemplate(obj)) {
      if (top(resource!) !== resource) {
        folded++;
        continue;
      }
      asset = workloadRef(obj);
    } else if (parts[0] === 'Namespace' && parts.length === 2) asset = nsRef(parts[1]);
    else if (parts[0] === 'Node' && parts.length === 2) asset = nodeRef(parts[1]);
    else if (parts.length === 3) asset = nsRef(parts[1]);
    else asset = clusterRef;
    if (!assets.has(`${asset.kind}\u0000${asset.key}`)) {
      add({ ...asset, name: asset.key.split('/').pop() ?? asset.key });
      if (asset.kind === 'namespace') relations.push({ from: asset, to: clusterRef, kind: 'part-of' });
      if (asset.kind === 'node') relations.push({ from: asset, to: clusterRef, kind: 'part-of' });
    }
    kept.push(f);
    out.push({
      type: SECRET_RULES.has(f.ruleId) ? 'secret' : 'config',
      ruleId: f.ruleId,
      title: clip(f.title, 1000),
      severity: f.severity,
      fixAvailable: f.fixable,
      asset,
      locator: resource ?? 'cluster',
      payload: configPayload(f),
    });
  }

  return {
    body: {
      scan: {
        id: opts.scanId ?? randomUUID(),
        target: `k8s:${clusterRef.key}`,
        kind: 'cluster',
        startedAt: opts.startedAt.toISOString(),
        finishedAt: opts.finishedAt.toISOString(),
        assets: [...assets.values()],
        relations,
      },
      findings: uniqueLocators(out, (i) => kept[i].message),
    },
    folded,
  };
}
