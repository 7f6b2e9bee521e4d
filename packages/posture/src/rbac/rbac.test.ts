import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyzeRbac } from './analyze.js';
import { formatPath, formatRbacReport } from './format.js';
import { scanRbacFiles } from './scan.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (f: string): { path: string; content: Buffer } => ({ path: f, content: readFileSync(join(here, 'fixtures', f)) });
const cluster = scanRbacFiles([fixture('bootstrap-cluster-roles.yaml'), fixture('team.yaml')]);

test('fixtures parse without errors', () => {
  assert.deepEqual(cluster.errors, []);
  assert.deepEqual(cluster.report.skipped, []);
});

test('aggregation: admin ⊇ edit ⊇ view through clusterRoleSelectors (upstream bootstrap policy)', () => {
  const role = (n: string) => cluster.report.roles.find((r) => r.name === n)!;
  assert.deepEqual(role('view').aggregatedFrom, ['system:aggregate-to-view']);
  assert.deepEqual(role('edit').aggregatedFrom, ['system:aggregate-to-edit', 'view']);
  assert.deepEqual(role('admin').aggregatedFrom, ['edit', 'system:aggregate-to-admin']);
  assert.ok(role('admin').rules.length >= role('edit').rules.length + 2);
});

const canRows: [string, string, string, string, string | undefined, boolean][] = [
  // subject, verb, group, resource, namespace, expected
  ['User:bob', 'get', '', 'pods', 'ci', true], // view via RoleBinding in ci
  ['User:bob', 'get', '', 'pods', 'ops', false], // not outside the RoleBinding's namespace
  ['User:bob', 'get', '', 'secrets', 'ci', false], // view excludes secrets
  ['User:jane', 'get', '', 'secrets', 'ci', true], // edit includes secrets
  ['User:jane', 'create', '', 'pods/exec', 'ci', true],
  ['User:jane', 'create', 'rbac.authorization.k8s.io', 'rolebindings', 'ci', false], // edit, unlike admin, cannot touch RBAC
  ['User:jane', 'create', 'authorization.k8s.io', 'selfsubjectaccessreviews', undefined, true], // system:authenticated → basic-user
  ['ServiceAccount:ci/deployer', 'delete', 'apps', 'deployments', 'anything', true], // cluster-admin
  ['Group:system:masters', 'anything', 'x', 'y', undefined, true],
  ['User:carol', 'get', '', 'secrets', 'ops', false], // resourceNames restricts it
];
for (const [s, verb, group, res, ns, expected] of canRows) {
  test(`can(${s}, ${verb}, ${group}/${res}, ${ns ?? 'cluster'}) = ${expected}`, () => {
    assert.equal(cluster.report.can(s, verb, group, res, ns), expected);
  });
}

