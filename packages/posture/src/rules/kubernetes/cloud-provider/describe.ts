import type { K8sResource } from '../../../kubernetes/parse.js';
import { getIn } from '../../../kubernetes/workload.js';
import type { DocPath, Violation } from '../../types.js';

export type Provider = 'eks' | 'aks' | 'gke';

/** apiVersion of kubescape's cloud descriptors per provider; Bulwark's own `cloud.bulwark.dev/v1alpha1` names it in metadata.provider. */
const API_VERSIONS: Readonly<Record<string, Provider>> = {
  'eks.amazonaws.com/v1': 'eks',
  'management.azure.com/v1': 'aks',
  'container.googleapis.com/v1': 'gke',
};
export const BULWARK_CLOUD_API = 'cloud.bulwark.dev/v1alpha1';

/** Provider of a cloud descriptor object (ClusterDescribe, DescribeRepositories, ListEntitiesForPolicies), if it is one. */
export function providerOf(r: K8sResource, kind: string): Provider | undefined {
  if (r.kind !== kind) return undefined;
  const meta = getIn(r.object, ['metadata', 'provider']);
  const declared = typeof meta === 'string' && ['eks', 'aks', 'gke'].includes(meta) ? (meta as Provider) : undefined;
  if (r.apiVersion === BULWARK_CLOUD_API) return declared;
  const byApi = API_VERSIONS[r.apiVersion];
  // a descriptor whose provider contradicts its apiVersion is not one we understand
  return byApi && (declared === undefined || declared === byApi) ? byApi : undefined;
}

/** First value found among spellings of a field: GKE's Python client uses snake_case, gcloud's JSON camelCase. */
export function field(r: K8sResource, ...paths: DocPath[]): { value: unknown; path: DocPath } | undefined {
  for (const p of paths) {
    const value = getIn(r.object, p);
    if (value !== undefined) return { value, path: p };
  }
  return undefined;
}

export function cloudViolation(r: K8sResource, message: string, path: DocPath): Violation {
  return { message, path, resource: `${r.kind}/${r.name || 'cluster'}` };
}

