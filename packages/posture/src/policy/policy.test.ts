import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '@bulwark/core';
import { UPDATE_GOLDEN, seededRandom, sharedDir } from '@bulwark/core/testing';
import { stringify } from 'yaml';
import { parseKubernetes } from '../kubernetes/parse.js';
import { scanKubernetesFiles } from '../kubernetes/scan.js';
import type { K8sRule } from '../kubernetes/rule.js';
import { PolicyError, PolicyEvaluationError, loadPolicies } from './index.js';

const FIX = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');

function fixtureFiles(dir: string): { path: string; content: Buffer }[] {
  return readdirSync(join(FIX, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ path: `${dir}/${f}`, content: readFileSync(join(FIX, dir, f)) }));
}

const policyFiles = [...fixtureFiles('policies'), ...fixtureFiles('vap')];
const loaded = loadPolicies(policyFiles);
const ruleById = new Map(loaded.rules.map((r) => [r.id, r]));

type Manifest = Record<string, unknown>;

/** Scans manifests (one YAML stream) with the given rules; rule errors are collected, never thrown. */
function scan(manifests: readonly Manifest[], rules: readonly K8sRule[]) {
  const text = manifests.map((m) => stringify(m)).join('---\n');
  const ruleErrors: { rule: string; error: unknown }[] = [];
  const out = scanKubernetesFiles([{ path: 'manifests.yaml', content: Buffer.from(text) }], rules, {
    onRuleError: (rule, error) => ruleErrors.push({ rule, error }),
  });
  return { ...out, ruleErrors };
}

// ---------- inline manifests for the good/bad table ----------

function goodContainer(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'app',
    image: 'registry.example.com/shop/app:1.4.2',
    imagePullPolicy: 'IfNotPresent',
    ports: [{ containerPort: 8080 }],
    securityContext: {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    resources: { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '250m', memory: '256Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    ...over,
  };
}

function sc(over: Record<string, unknown>): Record<string, unknown> {
  return { ...(goodContainer().securityContext as object), ...over };
}

function pod(spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): Manifest {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', ...meta }, spec: { automountServiceAccountToken: false, containers: [goodContainer()], ...spec } };
}

function deploy(spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { team: 'payments', 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web-1' }, ...meta },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [goodContainer()], ...spec } }, ...top },
  };
}

function obj(apiVersion: string, kind: string, body: Record<string, unknown>, meta: Record<string, unknown> = {}): Manifest {
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'shop', ...meta }, ...body };
}

const ns = (name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): Manifest => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels, annotations },
});

const svc = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}): Manifest =>
  obj('v1', 'Service', { spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...spec } }, meta);

const ingress = (spec: Record<string, unknown>): Manifest => obj('networking.k8s.io/v1', 'Ingress', { spec });

const cronJob = (top: Record<string, unknown>): Manifest =>
  obj('batch/v1', 'CronJob', { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [goodContainer()] } } } }, ...top } });

const crd = (version: string): Manifest => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'httproutes.gateway.networking.k8s.io', annotations: { 'gateway.networking.k8s.io/bundle-version': version, 'gateway.networking.k8s.io/channel': 'standard' } },
  spec: { group: 'gateway.networking.k8s.io', names: { kind: 'HTTPRoute', plural: 'httproutes' }, scope: 'Namespaced', versions: [] },
});

const replicaLimit: Manifest = { apiVersion: 'rules.example.com/v1', kind: 'ReplicaLimit', metadata: { name: 'replica-limit-test.example.com' }, maxReplicas: 3 };

interface Row {
  id: string;
  bad: Manifest[];
  good: Manifest[];
}

