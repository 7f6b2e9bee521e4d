import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rules as rbac } from './rbac/index.js';
import { kubernetesRules } from './registry.js';

/**
 * A peer id may sit on two Bulwark rules only where the peer really splits differently: one peer check that Bulwark
 * (following another peer) implements as several rules. Scoring and `--skip-rules` then treat the peer id as the
 * union of those rules, which is what the peer means. `ids` is the exact set allowed; `undefined` allows any number
 * (profile names that tag every check of the profile).
 */
const SHARED: readonly { alias: string; ids?: readonly string[]; why: string }[] = [
  { alias: 'PSS-BASELINE', why: 'Pod Security Standards profile: every check of the Baseline profile carries it' },
  { alias: 'PSS-RESTRICTED', why: 'Pod Security Standards profile: every check of the Restricted profile carries it' },
  {
    alias: 'PSS-BASELINE:HOST-NAMESPACES', ids: ['BLW-K8S-002', 'BLW-K8S-003', 'BLW-K8S-004'],
    why: 'one PSS check over hostNetwork, hostPID and hostIPC; Checkov, Trivy and Kubescape have one rule per field',
  },
  {
    alias: 'IMAGE-NOT-PINNED-TO-DIGEST', ids: ['BLW-K8S-202', 'BLW-K8S-235'],
    why: 'Kubescape\'s rule fails both a missing digest (202, also CKV_K8S_43) and a malformed one (235)',
  },
  {
    alias: 'C-0191', ids: ['BLW-K8S-304', 'BLW-K8S-341'],
    why: 'Kubescape\'s control fires on bind or escalate; Checkov splits them (CKV_K8S_157 bind → 304, CKV_K8S_158 escalate → 341)',
  },
  { alias: 'RULE-CAN-BIND-ESCALATE', ids: ['BLW-K8S-304', 'BLW-K8S-341'], why: 'the regolibrary rule behind C-0191, same split' },
  {
    alias: 'C-0189', ids: ['BLW-K8S-590', 'BLW-K8S-591'],
    why: 'Kubescape\'s control runs two regolibrary rules, automount-default-service-account (590) and namespace-without-service-account (591)',
  },
];

test('no peer alias sits on two Kubernetes rules, except the documented splits', () => {
  const byAlias = new Map<string, string[]>();
  for (const r of kubernetesRules) for (const a of r.aliases) byAlias.set(a.toUpperCase(), [...(byAlias.get(a.toUpperCase()) ?? []), r.id]);
  const problems: string[] = [];
  for (const [alias, ids] of byAlias) {
    if (ids.length < 2) continue;
    const allowed = SHARED.find((s) => s.alias === alias);
    if (!allowed) problems.push(`${alias} on ${ids.join(', ')}`);
    else if (allowed.ids && [...ids].sort().join() !== [...allowed.ids].sort().join()) problems.push(`${alias} on ${ids.join(', ')}, documented for ${allowed.ids.join(', ')}`);
  }
  assert.deepEqual(problems, []);
});

test('RBAC peer ids each name one rule (the two former RBAC sets are merged)', () => {
  assert.equal(rbac.length, 32);
  assert.ok(rbac.every((r) => kubernetesRules.filter((x) => x.id === r.id).length === 1));
  for (const id of ['KSV041', 'CKV_K8S_49', 'C-0035', 'C-0015', 'CKV_K8S_155', 'CKV_K8S_156', 'CKV_K8S_157', 'CKV_K8S_158', 'access-to-secrets', 'wildcard-in-rules']) {
    assert.equal(kubernetesRules.filter((r) => r.aliases.some((a) => a.toUpperCase() === id.toUpperCase())).length, 1, id);
  }
});
