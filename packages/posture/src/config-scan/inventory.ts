import type { K8sResource } from '../kubernetes/parse.js';
import type { RuleTarget } from '../rules/types.js';
import type { CloudResource } from '../terraform/cloud-model.js';

/** A resource the rules looked at: what compliance counts as "applicable" and "passing". */
export interface ScannedResource {
  target: RuleTarget;
  /** Kubernetes kind, cloud resource type (`aws_s3_bucket`, `AWS::S3::Bucket`), `Dockerfile` or `compose`. */
  type: string;
  /** Label as findings name it: "Deployment/prod/web", "aws_s3_bucket.logs", or the file for Dockerfiles. */
  name: string;
  file: string;
  /** Control-plane components a Kubernetes object runs (static pods): kube-apiserver, etcd, kubelet... */
  components?: string[];
}

const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function podSpecOf(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  let spec = obj.spec;
  // Deployment-like (spec.template.spec), CronJob (spec.jobTemplate.spec.template.spec)
  for (let i = 0; i < 3 && isRecord(spec); i++) {
    if (Array.isArray(spec.containers)) return spec;
    const next: unknown = isRecord(spec.jobTemplate) ? spec.jobTemplate.spec : isRecord(spec.template) ? spec.template.spec : undefined;
    spec = next;
  }
  return isRecord(spec) && Array.isArray(spec.containers) ? spec : undefined;
}

/** Control-plane components an object runs: from container commands and images, or a KubeletConfiguration. */
export function componentsOf(obj: Record<string, unknown>): string[] {
  if (obj.kind === 'KubeletConfiguration') return ['kubelet'];
  const spec = podSpecOf(obj);
  if (!spec) return [];
  const found = new Set<string>();
  for (const c of spec.containers as unknown[]) {
    if (!isRecord(c)) continue;
    const words = [...(Array.isArray(c.command) ? c.command : []), ...(Array.isArray(c.args) ? c.args.slice(0, 1) : [])].map(String);
    const image = typeof c.image === 'string' ? c.image.replace(/^.*\//, '').replace(/[:@].*$/, '') : '';
    for (const comp of COMPONENTS) {
      if (image === comp || words.some((w) => w.replace(/^.*\//, '') === comp)) found.add(comp);
    }
  }
  return [...found];
}

export function inventoryOfKubernetes(resources: readonly K8sResource[]): ScannedResource[] {
  return resources.map((r) => {
    const components = componentsOf(r.object);
    return { target: 'kubernetes', type: r.kind, name: r.label, file: r.file, ...(components.length > 0 ? { components } : {}) };
  });
}

export function inventoryOfCloud(target: 'terraform' | 'cloudformation', resources: readonly CloudResource[]): ScannedResource[] {
  return resources.map((r) => ({ target, type: r.type, name: r.label, file: r.file }));
}