const TABLE: Row[] = [
  { id: 'ORG-K8S-101', bad: [deploy({ initContainers: [goodContainer({ name: 'init', securityContext: sc({ privileged: true }) })] })], good: [deploy()] },
  { id: 'ORG-K8S-102', bad: [pod({ containers: [goodContainer({ securityContext: sc({ allowPrivilegeEscalation: undefined }) })] })], good: [pod()] },
  { id: 'ORG-K8S-103', bad: [deploy({ containers: [goodContainer({ securityContext: sc({ runAsNonRoot: false }) })] })], good: [deploy({ securityContext: { runAsNonRoot: true }, containers: [goodContainer({ securityContext: sc({ runAsNonRoot: undefined }) })] })] },
  { id: 'ORG-K8S-104', bad: [pod({ containers: [goodContainer({ securityContext: sc({ readOnlyRootFilesystem: false }) })] })], good: [pod()] },
  { id: 'ORG-K8S-105', bad: [deploy({ hostNetwork: true })], good: [deploy({ hostNetwork: false })] },
  { id: 'ORG-K8S-106', bad: [obj('batch/v1', 'CronJob', { spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { containers: [goodContainer()], volumes: [{ name: 'root', hostPath: { path: '/' } }] } } } } } })], good: [pod({ volumes: [{ name: 'tmp', emptyDir: {} }] })] },
  { id: 'ORG-K8S-107', bad: [pod({ containers: [goodContainer({ securityContext: sc({ capabilities: { drop: ['ALL'], add: ['sys_admin'] } }) })] })], good: [pod({ containers: [goodContainer({ securityContext: sc({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }) })] })] },
  { id: 'ORG-K8S-108', bad: [pod({ containers: [goodContainer({ securityContext: sc({ capabilities: { drop: ['NET_RAW'] } }) })] })], good: [pod()] },
  { id: 'ORG-K8S-109', bad: [pod({ containers: [goodContainer({ securityContext: sc({ seccompProfile: { type: 'Unconfined' } }) })] })], good: [pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [goodContainer({ securityContext: sc({ seccompProfile: undefined }) })] })] },
  { id: 'ORG-K8S-110', bad: [deploy({ containers: [goodContainer({ ports: [{ containerPort: 8080, hostPort: 8080 }] })] })], good: [deploy()] },
  { id: 'ORG-K8S-201', bad: [pod({ containers: [goodContainer({ image: 'registry.example.com:5000/app' })] })], good: [pod({ containers: [goodContainer({ image: 'registry.example.com:5000/app:1.0' }), goodContainer({ name: 'b', image: 'registry.example.com/app@sha256:' + 'a'.repeat(64) })] })] },
  { id: 'ORG-K8S-202', bad: [deploy({ containers: [goodContainer({ image: 'docker.io/library/nginx:1.25' })] })], good: [deploy(), deploy({ containers: [goodContainer({ image: 'docker.io/library/nginx:1.25' })] }, { namespace: 'kube-system' })] },
  {
    id: 'ORG-K8S-203',
    bad: [ns('payments', { env: 'prod' }), deploy({}, { namespace: 'payments' })],
    good: [ns('payments', { env: 'prod' }), deploy({ containers: [goodContainer({ image: 'registry.example.com/app@sha256:' + 'b'.repeat(64) })] }, { namespace: 'payments' }), deploy({}, { namespace: 'shop' })],
  },
  { id: 'ORG-K8S-204', bad: [pod({ containers: [goodContainer({ image: 'registry.example.com/app:latest', imagePullPolicy: 'IfNotPresent' })] })], good: [pod({ containers: [goodContainer({ image: 'registry.example.com/app:latest', imagePullPolicy: 'Always' })] }), pod()] },
  { id: 'ORG-K8S-205', bad: [pod({ containers: [goodContainer({ name: 'App_1' })] })], good: [pod({ containers: [goodContainer({ name: 'app-1' })] })] },
  { id: 'ORG-K8S-301', bad: [deploy({ containers: [goodContainer({ resources: { requests: { cpu: '100m' } } })] })], good: [deploy()] },
  { id: 'ORG-K8S-302', bad: [pod({ containers: [goodContainer({ resources: { limits: { cpu: '1', memory: '8Gi' } } })] })], good: [pod({ containers: [goodContainer({ resources: { limits: { cpu: '1', memory: '4096Mi' } } })] })] },
  { id: 'ORG-K8S-303', bad: [pod({ containers: [goodContainer({ resources: { requests: { cpu: 2 }, limits: { cpu: '500m', memory: '1Gi' } } })] })], good: [pod({ containers: [goodContainer({ resources: { requests: { cpu: '0.5' }, limits: { cpu: '500m', memory: '1Gi' } } })] })] },
  { id: 'ORG-K8S-304', bad: [deploy({}, { namespace: 'prod' }, { replicas: 1 })], good: [deploy({}, { namespace: 'prod' }, { replicas: 3 }), deploy({}, { namespace: 'dev' }, { replicas: 1 })] },
  { id: 'ORG-K8S-305', bad: [deploy({ containers: [goodContainer({ readinessProbe: undefined })] })], good: [deploy()] },
  { id: 'ORG-K8S-306', bad: [obj('policy/v1', 'PodDisruptionBudget', { spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } } })], good: [obj('policy/v1', 'PodDisruptionBudget', { spec: { maxUnavailable: '25%', selector: { matchLabels: { app: 'web' } } } })] },
  { id: 'ORG-K8S-001', bad: [deploy({}, { labels: { app: 'web' } })], good: [deploy()] },
  { id: 'ORG-K8S-002', bad: [svc({}, { labels: { 'app.kubernetes.io/name': 'web' } })], good: [svc({}, { labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web-1' } })] },
  { id: 'ORG-K8S-003', bad: [ns('shop', { owner: 'payments' }, { 'example.com/cost-center': '1234' })], good: [ns('shop', { owner: 'payments' }, { 'example.com/cost-center': 'CC-1234' })] },
  { id: 'ORG-K8S-004', bad: [obj('v1', 'ConfigMap', { data: { a: 'b' } }, { namespace: undefined })], good: [obj('v1', 'ConfigMap', { data: { a: 'b' } })] },
  { id: 'ORG-K8S-005', bad: [deploy({}, { annotations: { 'example.com/runbook': 'http://wiki.example.com/runbooks/web' } })], good: [deploy({}, { annotations: { 'example.com/runbook': 'https://wiki.example.com/runbooks/web' } }), deploy()] },
  { id: 'ORG-K8S-006', bad: [deploy({}, { labels: { tier: 'web' } })], good: [deploy({}, { labels: { tier: 'Backend' } }), deploy()] },
  { id: 'ORG-K8S-401', bad: [svc({ type: 'LoadBalancer' })], good: [svc({ type: 'LoadBalancer' }, { namespace: 'edge' }), svc({})] },
  { id: 'ORG-K8S-402', bad: [svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })], good: [svc({ type: 'ClusterIP' })] },
  {
    id: 'ORG-K8S-403',
    bad: [ingress({ rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{ hosts: ['a.example.com'], secretName: 'a' }] })],
    good: [ingress({ rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{ hosts: ['a.example.com', 'b.example.com'], secretName: 'ab' }] })],
  },
  { id: 'ORG-K8S-404', bad: [ingress({ rules: [{ http: { paths: [] } }] }), ingress({ rules: [{ host: '*.example.com' }] })], good: [ingress({ rules: [{ host: 'shop.example.com' }] })] },
  { id: 'ORG-K8S-405', bad: [pod({ containers: [goodContainer(), goodContainer({ name: 'sidecar' })] })], good: [pod({ containers: [goodContainer(), goodContainer({ name: 'sidecar', ports: [{ containerPort: 9090 }] })] })] },
  { id: 'ORG-K8S-501', bad: [obj('rbac.authorization.k8s.io/v1', 'ClusterRole', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] }, { namespace: undefined })], good: [obj('rbac.authorization.k8s.io/v1', 'ClusterRole', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] }, { namespace: undefined })] },
  {
    id: 'ORG-K8S-502',
    bad: [obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'alice' }] }, { namespace: undefined })],
    good: [obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'platform:admins' }] }, { namespace: undefined })],
  },
  { id: 'ORG-K8S-503', bad: [obj('rbac.authorization.k8s.io/v1', 'Role', { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] })], good: [obj('rbac.authorization.k8s.io/v1', 'Role', { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] })] },
  { id: 'ORG-K8S-504', bad: [obj('v1', 'ServiceAccount', {})], good: [obj('v1', 'ServiceAccount', { automountServiceAccountToken: false }), pod()] },
  { id: 'ORG-K8S-601', bad: [deploy({ containers: [goodContainer({ env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] })] })], good: [deploy({ containers: [goodContainer({ env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }, { name: 'LOG_LEVEL', value: 'info' }] })] })] },
  { id: 'ORG-K8S-602', bad: [deploy({ containers: [goodContainer({ env: [{ name: 'B', value: '1' }, { name: 'A', value: '2' }] })] })], good: [deploy({ containers: [goodContainer({ env: [{ name: 'A', value: '2' }, { name: 'B', value: '1' }] })] })] },
  { id: 'ORG-K8S-603', bad: [obj('v1', 'ConfigMap', { data: { big: 'x'.repeat(70_000) } })], good: [obj('v1', 'ConfigMap', { data: { small: 'x' } })] },
  { id: 'ORG-K8S-604', bad: [obj('v1', 'Secret', { type: 'Opaque', data: { 'tls.key': 'LS0t' } })], good: [obj('v1', 'Secret', { type: 'kubernetes.io/tls', data: { 'tls.key': 'LS0t', 'tls.crt': 'LS0t' } })] },
  { id: 'ORG-K8S-605', bad: [cronJob({ successfulJobsHistoryLimit: 10 })], good: [cronJob({ concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 })] },
  { id: 'ORG-K8S-606', bad: [deploy({}, { annotations: { 'example.com/release': 'latest' } })], good: [deploy({}, { annotations: { 'example.com/release': 'v1.2.3-rc.1' } })] },
  // real ValidatingAdmissionPolicies
  { id: 'VAP:demo-policy.example.com', bad: [deploy({}, {}, { replicas: 6 })], good: [deploy({}, {}, { replicas: 5 })] },
  {
    id: 'VAP:image-matches-namespace-environment.policy.example.com',
    bad: [ns('staging', { environment: 'staging' }), deploy({ containers: [goodContainer({ image: 'prod.example.com/app:1' })] }, { namespace: 'staging' })],
    good: [ns('staging', { environment: 'staging' }), deploy({ containers: [goodContainer({ image: 'staging.example.com/app:1' })] }, { namespace: 'staging' })],
  },
  {
    id: 'VAP:example-deny-privileged.static.k8s.io',
    bad: [pod({ containers: [goodContainer({ securityContext: { privileged: true } })] })],
    good: [pod({ containers: [goodContainer({ securityContext: { privileged: true } })] }, { namespace: 'kube-system' }), pod()],
  },
  {
    id: 'VAP:replicalimit-policy.example.com',
    bad: [ns('qa', { environment: 'test' }), replicaLimit, deploy({}, { namespace: 'qa' }, { replicas: 4 })],
    good: [ns('qa', { environment: 'test' }), replicaLimit, deploy({}, { namespace: 'qa' }, { replicas: 3 }), deploy({}, { namespace: 'shop' }, { replicas: 9 })],
  },
  { id: 'VAP:enforce-multiple-replicas-deployments', bad: [deploy({}, {}, { replicas: 1 })], good: [deploy({}, {}, { replicas: 2 })] },
  { id: 'VAP:safe-upgrades.gateway.networking.k8s.io', bad: [crd('v1.4.2')], good: [crd('v1.6.0'), crd('v1.5.0-rc.1')] },
  { id: 'VAP:kubescape-c-0016-allow-privilege-escalation', bad: [pod({ containers: [goodContainer({ securityContext: {} })] })], good: [pod(), cronJob({})] },
  { id: 'VAP:kubescape-c-0041-deny-resources-with-host-network-access', bad: [pod({ hostNetwork: true })], good: [pod(), deploy({ hostNetwork: false })] },
  { id: 'VAP:kubescape-c-0048-deny-workloads-with-hostpath-mounts', bad: [deploy({ volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }] })], good: [deploy({ volumes: [{ name: 'tmp', emptyDir: {} }] })] },
  { id: 'VAP:kubescape-c-0057-privileged-container-denied', bad: [pod({ containers: [goodContainer({ securityContext: { privileged: true } })] })], good: [pod()] },
];

