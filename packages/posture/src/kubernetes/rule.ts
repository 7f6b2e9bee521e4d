import type { DocPath, Rule, RuleMeta, Violation } from '../rules/types.js';
import type { K8sResource } from './parse.js';
import { containersOf, podOf } from './workload.js';
import type { ContainerKind, ContainerRef, PodRef } from './workload.js';

/** What a Kubernetes rule sees: one object and every object scanned with it (Services, bindings, policies...). */
export interface K8sInput {
  resource: K8sResource;
  resources: readonly K8sResource[];
}

export type K8sRule = Rule<K8sInput>;

type Meta = Omit<RuleMeta, 'target' | 'frameworks' | 'references'> & {
  frameworks?: RuleMeta['frameworks'];
  references?: readonly string[];
};

export type K8sRuleSpec = Meta &
  (
    | { on: 'resource'; kinds?: readonly string[]; check(r: K8sResource, all: readonly K8sResource[]): Violation[] }
    | { on: 'pod'; check(pod: PodRef, r: K8sResource, all: readonly K8sResource[]): Violation[] }
    | {
        on: 'container';
        containerKinds?: readonly ContainerKind[];
        check(c: ContainerRef, pod: PodRef, r: K8sResource): Violation[];
      }
  );

/** Builds a rule; `on: 'pod'` and `on: 'container'` rules run on every workload kind through the shared walker. */
export function defineK8sRule(spec: K8sRuleSpec): K8sRule {
  const meta: RuleMeta = {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    description: spec.description,
    remediation: spec.remediation,
    aliases: spec.aliases,
    frameworks: spec.frameworks ?? [],
    references: spec.references ?? [],
    target: 'kubernetes',
    ...(spec.tags ? { tags: spec.tags } : {}),
  };
  if (spec.on === 'resource') {
    const kinds = spec.kinds ? new Set(spec.kinds) : undefined;
    return { ...meta, check: ({ resource, resources }) => (kinds && !kinds.has(resource.kind) ? [] : spec.check(resource, resources)) };
  }
  if (spec.on === 'pod') {
    return {
      ...meta,
      check: ({ resource, resources }) => {
        const pod = podOf(resource);
        return pod ? spec.check(pod, resource, resources) : [];
      },
    };
  }
  return {
    ...meta,
    check: ({ resource }) => {
      const pod = podOf(resource);
      if (!pod) return [];
      return containersOf(pod, spec.containerKinds).flatMap((c) => spec.check(c, pod, resource));
    },
  };
}

/** A violation at a path under a container ("securityContext.privileged"). */
export function atContainer(c: ContainerRef, field: string | DocPath, message: string): Violation {
  const rel = typeof field === 'string' ? (field === '' ? [] : field.split('.')) : field;
  return { message: `${c.kind === 'containers' ? 'container' : c.kind.replace(/s$/, '')} "${c.container.name ?? c.index}": ${message}`, path: [...c.path, ...rel] };
}

export function atPod(pod: PodRef, field: string | DocPath, message: string): Violation {
  const rel = typeof field === 'string' ? (field === '' ? [] : field.split('.')) : field;
  return { message, path: [...pod.path, ...rel] };
}
