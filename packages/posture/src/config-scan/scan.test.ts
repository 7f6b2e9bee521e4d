import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { sharedPath } from '@bulwark/core/testing';
import { detectConfigType, findRule, ruleCatalog, scanConfigSources, scanConfigTree, scanKubernetesSnapshot, selectRules } from './index.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: app\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n';

test('detectConfigType: by name and by content', () => {
  const rows: [string, string, ReturnType<typeof detectConfigType>][] = [
    ['Dockerfile', 'FROM alpine\n', 'dockerfile'],
    ['Containerfile', 'FROM alpine\n', 'dockerfile'],
    ['build/api.Dockerfile', 'FROM alpine\n', 'dockerfile'],
    ['Dockerfile.prod', 'FROM alpine\n', 'dockerfile'],
    ['Dockerfile.md', '# docs', undefined],
    ['main.tf', 'resource "x" "y" {}\n', 'terraform'],
    ['prod.tfvars', 'a = 1\n', 'terraform'],
    ['main.tf.json', '{}', 'tf-json'],
    ['plan.json', '{"format_version":"1.2","planned_values":{"root_module":{}}}', 'terraform'],
    ['changes.json', '{"resource_changes":[]}', 'terraform'],
    ['stack.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n', 'cloudformation'],
    ['stack.json', '{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}', 'cloudformation'],
    ['stack.yml', 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n', 'cloudformation'],
    ['compose.yaml', 'services: {}\n', 'compose'],
    ['docker-compose.prod.yml', 'services: {}\n', 'compose'],
    ['stack/app.yml', 'services:\n  web:\n    image: nginx\n', 'compose'],
    ['pod.yaml', POD, 'kubernetes'],
    ['multi.yaml', '# c\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n', 'kubernetes'],
    ['svc.json', '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}}', 'kubernetes'],
    ['broken.json', '{"apiVersion": "v1", "kind": "Pod", ', 'kubernetes'],
    ['values.yaml', 'replicaCount: 1\nimage: nginx\n', undefined],
    ['package.json', '{"name":"x","version":"1.0.0"}', undefined],
    ['list.json', '[{"apiVersion":"v1","kind":"Pod"}]', undefined],
    ['chart/templates/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n', 'template'],
    ['README.md', 'apiVersion: v1\nkind: Pod\n', undefined],
  ];
  for (const [path, content, want] of rows) assert.equal(detectConfigType(path, Buffer.from(content)), want, path);
});

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-config-scan-'));
  const files: Record<string, string> = {
    'k8s/pod.yaml': POD,
    'k8s/np.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: app\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
    'Dockerfile': 'FROM ubuntu:latest\nUSER root\n',
    'infra/main.tf': 'module "b" {\n  source = "../modules/bucket"\n  name   = "x"\n}\n',
    'modules/bucket/main.tf': 'variable "name" {}\nresource "aws_s3_bucket" "this" {\n  bucket = var.name\n  acl    = "public-read"\n}\n',
    'cfn/stack.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n',
    'compose.yaml': 'services:\n  app:\n    image: app:1\n    privileged: true\n',
    'node_modules/x/pod.yaml': POD,
    'vendor/pod.yaml': POD,
    '.git/pod.yaml': POD,
    'big/pod.yaml': POD + '#'.repeat(4096),
    'bad/broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "unterminated\n',
    'notes/values.yaml': 'replicaCount: 2\n',
  };
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  symlinkSync('..', join(dir, 'k8s', 'loop')); // a directory loop: entered once
  symlinkSync('missing', join(dir, 'k8s', 'dangling.yaml'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('scanConfigTree: every type, relative paths, skipped folders, size limit, symlink loop, bad file reported', async () => {
  const r = await scanConfigTree(dir, { limits: { maxFileBytes: 2048 } });
  const files = r.files.map((f) => `${f.type} ${f.path}`).sort();
  assert.deepEqual(files, [
    'cloudformation cfn/stack.yaml',
    'compose compose.yaml',
    'dockerfile Dockerfile',
    'kubernetes bad/broken.yaml',
    'kubernetes k8s/np.yaml',
    'kubernetes k8s/pod.yaml',
    'terraform infra/main.tf',
    'terraform modules/bucket/main.tf',
  ]);
  for (const f of r.findings) assert.ok(!f.file.startsWith('/') && existsSync(join(dir, f.file)), `relative path ${f.file}`);
  const has = (id: string, file: string) => r.findings.some((f) => f.ruleId === id && f.file === file);
  assert.ok(has('BLW-K8S-001', 'k8s/pod.yaml'), 'privileged pod');
  assert.ok(!has('BLW-K8S-401', 'k8s/pod.yaml'), 'the NetworkPolicy in another file selects the pod (files scanned together)');
  assert.ok(has('BLW-DF-002', 'Dockerfile'));
  assert.ok(r.findings.some((f) => f.ruleId === 'BLW-AWS-006' && f.file === 'modules/bucket/main.tf' && f.resource === 'module.b.aws_s3_bucket.this'), 'module resolved across folders');
  assert.ok(has('BLW-DC-001', 'compose.yaml'));
  assert.ok(r.findings.some((f) => f.file === 'cfn/stack.yaml'));
  const errs = r.errors.map((e) => `${e.path}: ${e.error}`).join('\n');
  assert.match(errs, /big\/pod\.yaml.*maxFileBytes=2048/);
  assert.match(errs, /bad\/broken\.yaml: line \d+/);
  assert.doesNotMatch(JSON.stringify(r), /node_modules|vendor\/|\.git\//);
});

test('scanConfigTree: a single file is reported by its name; rule selection by id and alias', async () => {
  const r = await scanConfigTree(join(dir, 'k8s', 'pod.yaml'), { include: ['KSV017'] });
  assert.deepEqual(r.files, [{ path: 'pod.yaml', type: 'kubernetes' }]);
  assert.deepEqual([...new Set(r.findings.map((f) => f.ruleId))], ['BLW-K8S-001']);
  const skipped = await scanConfigTree(join(dir, 'k8s', 'pod.yaml'), { exclude: ['BLW-K8S-001'] });
  assert.ok(skipped.findings.length > 0 && !skipped.findings.some((f) => f.ruleId === 'BLW-K8S-001'));
});

test('scanConfigSources: inventory lists resources per target', () => {
  const r = scanConfigSources([{ path: 'p.yaml', content: Buffer.from(POD) }, { path: 'Dockerfile', content: Buffer.from('FROM a:1\n') }], { inventory: true });
  assert.deepEqual(r.resources?.map((x) => `${x.target} ${x.type} ${x.name}`), ['kubernetes Pod Pod/app/p', 'dockerfile Dockerfile Dockerfile']);
});

test('scanKubernetesSnapshot: a kubectl List is scanned with the RBAC rules; junk is an InputError', () => {
  const list = { apiVersion: 'v1', kind: 'List', items: [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'app' }, spec: { containers: [{ name: 'c', image: 'busybox:1', securityContext: { privileged: true } }] } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'anon' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'system:anonymous' }] },
  ] };
  const r = scanKubernetesSnapshot('cluster.json', Buffer.from(JSON.stringify(list, null, 2)));
  assert.ok(r.findings.some((f) => f.ruleId === 'BLW-K8S-001' && f.file === 'cluster.json'));
  assert.ok(r.findings.some((f) => f.ruleId === 'BLW-K8S-330'), 'cluster-admin binding');
  assert.throws(() => scanKubernetesSnapshot('x.json', Buffer.from('{"a": 1}')), /no Kubernetes object/);
  assert.throws(() => scanKubernetesSnapshot('x.yaml', Buffer.from('a: [1,\n')), /x\.yaml/);
});

