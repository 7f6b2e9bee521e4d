/** A kind the inventory models and `fetchCluster` lists. */
export interface InventoryKind {
  kind: string;
  apiVersion: string;
  /** Resource name in API paths and RBAC rules. */
  resource: string;
  namespaced: boolean;
  /** Kind name of its list (`PodList`). */
  listKind: string;
}

const k = (kind: string, apiVersion: string, resource: string, namespaced: boolean): InventoryKind => ({ kind, apiVersion, resource, namespaced, listKind: `${kind}List` });

/** Every kind of the inventory, in the order listings and summaries use. */
export const INVENTORY_KINDS: readonly InventoryKind[] = [
  k('Namespace', 'v1', 'namespaces', false),
  k('Node', 'v1', 'nodes', false),
  k('Deployment', 'apps/v1', 'deployments', true),
  k('StatefulSet', 'apps/v1', 'statefulsets', true),
  k('DaemonSet', 'apps/v1', 'daemonsets', true),
  k('ReplicaSet', 'apps/v1', 'replicasets', true),
  k('CronJob', 'batch/v1', 'cronjobs', true),
  k('Job', 'batch/v1', 'jobs', true),
  k('Pod', 'v1', 'pods', true),
  k('Service', 'v1', 'services', true),
  k('Endpoints', 'v1', 'endpoints', true),
  k('EndpointSlice', 'discovery.k8s.io/v1', 'endpointslices', true),
  k('Ingress', 'networking.k8s.io/v1', 'ingresses', true),
  k('NetworkPolicy', 'networking.k8s.io/v1', 'networkpolicies', true),
  k('PersistentVolume', 'v1', 'persistentvolumes', false),
  k('PersistentVolumeClaim', 'v1', 'persistentvolumeclaims', true),
  k('ServiceAccount', 'v1', 'serviceaccounts', true),
  k('Secret', 'v1', 'secrets', true),
  k('Role', 'rbac.authorization.k8s.io/v1', 'roles', true),
  k('ClusterRole', 'rbac.authorization.k8s.io/v1', 'clusterroles', false),
  k('RoleBinding', 'rbac.authorization.k8s.io/v1', 'rolebindings', true),
  k('ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'clusterrolebindings', false),
];

export const KIND_BY_NAME: ReadonlyMap<string, InventoryKind> = new Map(INVENTORY_KINDS.map((x) => [x.kind, x]));

export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'CronJob', 'Job']);

/** The command whose output `loadSnapshot` reads. */
export const KUBECTL_COMMAND = `kubectl get ${INVENTORY_KINDS.map((x) => (x.apiVersion.includes('/') ? `${x.resource}.${x.apiVersion.split('/')[0]}` : x.resource)).join(',')} -A -o json`;