test('permissionsOf keeps scope, wildcards and resourceNames', () => {
  const carol = cluster.report.permissionsOf('User:carol').filter((p) => p.resource === 'secrets');
  assert.deepEqual(carol.map((p) => [p.verb, p.resourceName, p.namespace, p.via.role]), [['get', 'backup-token', 'ops', 'Role/ops/secret-reader']]);
  const deployer = cluster.report.permissionsOf({ kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' });
  assert.ok(deployer.some((p) => p.verb === '*' && p.apiGroup === '*' && p.resource === '*' && p.namespace === undefined));
  assert.ok(deployer.some((p) => p.nonResourceURL === '*'));
});

// Each row: the subject and the exact chain expected.
const chains: [string, string][] = [
  ['Group:support', 'Group:support --(impersonate group system:masters)--> cluster-admin'],
  ['User:alice', 'User:alice --(bind ClusterRole cluster-admin in a new ClusterRoleBinding)--> cluster-admin'],
  ['User:carol', 'User:carol --(read Secret ops/backup-token (token of backup))--> ServiceAccount:ops/backup --(bound to ClusterRole cluster-admin by ClusterRoleBinding backup-admin)--> cluster-admin'],
  ['User:jane', 'User:jane --(impersonate service account ci/deployer)--> ServiceAccount:ci/deployer --(bound to ClusterRole cluster-admin by ClusterRoleBinding deployer-admin)--> cluster-admin'],
];
for (const [subject, chain] of chains) {
  test(`escalation path of ${subject}`, () => {
    const p = cluster.report.escalationPaths.find((x) => formatPath(x).startsWith(subject + ' '));
    assert.ok(p, `no path for ${subject}`);
    assert.equal(formatPath(p), chain);
  });
}

test('no escalation path for subjects without one, nor for admins themselves', () => {
  const starts = cluster.report.escalationPaths.map((p) => formatPath(p).split(' ')[0]);
  assert.deepEqual(starts.sort(), chains.map(([s]) => s).sort());
});

const inline = (docs: unknown[]) => analyzeRbac(docs);
const crb = (name: string, role: string, subjects: unknown[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { kind: 'ClusterRole', name: role }, subjects });
const rb = (ns: string, name: string, kind: string, role: string, subjects: unknown[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: ns }, roleRef: { kind, name: role }, subjects });
const cr = (name: string, rules: unknown[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules });
const admin = [cr('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]), crb('ks-admin', 'cluster-admin', [{ kind: 'ServiceAccount', name: 'ctrl', namespace: 'kube-system' }])];

const pathRows: [string, unknown[], string, string | undefined][] = [
  [
    'create pods in a namespace whose service account is cluster-admin',
    [...admin, cr('pod-maker', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]), rb('kube-system', 'dev-pods', 'ClusterRole', 'pod-maker', [{ kind: 'User', name: 'dev' }])],
    'User:dev',
    'User:dev --(create pods in namespace kube-system running as ctrl)--> ServiceAccount:kube-system/ctrl --(bound to ClusterRole cluster-admin by ClusterRoleBinding ks-admin)--> cluster-admin',
  ],
  [
    'same grant in another namespace leads nowhere',
    [...admin, cr('pod-maker', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]), rb('apps', 'dev-pods', 'ClusterRole', 'pod-maker', [{ kind: 'User', name: 'dev' }])],
    'User:dev',
    undefined,
  ],
  [
    'create tokens for a powerful service account',
    [...admin, cr('tokens', [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }]), crb('t', 'tokens', [{ kind: 'Group', name: 'ops' }])],
    'Group:ops',
    'Group:ops --(create a token for kube-system/ctrl)--> ServiceAccount:kube-system/ctrl --(bound to ClusterRole cluster-admin by ClusterRoleBinding ks-admin)--> cluster-admin',
  ],
  [
    'escalate on clusterroles it is bound to',
    [cr('self-editor', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate', 'update'] }]), crb('e', 'self-editor', [{ kind: 'User', name: 'eve' }])],
    'User:eve',
    'User:eve --(escalate: add "*" rules to ClusterRole self-editor it is bound to)--> cluster-admin',
  ],
  [
    'system:authenticated inherits a chain (every user has it)',
    [...admin, cr('imp', [{ apiGroups: [''], resources: ['groups'], verbs: ['impersonate'] }]), crb('all', 'imp', [{ kind: 'Group', name: 'system:authenticated' }])],
    'Group:system:authenticated',
    'Group:system:authenticated --(impersonate group system:masters)--> cluster-admin',
  ],
  [
    'exec into a pod that runs as an admin service account',
    [
      ...admin,
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ctl', namespace: 'kube-system' }, spec: { serviceAccountName: 'ctrl', containers: [{ name: 'c', image: 'i' }] } },
      cr('execer', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]),
      rb('kube-system', 'x', 'ClusterRole', 'execer', [{ kind: 'User', name: 'sre' }]),
    ],
    'User:sre',
    'User:sre --(exec into Pod kube-system/ctl (runs as ctrl))--> ServiceAccount:kube-system/ctrl --(bound to ClusterRole cluster-admin by ClusterRoleBinding ks-admin)--> cluster-admin',
  ],
];
for (const [name, docs, subject, chain] of pathRows) {
  test(`escalation: ${name}`, () => {
    const p = inline(docs).escalationPaths.find((x) => formatPath(x).startsWith(subject + ' '));
    assert.equal(p ? formatPath(p) : undefined, chain);
  });
}

const riskRows: [string, unknown[], string[]][] = [
  // "*" implies every semantic risk; the Trivy-literal rules (315, 318, 325, 337, 342) want the resource named, as Trivy does
  ['unbound wildcard ClusterRole', [cr('w', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])],
    ['300', '301', '302', '303', '304', '305', '306', '307', '308', '309', '310', '311', '312', '314', '320', '336', '339', '341'].map((n) => `BLW-K8S-${n}`)],
  ['read-only pods: nothing', [cr('r', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }])], []],
  ['secrets in the wrong API group are not secrets (Trivy\'s literal KSV041 still fires)', [cr('r', [{ apiGroups: ['apps'], resources: ['secrets'], verbs: ['get'] }])], ['BLW-K8S-337']],
  ['anonymous binding', [crb('anon', 'view', [{ kind: 'User', name: 'system:anonymous' }])], ['BLW-K8S-333']],
  ['default SA bound', [rb('a', 'x', 'ClusterRole', 'view', [{ kind: 'ServiceAccount', name: 'default' }])], ['BLW-K8S-332']],
];
for (const [name, docs, ids] of riskRows) {
  test(`risky grants: ${name}`, () => {
    assert.deepEqual([...new Set(inline(docs).riskyGrants.map((g) => g.ruleId))].sort(), ids);
  });
}

test('malformed objects are skipped with a reason, never thrown', () => {
  const r = inline([null, 7, 'x', { kind: 'RoleBinding', metadata: { name: 'b' } }, { kind: 'ClusterRoleBinding', metadata: { name: 'c' }, roleRef: { kind: 'Role', name: 'r' } }, { kind: 'Role', rules: 'nope' }]);
  assert.equal(r.skipped.length, 3);
  assert.deepEqual(r.riskyGrants, []);
});

test('findings carry file, lines and aliases; the text report lists chains', () => {
  const f = cluster.findings.find((x) => x.ruleId === 'BLW-K8S-314' && x.resource === 'ClusterRole/impersonator')!;
  assert.equal(f.file, 'team.yaml');
  assert.ok(f.range.startLine > 1 && f.range.endLine >= f.range.startLine);
  assert.ok(f.aliases.includes('C-0065'));
  const text = formatRbacReport(cluster.report);
  assert.match(text, /Escalation paths to cluster-admin \(4\)/);
  assert.match(text, /User:alice --\(bind ClusterRole cluster-admin/);
});