test('catalog: unique ids, every rule has a target; selection and lookup by alias', () => {
  const rules = ruleCatalog();
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length);
  assert.ok(rules.length > 300);
  for (const r of rules) assert.ok(r.targets.length > 0 && r.title && r.remediation, r.id);
  assert.equal(findRule('ckv_k8s_16')?.id, 'BLW-K8S-001');
  assert.equal(findRule('BLW-DF-002')?.title, "Base image uses the ':latest' tag");
  assert.equal(findRule('nope'), undefined);
  assert.deepEqual(selectRules(rules, { include: ['DL3007'] }).map((r) => r.id), rules.filter((r) => r.aliases.includes('DL3007')).map((r) => r.id));
});

test('corpus: scans the shared Kubernetes corpus tree', async (t) => {
  const root = sharedPath('corpus', 'k8s', 'cases');
  if (!existsSync(root)) return t.skip(`shared corpus not found at ${root}`);
  const r = await scanConfigTree(root);
  assert.ok(r.files.length > 1000, `files ${r.files.length}`);
  assert.ok(r.files.every((f) => f.type === 'kubernetes'));
  assert.ok(r.findings.length > 10_000, `findings ${r.findings.length}`);
  // the two checkov fixtures with an unterminated quote are the only files that do not parse
  assert.ok(r.errors.length <= 5, JSON.stringify(r.errors));
});
