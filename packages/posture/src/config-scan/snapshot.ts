import { InputError } from '@bulwark/core';
import type { FileError, SourceRange } from '@bulwark/core';
import { parseKubernetes, resourceFromObject } from '../kubernetes/parse.js';
import type { K8sResource } from '../kubernetes/parse.js';
import { scanKubernetesResources } from '../kubernetes/scan.js';
import { kubernetesRules } from '../rules/kubernetes/registry.js';
import { selectRules } from './catalog.js';
import { inventoryOfKubernetes } from './inventory.js';
import { scanConfigSources } from './scan.js';
import type { ConfigScanOptions, ConfigScanResult } from './scan.js';

/**
 * Scans a cluster snapshot (`kubectl get <kinds> -A -o json`, a `List`, or a multi-document YAML dump) with the
 * Kubernetes rules (RBAC included), every object visible to every rule. Pure. A snapshot that does not parse,
 * or holds no Kubernetes object, is an InputError (the user named this one file).
 */
export function scanKubernetesSnapshot(path: string, content: Buffer, opts: Omit<ConfigScanOptions, 'limits' | 'concurrency'> = {}): ConfigScanResult {
  const parsed = parseKubernetes(path, content);
  if (!parsed.ok) throw parsed.error;
  if (parsed.value.length === 0) {
    throw new InputError({ file: path, expected: 'Kubernetes objects (the output of `kubectl get <kinds> -A -o json` or YAML manifests)', message: 'no Kubernetes object (apiVersion + kind) found' });
  }
  // Force the Kubernetes path whatever the file is called (snapshot.json, dump.txt...).
  const name = /\.(ya?ml|json)$/i.test(path) ? path : `${path}.json`;
  const r = scanConfigSources([{ path: name, content }], opts);
  if (name !== path) {
    for (const f of r.findings) f.file = path;
    for (const f of r.files) f.path = path;
    if (r.resources) for (const x of r.resources) x.file = path;
  }
  if (r.files.length === 0) r.files.push({ path, type: 'kubernetes' });
  return r;
}

/** One object of a snapshot or of the live API, with the lines it spans in its source (1..1 for the live API). */
export interface SnapshotItem {
  object: unknown;
  range: SourceRange;
}

/**
 * Scans objects read elsewhere (a streamed `kubectl get -o json` dump, `fetchCluster`) with the Kubernetes rules —
 * RBAC included — and custom policies, every object visible to every rule. Findings point at the object's lines in
 * `file` (a streamed dump keeps no document, so not at the field). Pure.
 */
export function scanKubernetesObjects(file: string, items: readonly SnapshotItem[], opts: Pick<ConfigScanOptions, 'include' | 'exclude' | 'policyRules' | 'inventory'> = {}): ConfigScanResult {
  const resources: { resource: K8sResource; ordinal: number }[] = [];
  items.forEach((it, i) => {
    const resource = resourceFromObject(file, it.object, it.range, i);
    if (resource) resources.push({ resource, ordinal: 0 });
  });
  if (resources.length === 0) {
    throw new InputError({ file, expected: 'Kubernetes objects (the output of `kubectl get <kinds> -A -o json` or YAML manifests)', message: 'no Kubernetes object (apiVersion + kind) found' });
  }
  const sel = { ...(opts.include ? { include: opts.include } : {}), ...(opts.exclude ? { exclude: opts.exclude } : {}) };
  const rules = [...selectRules(kubernetesRules, sel), ...selectRules(opts.policyRules ?? [], sel)];
  const errors: FileError[] = [];
  const { findings } = scanKubernetesResources(resources, rules, { onRuleError: (rule, e) => errors.push({ path: file, error: `rule ${rule} failed: ${e instanceof Error ? e.message : String(e)}` }) });
  return {
    findings,
    errors,
    files: [{ path: file, type: 'kubernetes' }],
    warnings: [],
    ...(opts.inventory ? { resources: inventoryOfKubernetes(resources.map((r) => r.resource)) } : {}),
  };
}
