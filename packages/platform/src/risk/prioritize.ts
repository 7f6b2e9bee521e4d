// Fills the priority of an upload's findings from what the upload itself says: the finding's fields, the assets
// it describes (workload attributes, criticality) and the relations between them. Pure.
import type { AssetInput, AssetRef, Criticality, FindingInput, RelationInput, ScanInput } from '../storage/types.js';
import { scorePriority, type Exposure } from './score.js';

/**
 * Attributes of a `workload` asset that exposure reads (what `bulwark scan k8s --upload` writes); absent = false/empty.
 * - `privileged`: a container runs privileged
 * - `hostNetwork`, `hostPID`, `hostIPC`: the pod shares that host namespace
 * - `hostPath`: host paths mounted (["/var/run/docker.sock"])
 * - `hostPorts`: container ports bound on the node ([8080])
 * - `internetFacing`: a LoadBalancer Service, an Ingress or an external IP reaches it
 * - `nodePort`: a NodePort Service reaches it
 * - `exposedVia`: how, for people ("Service/shop/web-public (LoadBalancer)", "Ingress/shop/shop")
 */
export const WORKLOAD_EXPOSURE_ATTRIBUTES = ['privileged', 'hostNetwork', 'hostPID', 'hostIPC', 'hostPath', 'hostPorts', 'internetFacing', 'nodePort', 'exposedVia'] as const;

/** Relations walked from a finding's asset to the workloads that run it: package → image → workload. */
const TOWARD_WORKLOAD = new Set<RelationInput['kind']>(['installed-in', 'used-by']);
/** How far up (any relation) criticality is inherited: package → image → workload → node/namespace → cluster. */
const MAX_DEPTH = 6;
const RANK: Record<Criticality, number> = { low: 0, medium: 1, high: 2, critical: 3 };

type Key = string;
const keyOf = (r: AssetRef): Key => `${r.kind}\u0000${r.key}`;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRef(v: unknown): v is AssetRef {
  return isObject(v) && typeof v.kind === 'string' && typeof v.key === 'string';
}

/** Exposure of one workload from its attributes. */
export function workloadExposure(attributes: Record<string, unknown> | undefined): Exposure {
  const a = attributes ?? {};
  const host: string[] = [];
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (a[ns] === true) host.push(ns);
  if (Array.isArray(a.hostPath)) for (const p of a.hostPath) if (typeof p === 'string') host.push(`hostPath ${p}`);
  return {
    internetFacing: a.internetFacing === true,
    nodePort: a.nodePort === true || (Array.isArray(a.hostPorts) && a.hostPorts.length > 0),
    privileged: a.privileged === true,
    hostAccess: host,
  };
}

/** Worst case of each aspect over several workloads. */
function combine(list: Exposure[]): Exposure {
  return {
    internetFacing: list.some((e) => e.internetFacing),
    nodePort: list.some((e) => e.nodePort),
    privileged: list.some((e) => e.privileged),
    hostAccess: [...new Set(list.flatMap((e) => e.hostAccess ?? []))].sort(),
    workloads: list.length,
  };
}

function complianceControls(payload: unknown): number {
  if (!isObject(payload) || !Array.isArray(payload.frameworks)) return 0;
  const seen = new Set<string>();
  for (const f of payload.frameworks) if (isObject(f) && typeof f.control === 'string') seen.add(`${String(f.framework)}\u0000${f.control}`);
  return seen.size;
}

function fixedVersion(payload: unknown): string | undefined {
  if (!isObject(payload) || !Array.isArray(payload.fixedVersions)) return undefined;
  const v: unknown = payload.fixedVersions[0];
  return typeof v === 'string' && v.length <= 200 ? v : undefined;
}

/**
 * Returns the findings with `priority` filled where it was absent (findings that carry one are kept as they are).
 * Exposure comes from the `workload` assets reached from the finding's asset through `installed-in` and `used-by`
 * relations of this scan (or the asset itself when it is a workload): the worst of them counts. Criticality is the
 * highest of the finding's asset and every asset above it (up to the cluster), each from `assetCriticality` (the
 * tenant's stored value) or else the scan's description. Compliance counts `payload.frameworks` controls and the fix
 * detail names `payload.fixedVersions[0]` (both as the CLI uploads them). Malformed findings are passed through
 * untouched for the store to reject with its precise error.
 */
