/** A Kubernetes object as the API serves it (plain JSON), after `sanitizeObject`. */
export interface KubeObject {
  [key: string]: unknown;
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
}

export interface KubeMetadata {
  [key: string]: unknown;
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }[];
}

/**
 * How two assets are related (`from` → `to`):
 * - `owns`: an ownerReference (Deployment → ReplicaSet, ReplicaSet → Pod, CronJob → Job, Job → Pod, StatefulSet → Pod)
 * - `runs`: a workload → every Pod under it, through ReplicaSets and Jobs (Deployment → Pod, CronJob → Pod)
 * - `scheduled-on`: Pod → Node (`spec.nodeName`)
 * - `selects`: Service → Pod (`spec.selector`, same namespace)
 * - `applies-to`: NetworkPolicy → Pod (`spec.podSelector`)
 * - `routes-to`: Ingress → Service (rules and default backend)
 * - `endpoints-of`: Endpoints / EndpointSlice → Service
 * - `targets`: Endpoints / EndpointSlice → Pod (`targetRef`)
 * - `claims`: Pod → PersistentVolumeClaim
 * - `bound-to`: PersistentVolumeClaim → PersistentVolume
 * - `runs-as`: Pod or workload → ServiceAccount
 * - `uses-secret`: Pod, workload, ServiceAccount or Ingress (TLS) → Secret
 * - `refers-to`: RoleBinding / ClusterRoleBinding → Role / ClusterRole
 * - `binds`: RoleBinding / ClusterRoleBinding → ServiceAccount subject
 */
export type RelationType =
  | 'owns' | 'runs' | 'scheduled-on' | 'selects' | 'applies-to' | 'routes-to' | 'endpoints-of' | 'targets' | 'claims' | 'bound-to'
  | 'runs-as' | 'uses-secret' | 'refers-to' | 'binds';

export type AttributeValue = string | number | boolean | string[];

/** One object of the cluster. */
export interface Asset {
  /** Stable id: "Kind/namespace/name" for namespaced kinds, "Kind/name" for cluster-scoped ones ("Node/worker-1"). */
  id: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  labels: Record<string, string>;
  /** Kind-specific facts, flat and printable (Pod: phase, node, podIP, serviceAccount, images; Service: type, clusterIP, ports...). */
  attributes: Record<string, AttributeValue>;
}

export interface Relation {
  from: string;
  to: string;
  type: RelationType;
}

export interface NamespaceSummary {
  namespace: string;
  pods: number;
  workloads: number;
  services: number;
  secrets: number;
}

export interface NodeSummary {
  name: string;
  ready: boolean | undefined;
  roles: string[];
  kubeletVersion: string;
  pods: number;
}

/** Counts for tables and dashboards. */
export interface InventorySummary {
  /** Assets per kind, in inventory kind order, kinds with no object left out. */
  kinds: { kind: string; count: number }[];
  namespaces: NamespaceSummary[];
  nodes: NodeSummary[];
  relations: { type: RelationType; count: number }[];
  /** References to objects that are not in the input (a Pod's node, an Ingress's missing Service). */
  unresolved: number;
  /** Objects of kinds the inventory does not model (ConfigMaps, custom resources), by kind. */
  otherKinds: { kind: string; count: number }[];
  /** Objects seen twice (same id), kept once. */
  duplicates: number;
}

export interface Inventory {
  assets: Asset[];
  relations: Relation[];
  /** Relations with one end not among the assets: a Pod's missing node, an Ingress's missing Service, an owner of a kind not modelled. */
  unresolved: Relation[];
  summary: InventorySummary;
}
