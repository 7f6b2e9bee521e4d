import { atContainer, atPod, defineK8sRule } from '../../../kubernetes/rule.js';
import { containersOf, getIn, isRecord } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { parseImage } from '../workload/image.js';

const REF = 'https://github.com/kubernetes-sigs/agent-sandbox';
const KINDS = ['SandboxTemplate', 'Sandbox'];
const UNIVERSAL = new Set(['0.0.0.0/0', '::/0']);

/** Why a managed egress policy lets the sandbox reach arbitrary destinations, undefined when it is scoped. */
function egressProblem(spec: Record<string, unknown>): { why: string; path: (string | number)[] } | undefined {
  const mgmt = spec.networkPolicyManagement ?? 'Managed';
  if (mgmt === 'Unmanaged') return undefined;
  if (mgmt !== 'Managed') return { why: `networkPolicyManagement ${String(mgmt)} is not Managed or Unmanaged`, path: ['spec', 'networkPolicyManagement'] };
  if (spec.networkPolicy === undefined) return { why: 'managed sandbox has no networkPolicy', path: ['spec'] };
  if (!isRecord(spec.networkPolicy)) return { why: 'networkPolicy is not an object', path: ['spec', 'networkPolicy'] };
  const egress = spec.networkPolicy.egress;
  if (egress === undefined) return undefined;
  if (!Array.isArray(egress)) return { why: 'networkPolicy.egress is not a list', path: ['spec', 'networkPolicy', 'egress'] };
  for (const [i, rule] of egress.entries()) {
    const to = isRecord(rule) ? rule.to : undefined;
    if (!Array.isArray(to) || to.length === 0) return { why: 'an egress rule allows every destination', path: ['spec', 'networkPolicy', 'egress', i] };
    for (const [j, peer] of to.entries()) {
      const at = ['spec', 'networkPolicy', 'egress', i, 'to', j];
      if (!isRecord(peer) || Object.keys(peer).length === 0) return { why: 'an egress peer is empty (any destination)', path: at };
      const cidr = getIn(peer, ['ipBlock', 'cidr']);
      if (typeof cidr === 'string' && UNIVERSAL.has(cidr)) return { why: `egress to ${cidr}`, path: [...at, 'ipBlock', 'cidr'] };
      const ps = peer.podSelector;
      if (isRecord(ps) && Object.keys(ps).length === 0 && peer.namespaceSelector === undefined) return { why: 'egress to every pod (empty podSelector)', path: [...at, 'podSelector'] };
    }
  }
  return undefined;
}

export const sandboxEgress = defineK8sRule({
  id: 'BLW-K8S-700',
  title: 'Agent sandbox egress is not restricted',
  severity: 'high',
  description: 'An AI agent sandbox that can reach any address can exfiltrate data or pivot into the cluster network.',
  remediation: 'Keep networkPolicyManagement Managed and scope networkPolicy.egress to the namespaces, pods or CIDRs the agent needs.',
  references: [REF],
  aliases: ['agent-sandbox-egress-policy', 'C-0301'],
  tags: ['agent-sandbox', 'network'],
  on: 'resource',
  kinds: KINDS,
  check: (r) => {
    const spec = getIn(r.object, ['spec']);
    const p = egressProblem(isRecord(spec) ? spec : {});
    return p ? [{ message: `${r.kind} ${r.name}: ${p.why}`, path: p.path }] : [];
  },
});

const HARDENED_RUNTIMES = /^(gvisor|runsc|kata(-.*)?|kata-containers)$/;

export const sandboxRuntime = defineK8sRule({
  id: 'BLW-K8S-701',
  title: 'Agent sandbox does not use a hardened runtime class',
  severity: 'high',
  description: 'Agent code is untrusted; without gVisor or Kata it shares the node kernel with everything else.',
  remediation: 'Set podTemplate.spec.runtimeClassName to a sandboxed runtime (gvisor, kata).',
  references: [REF, 'https://kubernetes.io/docs/concepts/containers/runtime-class/'],
  aliases: ['agent-sandbox-hardened-runtime-class', 'C-0297'],
  tags: ['agent-sandbox'],
  on: 'pod',
  check: (pod, r) => {
    if (!KINDS.includes(r.kind)) return [];
    const rc = pod.spec.runtimeClassName;
    return typeof rc === 'string' && HARDENED_RUNTIMES.test(rc) ? [] : [atPod(pod, 'runtimeClassName', rc === undefined ? 'no runtimeClassName' : `runtimeClassName ${String(rc)} is not sandboxed`)];
  },
});

export const sandboxFloatingTag = defineK8sRule({
  id: 'BLW-K8S-702',
  title: 'Agent sandbox image uses a floating tag',
  severity: 'medium',
  description: 'latest or an untagged image lets the sandbox run code nobody reviewed.',
  remediation: 'Pin sandbox images to a version tag or digest.',
  references: [REF],
  aliases: ['agent-sandbox-image-tag-provenance'],
  tags: ['agent-sandbox'],
  on: 'pod',
  check: (pod, r) => {
    if (!KINDS.includes(r.kind)) return [];
    return containersOf(pod).flatMap((c): Violation[] => {
      if (typeof c.container.image !== 'string') return [];
      const img = parseImage(c.container.image);
      return !img.digest && (img.tag === undefined || img.tag === 'latest') ? [atContainer(c, 'image', `image ${c.container.image} is not pinned`)] : [];
    });
  },
});