test('every fixture policy loads: 30+ Bulwark policies and 5+ real ValidatingAdmissionPolicies', () => {
  assert.deepEqual(loaded.errors.map((e) => e.message), []);
  const bulwark = loaded.rules.filter((r) => !r.id.startsWith('VAP:'));
  const vaps = loaded.rules.filter((r) => r.id.startsWith('VAP:'));
  assert.ok(bulwark.length >= 30, `only ${bulwark.length} Bulwark policies`);
  assert.ok(vaps.length >= 5, `only ${vaps.length} VAPs`);
  for (const r of loaded.rules) assert.equal(r.target, 'kubernetes');
  // the table covers every loaded policy, and only loaded ones
  assert.deepEqual([...new Set(TABLE.map((r) => r.id))].sort(), loaded.rules.map((r) => r.id).sort());
});

for (const row of TABLE) {
  test(`table: ${row.id} fires on the bad input and stays quiet on the good one`, () => {
    const rule = ruleById.get(row.id);
    assert.ok(rule, `policy ${row.id} not loaded`);
    const bad = scan(row.bad, [rule]);
    assert.deepEqual(bad.errors, []);
    assert.deepEqual(bad.ruleErrors.map((e) => String(e.error)), []);
    assert.ok(bad.findings.length > 0, `${row.id} did not fire on its bad input`);
    for (const f of bad.findings) {
      assert.equal(f.ruleId, row.id);
      assert.equal(f.file, 'manifests.yaml');
      assert.ok(f.range.startLine >= 1 && f.range.endLine >= f.range.startLine);
      assert.ok(f.message.length > 0);
    }
    const good = scan(row.good, [rule]);
    assert.deepEqual(good.ruleErrors.map((e) => String(e.error)), []);
    assert.deepEqual(good.findings.map((f) => `${f.resource}: ${f.message}`), []);
  });
}

