import { InputError } from '@bulwark/core';
import { parseKubernetes } from '../kubernetes/parse.js';
import { scanConfigSources } from './scan.js';
import type { ConfigScanOptions, ConfigScanResult } from './scan.js';

/**
 * Scans a cluster snapshot (`kubectl get <kinds> -A -o json`, a `List`, or a multi-document YAML dump) with the
 * Kubernetes rules and the RBAC analyzer, every object visible to every rule. Pure. A snapshot that does not parse,
 * or holds no Kubernetes object, is an InputError (the user named this one file).
 */
export function scanKubernetesSnapshot(path: string, content: Buffer, opts: Omit<ConfigScanOptions, 'limits' | 'concurrency' | 'rbacAnalysis'> = {}): ConfigScanResult {
  const parsed = parseKubernetes(path, content);
  if (!parsed.ok) throw parsed.error;
  if (parsed.value.length === 0) {
    throw new InputError({ file: path, expected: 'Kubernetes objects (the output of `kubectl get <kinds> -A -o json` or YAML manifests)', message: 'no Kubernetes object (apiVersion + kind) found' });
  }
  // Force the Kubernetes path whatever the file is called (snapshot.json, dump.txt...).
  const name = /\.(ya?ml|json)$/i.test(path) ? path : `${path}.json`;
  const r = scanConfigSources([{ path: name, content }], { ...opts, rbacAnalysis: true });
  if (name !== path) {
    for (const f of r.findings) f.file = path;
    for (const f of r.files) f.path = path;
    if (r.resources) for (const x of r.resources) x.file = path;
  }
  if (r.files.length === 0) r.files.push({ path, type: 'kubernetes' });
  return r;
}
