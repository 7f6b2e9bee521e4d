import type { KubeObject } from './types.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Keeps a Kubernetes object for the inventory, in place (no copy of large dumps): undefined when it is not one
 * (no string `apiVersion` and `kind`). Secrets keep metadata and `type` only: `data`, `stringData` and the
 * last-applied annotation (which repeats them) are deleted here, before anything else sees the object.
 * `metadata.managedFields` is dropped from every object (half of a real dump, of no use to the inventory).
 */
export function sanitizeObject(raw: unknown): KubeObject | undefined {
  if (!isRecord(raw) || typeof raw.apiVersion !== 'string' || typeof raw.kind !== 'string') return undefined;
  if (!isRecord(raw.metadata)) raw.metadata = {};
  const meta = raw.metadata as Record<string, unknown>;
  delete meta.managedFields;
  if (raw.kind === 'Secret') {
    delete raw.data;
    delete raw.stringData;
    if (isRecord(meta.annotations)) delete meta.annotations[LAST_APPLIED];
  }
  return raw as KubeObject;
}

/** `List` / `PodList`...: a container of objects rather than an object. */
export function isList(raw: Record<string, unknown>): boolean {
  return typeof raw.kind === 'string' && (raw.kind === 'List' || raw.kind.endsWith('List')) && Array.isArray(raw.items);
}
