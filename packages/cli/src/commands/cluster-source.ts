import type { Command } from 'commander';
import { ConfigError, InputError } from '@bulwark/core';
import { cluster } from '@bulwark/posture';
import type { SnapshotItem } from '@bulwark/posture';

/** Where cluster objects come from: a `kubectl get -A -o json` dump, or the live API through a kubeconfig. */
export interface ClusterSourceOptions {
  snapshot?: string;
  kubeconfig?: string;
  context?: string;
}

export interface ClusterObjects {
  /** What findings name as their file: the dump's path, or `cluster:<context>` for the live API. */
  file: string;
  items: SnapshotItem[];
  /** Kinds the live API refused or does not serve (permission named), as warnings. */
  warnings: string[];
}

export function clusterSourceOptions(cmd: Command): Command {
  return cmd
    .option('--snapshot <file>', 'read a dump made with `kubectl get <kinds> -A -o json` (or -o yaml) instead of the live cluster')
    .option('--kubeconfig <file>', 'kubeconfig for the live cluster (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kubeconfig context (default: its current-context)');
}

/**
 * Reads the objects of a cluster: streamed from a dump (one object in memory at a time; Secrets reduced to metadata
 * as they are read), or listed page by page through the official Kubernetes client.
 */
export async function readClusterObjects(opts: ClusterSourceOptions): Promise<ClusterObjects> {
  if (opts.snapshot && (opts.kubeconfig || opts.context)) throw new ConfigError('--snapshot', 'give either --snapshot or --kubeconfig/--context, not both');
  if (opts.snapshot) {
    const items: SnapshotItem[] = [];
    await cluster.streamSnapshot(opts.snapshot, (object, range) => void items.push({ object, range }));
    if (items.length === 0) throw new InputError({ file: opts.snapshot, expected: 'Kubernetes objects (the output of `kubectl get <kinds> -A -o json`)', message: 'no Kubernetes object (apiVersion + kind) found' });
    return { file: opts.snapshot, items, warnings: [] };
  }
  const fetched = await cluster.fetchCluster({ ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  return {
    file: `cluster:${fetched.context}`,
    items: fetched.objects.map((object) => ({ object, range: { startLine: 1, endLine: 1 } })),
    warnings: fetched.skipped.map((s) => `skipped ${s.kind}: ${s.reason}`),
  };
}