export function prioritizeScan(scan: ScanInput, findings: FindingInput[], assetCriticality?: (ref: AssetRef) => Criticality | undefined): FindingInput[] {
  const assets = new Map<Key, AssetInput>();
  for (const a of Array.isArray(scan?.assets) ? scan.assets : []) if (isRef(a)) assets.set(keyOf(a), a);
  const up = new Map<Key, { to: Key; kind: RelationInput['kind'] }[]>();
  for (const r of Array.isArray(scan?.relations) ? scan.relations : []) {
    if (!isObject(r) || !isRef(r.from) || !isRef(r.to)) continue;
    const from = keyOf(r.from);
    const edges = up.get(from) ?? [];
    edges.push({ to: keyOf(r.to), kind: r.kind });
    up.set(from, edges);
  }

  const exposureMemo = new Map<Key, Exposure | undefined>();
  const criticalityMemo = new Map<Key, { level: Criticality | undefined; from?: string }>();

  const ownCriticality = (k: Key): Criticality | undefined => {
    const a = assets.get(k);
    let stored: Criticality | undefined;
    if (assetCriticality) {
      const [kind, key] = k.split('\u0000') as [AssetRef['kind'], string];
      stored = assetCriticality({ kind, key });
    }
    const c = stored ?? a?.criticality;
    return c !== undefined && c in RANK ? c : undefined;
  };

  /** Breadth-first over the relations from `start`; visits each asset once, up to MAX_DEPTH. */
  const walk = (start: Key, follow: (kind: RelationInput['kind']) => boolean, visit: (k: Key, depth: number) => void): void => {
    visit(start, 0);
    // Most findings' assets have no relations in the scan: nothing more to visit (no Set or frontier to build).
    if (!up.has(start)) return;
    const seen = new Set([start]);
    let frontier = [start];
    for (let depth = 1; depth <= MAX_DEPTH && frontier.length > 0; depth++) {
      const next: Key[] = [];
      for (const k of frontier) {
        for (const e of up.get(k) ?? []) {
          if (!follow(e.kind) || seen.has(e.to)) continue;
          seen.add(e.to);
          next.push(e.to);
          visit(e.to, depth);
        }
      }
      frontier = next;
    }
  };

  const exposureOf = (k: Key): Exposure | undefined => {
    if (exposureMemo.has(k)) return exposureMemo.get(k);
    const workloads: Exposure[] = [];
    walk(k, (kind) => TOWARD_WORKLOAD.has(kind), (n) => {
      if (n.startsWith('workload\u0000')) workloads.push(workloadExposure(assets.get(n)?.attributes));
    });
    const e = workloads.length === 0 ? undefined : combine(workloads);
    exposureMemo.set(k, e);
    return e;
  };

  const criticalityOf = (k: Key): { level: Criticality | undefined; from?: string } => {
    const memo = criticalityMemo.get(k);
    if (memo) return memo;
    let best: { level: Criticality | undefined; from?: string } = { level: undefined };
    walk(k, () => true, (n, depth) => {
      const c = ownCriticality(n);
      if (c === undefined || (best.level !== undefined && RANK[c] <= RANK[best.level])) return;
      const a = assets.get(n);
      const [kind, key] = n.split('\u0000');
      best = depth === 0 ? { level: c } : { level: c, from: `${kind} ${a?.name ?? key}` };
    });
    criticalityMemo.set(k, best);
    return best;
  };

  return findings.map((f) => {
    if (!isObject(f) || f.priority !== undefined || !isRef(f.asset) || typeof f.severity !== 'string') return f;
    const k = keyOf(f.asset);
    const crit = criticalityOf(k);
    const p = scorePriority({
      severity: f.severity,
      cvss: f.cvss,
      epss: f.epss,
      kev: f.kev === true,
      fixAvailable: f.fixAvailable === true,
      fixedVersion: fixedVersion(f.payload),
      exposure: exposureOf(k),
      criticality: crit.level,
      ...(crit.from ? { criticalityFrom: crit.from } : {}),
      complianceControls: complianceControls(f.payload),
    });
    return { ...f, priority: p };
  });
}