test('findings carry the policy metadata and point at the validation path', () => {
  const rule = ruleById.get('ORG-K8S-001')!;
  assert.equal(rule.title, 'Workloads must carry a team label');
  assert.deepEqual(rule.frameworks, [{ framework: 'CIS-Kubernetes', control: '5.7.4' }]);
  const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n  labels:\n    app: web\nspec:\n  template:\n    spec:\n      containers: []\n';
  const { findings } = scanKubernetesFiles([{ path: 'd.yaml', content: Buffer.from(text) }], [rule]);
  assert.equal(findings.length, 1);
  assert.deepEqual({ ...findings[0]!.range }, { startLine: 6, endLine: 7 });
  assert.equal(findings[0]!.severity, 'low');
  assert.equal(findings[0]!.resource, 'Deployment/shop/web');
  // a path that does not exist falls back to its nearest existing ancestor
  const noLabels = scanKubernetesFiles([{ path: 'd.yaml', content: Buffer.from(text.replace('  labels:\n    app: web\n', '')) }], [rule]);
  assert.deepEqual({ ...noLabels.findings[0]!.range }, { startLine: 3, endLine: 5 });
});

test('VAP severity comes from the policy.bulwark.dev/severity annotation, else medium', () => {
  assert.equal(ruleById.get('VAP:image-matches-namespace-environment.policy.example.com')!.severity, 'high');
  assert.equal(ruleById.get('VAP:demo-policy.example.com')!.severity, 'medium');
  assert.equal(ruleById.get('VAP:enforce-multiple-replicas-deployments')!.description, 'Require that matching Deployments have multiple replicas');
});

test('VAP messages follow Kubernetes: messageExpression, else message, else "failed expression"', () => {
  const basic = scan([deploy({}, {}, { replicas: 9 })], [ruleById.get('VAP:demo-policy.example.com')!]);
  assert.equal(basic.findings[0]!.message, 'failed expression: object.spec.replicas <= 5');
  const env = scan(
    [ns('staging', { environment: 'staging' }), deploy({ containers: [goodContainer({ image: 'prod.example.com/app:1' })] }, { namespace: 'staging' })],
    [ruleById.get('VAP:image-matches-namespace-environment.policy.example.com')!],
  );
  assert.equal(env.findings[0]!.message, 'only staging images are allowed in namespace staging');
});

test('VAP namespaceObject without a scanned Namespace: synthesized, labelled kubernetes.io/metadata.name', () => {
  // no Namespace object: environment falls back to 'prod' (the label is absent), so a prod.* image passes
  const r = scan([deploy({ containers: [goodContainer({ image: 'prod.example.com/app:1' })] }, { namespace: 'orders' })], [ruleById.get('VAP:image-matches-namespace-environment.policy.example.com')!]);
  assert.deepEqual(r.ruleErrors, []);
  assert.deepEqual(r.findings, []);
  const bad = scan([deploy({ containers: [goodContainer({ image: 'dev.example.com/app:1' })] }, { namespace: 'orders' })], [ruleById.get('VAP:image-matches-namespace-environment.policy.example.com')!]);
  assert.equal(bad.findings[0]!.message, 'only prod images are allowed in namespace orders');
});

test('VAP params: binding paramRef resolves a scanned object; missing params follow parameterNotFoundAction', () => {
  const rule = ruleById.get('VAP:replicalimit-policy.example.com')!;
  const paramFile = readFileSync(join(FIX, 'manifests', 'replicalimit-param.yaml'));
  const dep = stringify(deploy({}, { namespace: 'qa' }, { replicas: 5 }));
  const qa = stringify(ns('qa', { environment: 'test' }));
  const withParam = scanKubernetesFiles(
    [{ path: 'param.yaml', content: paramFile }, { path: 'app.yaml', content: Buffer.from(`${qa}---\n${dep}`) }],
    [rule],
  );
  assert.deepEqual(withParam.findings.map((f) => f.message), ['failed expression: object.spec.replicas <= params.maxReplicas']);
  const noParam = scanKubernetesFiles([{ path: 'app.yaml', content: Buffer.from(`${qa}---\n${dep}`) }], [rule]);
  assert.equal(noParam.findings.length, 1);
  assert.match(noParam.findings[0]!.message, /no params found for binding replicalimit-binding-test\.example\.com/);
  // namespace not labelled environment=test: the binding does not apply
  const other = scanKubernetesFiles([{ path: 'param.yaml', content: paramFile }, { path: 'app.yaml', content: Buffer.from(dep) }], [rule]);
  assert.deepEqual(other.findings, []);
});

