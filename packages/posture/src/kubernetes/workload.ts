import type { DocPath } from '../rules/types.js';
import type { K8sResource } from './parse.js';

/** Where the pod spec sits in each workload kind. */
export const POD_SPEC_PATHS: Readonly<Record<string, DocPath>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  // kubernetes-sigs/agent-sandbox CRDs (agents.x-k8s.io)
  Sandbox: ['spec', 'podTemplate', 'spec'],
  SandboxTemplate: ['spec', 'podTemplate', 'spec'],
};

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface PodSpec {
  [key: string]: unknown;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: Record<string, unknown>;
  volumes?: Record<string, unknown>[];
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  serviceAccount?: string;
}

export interface Container {
  [key: string]: unknown;
  name?: string;
  image?: string;
  securityContext?: Record<string, unknown>;
}

export interface ContainerRef {
  container: Container;
  kind: ContainerKind;
  index: number;
  /** Path of the container inside the resource object. */
  path: DocPath;
}

export interface PodRef {
  spec: PodSpec;
  /** Path of the pod spec inside the resource object. */
  path: DocPath;
  /** Pod template metadata (the Pod's own metadata for a Pod). */
  metadata: Record<string, unknown>;
  metadataPath: DocPath;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getIn(v: unknown, path: DocPath): unknown {
  let cur = v;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isRecord(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

// Per-object memos: a scan asks these of every object once per rule. A parsed resource is read-only (its
// `rangeOf` lines describe the text it came from), so the answers stay valid; callers must not mutate them.
const pods = new WeakMap<K8sResource, PodRef | null>();
const containers = new WeakMap<PodRef, Map<string, ContainerRef[]>>();
const labelsOfPod = new WeakMap<PodRef, Record<string, string>>();

/** The pod spec of a workload, with its paths (memoized per resource). */
export function podOf(r: K8sResource): PodRef | undefined {
  let pod = pods.get(r);
  if (pod === undefined) {
    pod = readPod(r) ?? null;
    pods.set(r, pod);
  }
  return pod ?? undefined;
}

function readPod(r: K8sResource): PodRef | undefined {
  const path = POD_SPEC_PATHS[r.kind];
  if (!path) return undefined;
  const spec = getIn(r.object, path);
  if (!isRecord(spec)) return undefined;
  const metadataPath = [...path.slice(0, -1), 'metadata'];
  const metadata = getIn(r.object, metadataPath);
  return { spec: spec as PodSpec, path, metadata: isRecord(metadata) ? metadata : {}, metadataPath };
}

const KINDS: readonly ContainerKind[] = ['containers', 'initContainers', 'ephemeralContainers'];

/** Every container of a pod spec, init and ephemeral ones included, with its path (memoized per pod and kinds). */
export function containersOf(pod: PodRef, kinds: readonly ContainerKind[] = KINDS): ContainerRef[] {
  let byKinds = containers.get(pod);
  if (!byKinds) containers.set(pod, (byKinds = new Map()));
  const key = kinds.join(',');
  let out = byKinds.get(key);
  if (!out) {
    out = readContainers(pod, kinds);
    byKinds.set(key, out);
  }
  return out;
}

function readContainers(pod: PodRef, kinds: readonly ContainerKind[]): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const kind of kinds) {
    const list = pod.spec[kind];
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => {
      if (isRecord(c)) out.push({ container: c as Container, kind, index, path: [...pod.path, kind, index] });
    });
  }
  return out;
}

/** Labels of the pod template (what Services and NetworkPolicies select), values as strings (memoized per pod). */
export function podLabels(pod: PodRef): Record<string, string> {
  let out = labelsOfPod.get(pod);
  if (!out) {
    out = {};
    const l = pod.metadata.labels;
    if (isRecord(l)) for (const [k, v] of Object.entries(l)) out[k] = String(v);
    labelsOfPod.set(pod, out);
  }
  return out;
}
