import type { K8sResource } from '../kubernetes/parse.js';
import { labelSelectorMatches } from '../kubernetes/selector.js';

/** Built-in kinds: resource plural, API group, and whether the kind is cluster-scoped. */
const KINDS: Record<string, { plural: string; group: string; cluster?: true }> = {
  Pod: { plural: 'pods', group: '' },
  PodTemplate: { plural: 'podtemplates', group: '' },
  ReplicationController: { plural: 'replicationcontrollers', group: '' },
  Service: { plural: 'services', group: '' },
  Endpoints: { plural: 'endpoints', group: '' },
  ConfigMap: { plural: 'configmaps', group: '' },
  Secret: { plural: 'secrets', group: '' },
  ServiceAccount: { plural: 'serviceaccounts', group: '' },
  PersistentVolumeClaim: { plural: 'persistentvolumeclaims', group: '' },
  PersistentVolume: { plural: 'persistentvolumes', group: '', cluster: true },
  Namespace: { plural: 'namespaces', group: '', cluster: true },
  Node: { plural: 'nodes', group: '', cluster: true },
  LimitRange: { plural: 'limitranges', group: '' },
  ResourceQuota: { plural: 'resourcequotas', group: '' },
  Event: { plural: 'events', group: '' },
  Deployment: { plural: 'deployments', group: 'apps' },
  StatefulSet: { plural: 'statefulsets', group: 'apps' },
  DaemonSet: { plural: 'daemonsets', group: 'apps' },
  ReplicaSet: { plural: 'replicasets', group: 'apps' },
  ControllerRevision: { plural: 'controllerrevisions', group: 'apps' },
  Job: { plural: 'jobs', group: 'batch' },
  CronJob: { plural: 'cronjobs', group: 'batch' },
  HorizontalPodAutoscaler: { plural: 'horizontalpodautoscalers', group: 'autoscaling' },
  PodDisruptionBudget: { plural: 'poddisruptionbudgets', group: 'policy' },
  PodSecurityPolicy: { plural: 'podsecuritypolicies', group: 'policy', cluster: true },
  Ingress: { plural: 'ingresses', group: 'networking.k8s.io' },
  IngressClass: { plural: 'ingressclasses', group: 'networking.k8s.io', cluster: true },
  NetworkPolicy: { plural: 'networkpolicies', group: 'networking.k8s.io' },
  Role: { plural: 'roles', group: 'rbac.authorization.k8s.io' },
  RoleBinding: { plural: 'rolebindings', group: 'rbac.authorization.k8s.io' },
  ClusterRole: { plural: 'clusterroles', group: 'rbac.authorization.k8s.io', cluster: true },
  ClusterRoleBinding: { plural: 'clusterrolebindings', group: 'rbac.authorization.k8s.io', cluster: true },
  StorageClass: { plural: 'storageclasses', group: 'storage.k8s.io', cluster: true },
  CSIDriver: { plural: 'csidrivers', group: 'storage.k8s.io', cluster: true },
  VolumeAttachment: { plural: 'volumeattachments', group: 'storage.k8s.io', cluster: true },
  CustomResourceDefinition: { plural: 'customresourcedefinitions', group: 'apiextensions.k8s.io', cluster: true },
  MutatingWebhookConfiguration: { plural: 'mutatingwebhookconfigurations', group: 'admissionregistration.k8s.io', cluster: true },
  ValidatingWebhookConfiguration: { plural: 'validatingwebhookconfigurations', group: 'admissionregistration.k8s.io', cluster: true },
  ValidatingAdmissionPolicy: { plural: 'validatingadmissionpolicies', group: 'admissionregistration.k8s.io', cluster: true },
  ValidatingAdmissionPolicyBinding: { plural: 'validatingadmissionpolicybindings', group: 'admissionregistration.k8s.io', cluster: true },
  PriorityClass: { plural: 'priorityclasses', group: 'scheduling.k8s.io', cluster: true },
  RuntimeClass: { plural: 'runtimeclasses', group: 'node.k8s.io', cluster: true },
  Lease: { plural: 'leases', group: 'coordination.k8s.io' },
  EndpointSlice: { plural: 'endpointslices', group: 'discovery.k8s.io' },
  CertificateSigningRequest: { plural: 'certificatesigningrequests', group: 'certificates.k8s.io', cluster: true },
  APIService: { plural: 'apiservices', group: 'apiregistration.k8s.io', cluster: true },
  GatewayClass: { plural: 'gatewayclasses', group: 'gateway.networking.k8s.io', cluster: true },
};