test('VAP bindings in the scanned manifests narrow the policy, and their paramRef selects params', () => {
  const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: max-containers }
spec:
  paramKind: { apiVersion: v1, kind: ConfigMap }
  matchConstraints:
    resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["*"], resources: ["pods"] }]
    excludeResourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["*"], resources: ["pods"], resourceNames: ["exempt"] }]
    objectSelector: { matchExpressions: [{ key: skip, operator: DoesNotExist }] }
  matchConditions:
    - name: not-kube-system
      expression: "request.namespace != 'kube-system'"
  validations:
    - expression: "size(object.spec.containers) <= int(params.data.max)"
      messageExpression: "'at most ' + params.data.max + ' containers'"
`;
  const { rules, errors } = loadPolicies([{ path: 'p.yaml', content: policy }]);
  assert.deepEqual(errors, []);
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'max-containers-shop' },
    spec: { policyName: 'max-containers', validationActions: ['Warn'], paramRef: { name: 'limits', parameterNotFoundAction: 'Allow' }, matchResources: { namespaceSelector: { matchLabels: { team: 'shop' } } } },
  };
  const cm = (namespace: string, max: string): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace }, data: { max } });
  const two = [goodContainer(), goodContainer({ name: 'b', ports: [] })];
  const r = scan(
    [
      binding,
      ns('shop', { team: 'shop' }),
      ns('kube-system', { team: 'shop' }),
      cm('shop', '1'),
      cm('kube-system', '1'),
      pod({ containers: two }, { name: 'fat' }),
      pod({ containers: two }, { name: 'exempt' }),
      pod({ containers: two }, { name: 'skipped', labels: { skip: 'yes' } }),
      pod({ containers: two }, { name: 'sys', namespace: 'kube-system' }),
      pod({ containers: two }, { name: 'elsewhere', namespace: 'other' }),
      pod({}, { name: 'thin' }),
    ],
    rules,
  );
  assert.deepEqual(r.ruleErrors.map((e) => String(e.error)), []);
  assert.deepEqual(r.findings.map((f) => `${f.resource}: ${f.message}`), ['Pod/shop/fat: at most 1 containers']);
});

test('a runtime evaluation error is a finding-free diagnostic through onRuleError, naming the policy line', () => {
  const typo = readFileSync(join(FIX, 'hostile', 'k8s-docs-typechecking.yaml'));
  const { rules, errors } = loadPolicies([{ path: 'typecheck.yaml', content: typo }]);
  assert.deepEqual(errors, []);
  const r = scan([deploy({}, {}, { replicas: 1 }), obj('v1', 'ConfigMap', {})], rules);
  assert.deepEqual(r.findings, []);
  assert.equal(r.ruleErrors.length, 1);
  const e = r.ruleErrors[0]!.error;
  assert.ok(e instanceof PolicyEvaluationError);
  assert.equal(e.ruleId, 'VAP:replica-policy.example.com');
  assert.equal(e.resource, 'Deployment/shop/web');
  assert.equal(e.failurePolicy, 'Fail');
  assert.deepEqual(e.failures.map((f) => [f.policyFile, f.line]), [['typecheck.yaml', 32]]);
  assert.match(e.message, /No such key: replicas/);
  assert.match(e.message, /admission would reject it/);
});

test('time guard: a policy over maxEvalMillis on one object is switched off for the rest of that scan only', () => {
  const { rules } = loadPolicies([{ path: 'p.yaml', content: minimal('object.metadata.name != ""') }], { maxEvalMillis: -1 });
  const manifests = [pod({}, { name: 'a' }), pod({}, { name: 'b' })];
  const first = scan(manifests, rules);
  assert.deepEqual(first.findings, []);
  assert.deepEqual(first.ruleErrors.map((e) => (e.error as PolicyEvaluationError).failures[0]!.message.replace(/took [0-9]+ ms/, 'took N ms')), [
    'disabled for this scan: evaluating Pod/shop/a took N ms (limit -1 ms)',
    'disabled for this scan: evaluating Pod/shop/a took N ms (limit -1 ms)',
  ]);
  // a new scan (a new object set) starts with the policy enabled again
  assert.equal(scan(manifests, rules).ruleErrors.length, 2);
});

// ---------- hostile policy input ----------

function loadOne(path: string, content: string | Buffer) {
  return loadPolicies([{ path, content }]);
}

function onlyError(r: ReturnType<typeof loadPolicies>): PolicyError {
  assert.equal(r.rules.length, 0, 'no rule should load');
  assert.equal(r.errors.length, 1, r.errors.map((e) => e.message).join('\n'));
  const e = r.errors[0]!;
  assert.ok(e instanceof InputError && e instanceof PolicyError);
  return e;
}

const minimal = (expression: string, extra = ''): string => `apiVersion: policy.bulwark.dev/v1
kind: Policy
metadata: { name: x }
spec:
  id: ORG-X-1${extra}
  validations:
    - expression: ${JSON.stringify(expression)}
`;

test('hostile: CEL syntax and type errors name file, line of the expression and the parser message', () => {
  const bad = readFileSync(join(FIX, 'hostile', 'bad-cel.yaml'));
  const r = loadOne('hostile/bad-cel.yaml', bad);
  assert.equal(r.rules.length, 1, 'the good policy of the file still loads');
  const got = r.errors.map((e) => [(e as PolicyError).line, (e as PolicyError).path, e.message.replace(/^hostile\/bad-cel\.yaml: line \d+: /, '')]);
  assert.deepEqual(got, [
    [13, 'spec.validations[0].expression', 'spec.validations[0].expression: CEL compile error: Unexpected token: RPAREN (character 138)'],
    [24, 'spec.validations[0].expression', "spec.validations[0].expression: CEL compile error: found no matching overload for 'dyn.startWith(string)' (character 1)"],
    [32, 'spec.validations[0].expression', 'spec.validations[0].expression: CEL compile error: invalid RE2 pattern "(?=lookahead)": error parsing regexp: invalid or unsupported Perl syntax: `(?=` (character 30)'],
    [40, 'spec.variables[0].expression', 'spec.variables[0].expression: CEL compile error: Unknown variable: authorizer (character 1) (authorizer checks need a live API server; not available offline)'],
  ]);
  for (const e of r.errors) assert.equal(e.file, 'hostile/bad-cel.yaml');
});

test('hostile: a real VAP with a typo (startWith) from the Kubernetes docs is rejected at its line', () => {
  const e = onlyError(loadOne('match-conditions.yaml', readFileSync(join(FIX, 'hostile', 'k8s-docs-match-conditions-typo.yaml'))));
  assert.equal(e.line, 24);
  assert.match(e.message, /startWith/);
});

test('hostile: unknown kinds, unsupported versions, bad fields and duplicate ids', () => {
  const unknown = onlyError(loadOne('u.yaml', readFileSync(join(FIX, 'hostile', 'unknown-kind.yaml'))));
  assert.equal(unknown.line, 4);
  assert.equal(unknown.path, 'kind');
  assert.match(unknown.message, /unknown policy kind "Polcy"/);
  const version = onlyError(loadOne('v.yaml', 'apiVersion: policy.bulwark.dev/v9\nkind: Policy\nspec: {}\n'));
  assert.equal(version.line, 1);
  assert.match(version.message, /unsupported apiVersion/);
  const typo = onlyError(loadOne('t.yaml', minimal('true') + '  valdiations: []\n'));
  assert.equal(typo.line, 8);
  assert.match(typo.message, /unknown field "valdiations"/);
  const sev = onlyError(loadOne('s.yaml', minimal('true') + '  severity: urgent\n'));
  assert.match(sev.message, /spec\.severity: unknown value "urgent"/);
  assert.equal(sev.expected, 'low | medium | high | critical');
  const reserved = onlyError(loadOne('r.yaml', minimal('true').replace('ORG-X-1', 'BLW-K8S-016')));
  assert.match(reserved.message, /reserved for built-in rules/);
  const dup = loadPolicies([{ path: 'a.yaml', content: minimal('true') }, { path: 'b.yaml', content: minimal('false') }]);
  assert.equal(dup.rules.length, 1);
  assert.equal(dup.errors.length, 1);
  assert.match(dup.errors[0]!.message, /^b\.yaml: line 1: spec\.id: duplicate policy id ORG-X-1 \(first defined in a\.yaml line 1\)/);
  const noKind = onlyError(loadOne('k.yaml', 'apiVersion: v1\nmetadata: {}\n'));
  assert.match(noKind.message, /missing apiVersion or kind/);
  const selector = onlyError(loadOne('sel.yaml', minimal('true') + '  match:\n    objectSelector:\n      matchExpressions: [{ key: a, operator: Near, values: [b] }]\n'));
  assert.equal(selector.line, 10);
  assert.match(selector.message, /operator: unknown value "Near"/);
});

test('hostile: a huge expression is a limit error at its line', () => {
  const huge = Array.from({ length: 2000 }, (_, i) => `object.a${i} == ${i}`).join(' || ');
  const e = onlyError(loadOne('huge.yaml', minimal(huge)));
  assert.equal(e.kind, 'limit');
  assert.equal(e.line, 7);
  assert.match(e.message, /expression longer than 5120 characters/);
  const deep = onlyError(loadOne('deep.yaml', minimal('('.repeat(200) + 'true' + ')'.repeat(200))));
  assert.equal(deep.line, 7);
  assert.match(deep.message, /maxDepth/);
  const wide = onlyError(loadOne('wide.yaml', minimal(`[${Array.from({ length: 1200 }, () => '1').join(',')}].size() > 0`)));
  assert.match(wide.message, /maxListElements/);
});

test('hostile: YAML alias bomb, oversize file, deep nesting and broken YAML are InputErrors with file and line', () => {
  const bomb = onlyError(loadOne('bomb.yaml', readFileSync(join(FIX, 'hostile', 'alias-bomb.yaml'))));
  assert.equal(bomb.kind, 'limit');
  assert.equal(bomb.file, 'bomb.yaml');
  assert.equal(bomb.line, 3); // the first alias
  assert.match(bomb.message, /too many YAML aliases/);
  const big = onlyError(loadPolicies([{ path: 'big.yaml', content: minimal('true') + '#' + 'x'.repeat(2 * 1024 * 1024) }]));
  assert.equal(big.kind, 'limit');
  assert.equal(big.line, 1);
  const nested = onlyError(loadOne('nested.yaml', 'a: ' + '['.repeat(100) + ']'.repeat(100)));
  assert.match(nested.message, /nesting deeper than 64/);
  const broken = onlyError(loadOne('broken.yaml', 'apiVersion: policy.bulwark.dev/v1\nkind: Policy\nspec:\n  id: [unclosed\n'));
  assert.equal(broken.file, 'broken.yaml');
  assert.ok(broken.line >= 4);
});

test('cost guard: nested comprehensions over large lists give a diagnostic, not a hang', () => {
  const policy = minimal('object.items.all(a, object.items.all(b, object.items.all(c, a + b + c >= 0)))').replace('validations', 'match: { kinds: [Big] }\n  validations');
  const { rules, errors } = loadOne('cost.yaml', policy);
  assert.deepEqual(errors, []);
  const big = { apiVersion: 'example.com/v1', kind: 'Big', metadata: { name: 'b', namespace: 'x' }, items: Array.from({ length: 500 }, (_, i) => i) };
  const small = { ...big, metadata: { name: 's', namespace: 'x' }, items: [1, 2, 3] };
  const started = Date.now();
  const r = scan([big, small], rules);
  assert.ok(Date.now() - started < 5000);
  assert.deepEqual(r.findings, []);
  assert.equal(r.ruleErrors.length, 1);
  assert.match(String(r.ruleErrors[0]!.error), /Big\/x\/b.*estimated cost .* exceeds the limit 10000000/);
});

test('regular expressions run in linear time (no ReDoS), with RE2 syntax errors from data reported at run time', () => {
  const policy = minimal("object.data.all(k, !object.data[k].matches(object.metadata.annotations.pattern))").replace('validations', 'match: { kinds: [ConfigMap] }\n  validations');
  const { rules } = loadOne('redos.yaml', policy);
  const evil = obj('v1', 'ConfigMap', { data: { v: 'a'.repeat(5000) + '!' } }, { annotations: { pattern: '^(a+)+$' } });
  const started = Date.now();
  const r = scan([evil], rules);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  assert.deepEqual(r.ruleErrors, []);
  assert.deepEqual(r.findings, []);
  const bad = scan([obj('v1', 'ConfigMap', { data: { v: 'x' } }, { annotations: { pattern: '(a)\\1' } })], rules);
  assert.equal(bad.ruleErrors.length, 1);
  assert.match(String(bad.ruleErrors[0]!.error), /invalid RE2 pattern "\(a\)\\\\1"/);
});

// ---------- real manifests from the shared corpus ----------

const CASES = [
  'checkov__CKV_K8S_16__example_PrivilegedContainers',
  'checkov__CKV_K8S_20__example_AllowPrivilegeEscalation',
  'checkov__CKV_K8S_21__example_DefaultNamespace',
  'kube-linter__host-network',
  'kube-linter__latest-tag',
  'kube-linter__wildcard-in-rules',
  'kube-linter__env-var-secret',
  'kubescape__rule-privileged-container__cronjob',
  'kubescape__alert-any-hostpath__pod-multiple-mounts',
  'pss__baseline__fail__privileged0',
  'trivy__KSV-0005__SYS_ADMIN_capability__bad0',
  'trivy__KSV-0024__access_to_host_ports__bad0',
  'trivy__KCV-0093__insecure_ingress_nginx__good0',
];

function corpusCase(name: string): { inputs: { path: string; content: Buffer }[]; expected: { per_file_labels?: { file: string; rule: string; label: string }[] } } {
  const dir = join(sharedDir(), 'corpus', 'k8s', 'cases', name);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { inputs: string[]; per_file_labels?: { file: string; rule: string; label: string }[] };
  return { inputs: expected.inputs.map((p) => ({ path: p, content: readFileSync(join(dir, p)) })), expected };
}

const corpusMissing = !existsSync(join(sharedDir(), 'corpus', 'k8s', 'cases'));

test('golden: findings and diagnostics of every fixture policy on real corpus manifests', { skip: corpusMissing && 'shared corpus missing (set BULWARK_SHARED)' }, () => {
  const got = CASES.map((name) => {
    const { inputs } = corpusCase(name);
    const diagnostics: string[] = [];
    const { findings, errors } = scanKubernetesFiles(inputs, loaded.rules, {
      onRuleError: (_rule, e) => diagnostics.push(e instanceof PolicyEvaluationError ? `${e.ruleId} on ${e.resource}: ${e.failures.map((f) => `${f.policyFile}:${f.line}: ${f.message}`).join(' | ')}` : `UNEXPECTED ${String(e)}`),
    });
    assert.deepEqual(errors, [], name);
    return {
      case: name,
      findings: findings.map((f) => `${f.ruleId} ${f.file}:${f.range.startLine}-${f.range.endLine} ${f.resource} | ${f.message}`),
      diagnostics,
    };
  });
  for (const c of got) for (const d of c.diagnostics) assert.ok(!d.startsWith('UNEXPECTED'), d);
  const goldenPath = join(FIX, 'expected.json');
  if (UPDATE_GOLDEN) writeFileSync(goldenPath, JSON.stringify(got, null, 2) + '\n');
  assert.deepEqual(got, JSON.parse(readFileSync(goldenPath, 'utf8')));
});

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController']);

test('corpus cross-check: equivalent policies agree with the upstream per-file labels', { skip: corpusMissing && 'shared corpus missing (set BULWARK_SHARED)' }, () => {
  const pairs: [string, string, string][] = [
    ['checkov__CKV_K8S_16__example_PrivilegedContainers', 'CKV_K8S_16', 'ORG-K8S-101'],
    ['checkov__CKV_K8S_20__example_AllowPrivilegeEscalation', 'CKV_K8S_20', 'ORG-K8S-102'],
  ];
  for (const [name, upstream, ours] of pairs) {
    const { inputs, expected } = corpusCase(name);
    const { findings } = scanKubernetesFiles(inputs, [ruleById.get(ours)!], { onRuleError: () => {} });
    const fired = new Set(findings.map((f) => f.file));
    // upstream also labels kinds our policy does not cover (OpenShift DeploymentConfig): compare on covered files only
    const covered = new Set(inputs.filter((f) => (parseKubernetes(f.path, f.content).ok ? (parseKubernetes(f.path, f.content) as { value: { kind: string }[] }).value : []).some((r) => WORKLOAD_KINDS.has(r.kind))).map((f) => f.path));
    // and upstream's "malformed" files (containers as a map) are objects the API server would refuse outright
    const labels = (expected.per_file_labels ?? []).filter((l) => l.rule === upstream && l.label !== 'unknown' && covered.has(l.file) && !l.file.includes('malformed'));
    assert.ok(labels.length >= 2, name);
    for (const l of labels) assert.equal(fired.has(l.file), l.label === 'fail', `${ours} on ${name}/${l.file} (upstream: ${l.label})`);
  }
  // the Kubernetes docs deny-privileged VAP and our ORG-K8S-101 agree on the Pod Security fixture
  const { inputs } = corpusCase('pss__baseline__fail__privileged0');
  const vap = scanKubernetesFiles(inputs, [ruleById.get('VAP:example-deny-privileged.static.k8s.io')!]).findings;
  const ours = scanKubernetesFiles(inputs, [ruleById.get('ORG-K8S-101')!]).findings;
  assert.equal(vap.length, 1);
  assert.deepEqual(vap.map((f) => f.resource), ours.map((f) => f.resource));
});

// ---------- fuzz ----------

const FRAGMENTS = [
  'object', '.metadata', '.spec', '.name', '.?labels', '.orValue({})', '.hasValue()', 'has(', ')', '(', '.all(c, ', ' && ', ' || ', '!', ' == ',
  '1', '"s"', 'true', 'null', '[]', '{}', ' in ', ' ? ', ' : ', '.size()', '.matches("(")', '\u00e9', '"\\u0000"', '[0]', ',', '.?',
];

/** Mostly well-formed random CEL over the policy variables: the evaluator, not the parser, is what this fuzzes. */
function randomExpression(rand: () => number, depth = 0): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const path = (): string => pick(['object', 'object.metadata', 'object.spec', 'object.spec.containers', 'object.metadata.labels', 'object.spec.template.spec', 'params', 'namespaceObject', 'request', 'oldObject', 'variables.v']) +
    pick(['', '.name', '.kind', '.image', '[0]', '.?labels', '.?spec.?replicas.orValue(1)', '["a"]', '.size()']);
  const lit = (): string => pick(['1', '0', '-1', '2.5', '"a"', "'web'", 'true', 'false', 'null', '[]', '[1, "x"]', '{"a": 1}', 'quantity("1Gi")', 'duration("1h")', '9223372036854775807', 'b"x"', '1u']);
  if (depth > 3 || rand() < 0.3) return rand() < 0.6 ? path() : lit();
  const sub = (): string => randomExpression(rand, depth + 1);
  switch (Math.floor(rand() * 12)) {
    case 0: return `${sub()} ${pick(['==', '!=', '<', '>=', '+', '-', '*', '/', '%', 'in', '&&', '||'])} ${sub()}`;
    case 1: return `!${sub()}`;
    case 2: return `(${sub()})`;
    case 3: return `has(${path().replace(/\.size\(\)$/, '')}.x)`;
    case 4: return `${path()}.${pick(['all', 'exists', 'exists_one', 'map', 'filter'])}(c, ${sub()})`;
    case 5: return `${sub()} ? ${sub()} : ${sub()}`;
    case 6: return `size(${sub()})`;
    case 7: return `${pick(['int', 'uint', 'double', 'string', 'dyn', 'type'])}(${sub()})`;
    case 8: return `${path()}.${pick(['startsWith("a")', 'matches("^[a-z]+$")', 'lowerAscii()', 'split(",")', 'find("[0-9]+")', 'isSorted()', 'sum()', 'max()', 'indexOf(1)', 'charAt(3)', 'replace("a", "b")'])}`;
    case 9: return `${pick(['quantity', 'url', 'isURL', 'isQuantity', 'matches'])}(${pick(['"1Gi"', '"x"', '"https://a/b?c=d"', path(), '"", "("'])})`;
    case 10: return `[${sub()}, ${sub()}]`;
    default: return Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(FRAGMENTS)).join('');
  }
}

test('fuzz: random expressions and random objects never throw out of loadPolicies or the scan', () => {
  const rand = seededRandom(0xce1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const manifests: Manifest[] = [pod(), deploy(), svc({}), ns('shop', { team: 'shop' }), cronJob({}), obj('v1', 'ConfigMap', { data: { a: '1' } })];
  let compiled = 0;
  let evalErrors = 0;
  for (let i = 0; i < 300; i++) {
    const expr = randomExpression(rand);
    const variable = randomExpression(rand);
    const doc = `apiVersion: policy.bulwark.dev/v1
kind: Policy
metadata: { name: fuzz-${i} }
spec:
  id: FUZZ-${i}
  variables: [{ name: v, expression: ${JSON.stringify(rand() < 0.5 ? variable : 'object.metadata')} }]
  validations:
    - expression: ${JSON.stringify(expr)}
      messageExpression: ${JSON.stringify(rand() < 0.5 ? randomExpression(rand) : "'m'")}
`;
    let result: ReturnType<typeof loadPolicies> | undefined;
    assert.doesNotThrow(() => (result = loadPolicies([{ path: `fuzz-${i}.yaml`, content: doc }])), expr);
    for (const e of result!.errors) {
      assert.ok(e instanceof PolicyError, String(e));
      assert.equal(e.file, `fuzz-${i}.yaml`);
    }
    if (result!.rules.length === 0) continue;
    compiled++;
    // mutate a manifest: swap a random field for a value of another type
    const m = structuredClone(pick(manifests)) as Record<string, unknown>;
    const spec = (m.spec ?? {}) as Record<string, unknown>;
    const keys = Object.keys(spec);
    if (keys.length > 0) spec[pick(keys)] = pick<unknown>([null, 0, 'x', [], {}, [1, 'a'], { a: { b: [] } }, true, 1.5]);
    const r = scan([m], result!.rules);
    for (const e of r.ruleErrors) {
      assert.ok(e.error instanceof PolicyEvaluationError, `${expr}: ${String(e.error)}`);
      evalErrors++;
    }
  }
  assert.ok(compiled > 80, `only ${compiled} random expressions compiled`);
  assert.ok(evalErrors > 0);
  // random bytes as policy files
  for (let i = 0; i < 100; i++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 128)));
    assert.doesNotThrow(() => loadPolicies([{ path: 'noise.yaml', content: bytes }]));
  }
});