/** Resource plural of a kind: the built-in table, else Kubernetes' own guess (UnsafeGuessKindToResource). */
export function pluralOf(kind: string): string {
  const known = KINDS[kind];
  if (known) return known.plural;
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return lower + 'es';
  if (lower.endsWith('y')) return lower.slice(0, -1) + 'ies';
  return lower + 's';
}

export function isClusterScoped(kind: string): boolean {
  return KINDS[kind]?.cluster === true;
}

/** API group and version of a resource ("apps/v1" → ["apps", "v1"], "v1" → ["", "v1"]). */
export function groupVersion(apiVersion: string): [string, string] {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

/** The namespace a namespaced object would land in (kubectl's default when the manifest names none). */
export function namespaceOf(r: K8sResource): string | undefined {
  return isClusterScoped(r.kind) ? undefined : (r.namespace ?? 'default');
}

export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: readonly string[];
}

/** metav1.LabelSelector: every matchLabels pair and every requirement must hold; an empty selector matches all. */
export interface LabelSelector {
  matchLabels: Readonly<Record<string, string>>;
  matchExpressions: readonly LabelRequirement[];
}

export function selectorMatches(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return labelSelectorMatches(sel, labels);
}

/** admissionregistration NamedRuleWithOperations. */
export interface ResourceRule {
  apiGroups: readonly string[];
  apiVersions: readonly string[];
  resources: readonly string[];
  operations: readonly string[];
  resourceNames: readonly string[];
  scope: '*' | 'Cluster' | 'Namespaced';
}

/**
 * Whether an object (seen as a CREATE or UPDATE of its main resource) falls under a rule. Subresource-only entries
 * ("pods/exec", "*\/scale") never match a manifest; rules for DELETE or CONNECT only never match either.
 */
export function ruleMatches(rule: ResourceRule, r: K8sResource): boolean {
  const [group, version] = groupVersion(r.apiVersion);
  const plural = pluralOf(r.kind);
  if (!rule.operations.some((o) => o === '*' || o === 'CREATE' || o === 'UPDATE')) return false;
  if (!rule.apiGroups.some((g) => g === '*' || g === group)) return false;
  if (!rule.apiVersions.some((v) => v === '*' || v === version)) return false;
  if (!rule.resources.some((x) => x === '*' || x === '*/*' || x === plural)) return false;
  if (rule.resourceNames.length > 0 && !rule.resourceNames.includes(r.name)) return false;
  if (rule.scope === 'Cluster' && !isClusterScoped(r.kind)) return false;
  if (rule.scope === 'Namespaced' && isClusterScoped(r.kind)) return false;
  return true;
}

/** What a policy, or a binding, applies to. Every present part must hold. */
export interface MatchSpec {
  resourceRules?: readonly ResourceRule[];
  excludeResourceRules?: readonly ResourceRule[];
  kinds?: ReadonlySet<string>;
  apiGroups?: ReadonlySet<string>;
  namespaces?: ReadonlySet<string>;
  excludeNamespaces?: ReadonlySet<string>;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

/** Labels of a namespace: its Namespace object's when scanned, plus the label the API server always sets. */
export function namespaceLabels(ns: string, namespaces: ReadonlyMap<string, K8sResource>): Record<string, string> {
  return { ...(namespaces.get(ns)?.labels ?? {}), 'kubernetes.io/metadata.name': ns };
}

export function matchSpecMatches(spec: MatchSpec, r: K8sResource, namespaces: ReadonlyMap<string, K8sResource>): boolean {
  if (spec.resourceRules && !spec.resourceRules.some((x) => ruleMatches(x, r))) return false;
  if (spec.excludeResourceRules?.some((x) => ruleMatches(x, r))) return false;
  if (spec.kinds && !spec.kinds.has(r.kind) && !spec.kinds.has('*')) return false;
  if (spec.apiGroups && !spec.apiGroups.has(groupVersion(r.apiVersion)[0]) && !spec.apiGroups.has('*')) return false;
  const ns = namespaceOf(r);
  if (spec.namespaces && (ns === undefined || !spec.namespaces.has(ns))) return false;
  if (spec.excludeNamespaces && ns !== undefined && spec.excludeNamespaces.has(ns)) return false;
  if (spec.namespaceSelector) {
    // Kubernetes: a Namespace is matched on its own labels; other cluster-scoped objects are never skipped
    if (r.kind === 'Namespace' && ns === undefined) {
      if (!selectorMatches(spec.namespaceSelector, { ...r.labels, 'kubernetes.io/metadata.name': r.name })) return false;
    } else if (ns !== undefined && !selectorMatches(spec.namespaceSelector, namespaceLabels(ns, namespaces))) return false;
  }
  if (spec.objectSelector && !selectorMatches(spec.objectSelector, r.labels)) return false;
  return true;
}
