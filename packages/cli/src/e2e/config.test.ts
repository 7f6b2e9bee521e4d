// End to end: the built CLI on the config-tree fixture (all five file types), hostile files, snapshots, rules,
// compliance and netpol. JSON is validated against config-report.schema.json, SARIF against the official SARIF 2.1.0
// schema shipped in @microsoft/jest-sarif (lib/schemas/sarif-2.1.0-rtm.5.json, draft-04, hence ajv-draft-04).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import AjvDraft04Module from 'ajv-draft-04';
import type * as Sarif from 'sarif';
import { runCli } from './run-cli.js';

const here = dirname(fileURLToPath(import.meta.url));
const TREE = join(here, 'fixtures', 'config-tree');
const BAD = join(here, 'fixtures', 'config-bad');
const require = createRequire(import.meta.url);
// CommonJS default exports seen through ESM interop
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const AjvDraft04 = ((AjvDraft04Module as unknown as { default?: unknown }).default ?? AjvDraft04Module) as unknown as typeof Ajv;
let work: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'bulwark-config-e2e-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

function json<T>(args: string[], cwd?: string): T {
  const r = runCli(args, cwd ? { cwd } : {});
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

function validator(schemaFile: string): (doc: unknown) => void {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
  return (doc) => assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

function sarifValidator(): (doc: unknown) => void {
  const file = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  // The schema's `language` pattern has a stray ']' that is invalid under the u flag; compile its patterns without it.
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
  return (doc) => assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

interface ConfigReport {
  files: { path: string; type: string }[];
  findings: { ruleId: string; file: string; severity: string; aliases: string[]; range: { startLine: number }; resource?: string; message: string; suppressed?: { reason?: string } }[];
  rules: { id: string }[];
  summary: { files: number; findings: number; suppressed: number };
  status: { fileErrors: { path: string; error: string }[] };
}

test('scan config: a tree mixing all five file types (table)', () => {
  const r = runCli(['scan', 'config', TREE]);
  assert.equal(r.status, 0, r.stderr);
  for (const head of ['k8s/deployment.yaml (kubernetes)', 'k8s/rbac.yaml (kubernetes)', 'docker/Dockerfile (dockerfile)', 'docker/worker.Dockerfile (dockerfile)', 'terraform/main.tf (terraform)', 'terraform/modules/bucket/main.tf (terraform)', 'cloudformation/template.yaml (cloudformation)', 'compose/docker-compose.yml (compose)']) {
    assert.ok(r.stdout.includes(head), `section ${head}`);
  }
  assert.match(r.stdout, /│ BLW-K8S-001 │ HIGH\s+│ Deployment\/shop\/web\s+│ 25\s+│ Container runs privileged/);
  assert.match(r.stdout, /Files scanned: 10, with findings: \d+\nFindings: \d+ \(CRITICAL: \d+/);
  assert.doesNotMatch(r.stdout, /never-scanned|values\.yaml|README/);
});

test('scan config: JSON follows config-report.schema.json; paths relative; modules resolved', () => {
  const doc = json<ConfigReport>(['scan', 'config', TREE, '-f', 'json']);
  validator(join(here, '../../../scanner/src/report/config-report.schema.json'))(doc);
  assert.deepEqual(doc.files.map((f) => `${f.type} ${f.path}`), [
    'cloudformation cloudformation/template.yaml', 'compose compose/docker-compose.yml', 'dockerfile docker/Dockerfile', 'dockerfile docker/worker.Dockerfile',
    'kubernetes k8s/deployment.yaml', 'kubernetes k8s/rbac.yaml', 'kubernetes k8s/service.json', 'terraform terraform/main.tf', 'terraform terraform/modules/bucket/main.tf', 'terraform terraform/terraform.tfvars',
  ]);
  assert.ok(doc.findings.some((f) => f.ruleId === 'BLW-AWS-006' && f.file === 'terraform/modules/bucket/main.tf'));
  assert.ok(doc.findings.some((f) => f.ruleId === 'BLW-AWS-075' && f.file === 'cloudformation/template.yaml' && f.range.startLine === 14));
  assert.ok(doc.findings.some((f) => f.ruleId === 'BLW-DC-003' && f.file === 'compose/docker-compose.yml'));
  assert.ok(doc.findings.some((f) => f.ruleId === 'BLW-K8S-330' && f.file === 'k8s/rbac.yaml'));
  assert.deepEqual(doc.rules.map((r) => r.id), [...new Set(doc.findings.map((f) => f.ruleId))].sort());
  assert.equal(doc.summary.findings, doc.findings.length);
});

test('scan config: SARIF validates against the official SARIF 2.1.0 schema and carries rule metadata', () => {
  const out = join(work, 'tree.sarif');
  const r = runCli(['scan', 'config', TREE, '-f', 'sarif', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  const log = JSON.parse(readFileSync(out, 'utf8')) as Sarif.Log;
  sarifValidator()(log);
  assert.equal(log.runs.length, 1);
  const run = log.runs[0]!;
  const rules = run.tool.driver.rules ?? [];
  const used = new Set((run.results ?? []).map((x) => x.ruleId));
  assert.deepEqual(rules.map((x) => x.id).sort(), [...used].sort(), 'every rule used, once');
  for (const rule of rules) {
    assert.ok(rule.name && !/\s/.test(rule.name) && rule.shortDescription?.text && rule.fullDescription?.text && rule.help?.text && rule.help.markdown && rule.helpUri, rule.id);
    assert.ok(Array.isArray(rule.properties?.aliases) && Array.isArray(rule.properties?.frameworks), rule.id);
    assert.match(String(rule.properties?.['security-severity']), /^\d+\.\d$/);
  }
  const priv = rules.find((x) => x.id === 'BLW-K8S-001')!;
  assert.ok((priv.properties?.aliases as string[]).includes('KSV017'));
  assert.ok((priv.properties?.frameworks as string[]).includes('cis-kubernetes-1.9:5.2.2'));
  for (const res of run.results ?? []) {
    assert.equal(rules[res.ruleIndex!]!.id, res.ruleId);
    const loc = res.locations![0]!.physicalLocation!;
    assert.ok(!loc.artifactLocation!.uri!.startsWith('/') && loc.region!.startLine! >= 1 && loc.region!.endLine! >= loc.region!.startLine!);
  }
});

test('scan config: --severity, --rules/--skip-rules by alias, --exit-code', () => {
  const high = json<ConfigReport>(['scan', 'config', TREE, '-f', 'json', '--severity', 'critical']);
  assert.ok(high.findings.length > 0 && high.findings.every((f) => f.severity === 'critical'));
  const only = json<ConfigReport>(['scan', 'config', TREE, '-f', 'json', '--rules', 'KSV017,DL3007']);
  assert.deepEqual([...new Set(only.findings.map((f) => f.ruleId))].sort(), ['BLW-DF-002', 'BLW-K8S-001']);
  const skip = json<ConfigReport>(['scan', 'config', TREE, '-f', 'json', '--skip-rules', 'BLW-K8S-001']);
  assert.ok(!skip.findings.some((f) => f.ruleId === 'BLW-K8S-001') && skip.findings.length > 0);
  assert.equal(runCli(['scan', 'config', TREE, '--exit-code', '3', '-o', join(work, 'x.txt')]).status, 3);
  assert.equal(runCli(['scan', 'config', join(TREE, 'terraform'), '--rules', 'BLW-K8S-001', '--exit-code', '3']).status, 0, 'no finding, no gate');
  const bad = runCli(['scan', 'config', TREE, '--rules', 'NOPE-1']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--rules: unknown rule "NOPE-1"/);
  assert.equal(runCli(['scan', 'config', TREE, '-f', 'cyclonedx']).status, 2);
  assert.equal(runCli(['scan', 'config', TREE, '--severity', 'bad']).status, 2);
});

test('scan config --policy: CEL policies and ValidatingAdmissionPolicies run beside the built-ins', () => {
  const POLICIES = join(here, 'fixtures', 'policies');
  const withPolicies = json<ConfigReport>(['scan', 'config', TREE, '-f', 'json', '--policy', POLICIES]);
  const byRule = (id: string): string[] => withPolicies.findings.filter((f) => f.ruleId === id).map((f) => `${f.resource} ${f.file}:${f.range.startLine}`);
  // deployment.yaml: Deployment shop/web has hostNetwork: true and no team label
  assert.deepEqual(byRule('VAP:deny-host-network'), ['Deployment/shop/web k8s/deployment.yaml:1']);
  assert.ok(byRule('ORG-K8S-001').some((x) => x.startsWith('Deployment/shop/web k8s/deployment.yaml:6')), byRule('ORG-K8S-001').join('; '));
  const vap = withPolicies.findings.find((f) => f.ruleId === 'VAP:deny-host-network')!;
  assert.equal(vap.severity, 'high');
  assert.match(vap.message, /must not share the node's network namespace/);
  const plain = json<ConfigReport>(['scan', 'config', TREE, '-f', 'json']);
  assert.equal(plain.findings.length, withPolicies.findings.length - byRule('VAP:deny-host-network').length - byRule('ORG-K8S-001').length, 'built-in findings unchanged');
  // selection and suppression work on policy ids and aliases like on built-ins
  const only = json<ConfigReport>(['scan', 'config', TREE, '-f', 'json', '--policy', POLICIES, '--rules', 'org-team-label']);
  assert.deepEqual([...new Set(only.findings.map((f) => f.ruleId))], ['ORG-K8S-001']);
  const out = join(work, 'policies.sarif');
  assert.equal(runCli(['scan', 'config', TREE, '-f', 'sarif', '-o', out, '--policy', POLICIES]).status, 0);
  const log = JSON.parse(readFileSync(out, 'utf8')) as Sarif.Log;
  sarifValidator()(log);
  const rule = log.runs[0]!.tool.driver.rules!.find((r) => r.id === 'ORG-K8S-001');
  assert.equal(rule?.shortDescription?.text, 'Workloads carry a team label');
  // a policy that does not compile stops the scan: exit 2, file and line of the expression
  const bad = runCli(['scan', 'config', TREE, '--policy', join(here, 'fixtures', 'policies-bad')]);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /policies-bad\/broken\.yaml.*line 10|broken\.yaml:10/s);
  assert.equal(runCli(['scan', 'config', TREE, '--policy', join(work, 'missing')]).status, 2);
});

test('scan config --fix=diff prints the corrections; --fix writes them and the re-scan lacks the fixed rules', () => {
  const dir = join(work, 'fix-tree');
  mkdirSync(dir, { recursive: true });
  const manifest = [
    '# web front end: owned by the shop team',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web # keep this comment',
    '  namespace: shop',
    'spec:',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: "nginx:1.25"',
    '          ports: [{containerPort: 8080}]',
    '          securityContext:',
    '            privileged: true',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'web.yaml'), manifest);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:12\nRUN echo hi\nCMD ["sleep", "1"]\n');
  const before = json<ConfigReport>(['scan', 'config', dir, '-f', 'json']);
  const fixable = before.findings.filter((f) => (f as { fixable?: boolean }).fixable);
  assert.ok(fixable.some((f) => f.ruleId === 'BLW-K8S-001'), 'privileged is fixable');

  const diff = runCli(['scan', 'config', dir, '--fix=diff']);
  assert.equal(diff.status, 0, diff.stderr);
  assert.match(diff.stdout, /^--- a\/web\.yaml$/m);
  assert.match(diff.stdout, /^-\s+privileged: true$/m);
  assert.match(diff.stdout, /^\+\s+privileged: false$/m);
  assert.match(diff.stdout, /^\+USER 10001$/m);
  assert.equal(readFileSync(join(dir, 'web.yaml'), 'utf8'), manifest, '--fix=diff writes nothing');

  const fix = runCli(['scan', 'config', dir, '--fix', '-f', 'json']);
  assert.equal(fix.status, 0, fix.stderr);
  assert.match(fix.stderr, /fixed \d+ finding\(s\) in 2 file\(s\)/);
  const after = JSON.parse(fix.stdout) as ConfigReport;
  const fixedRules = new Set(fixable.map((f) => f.ruleId));
  assert.deepEqual(after.findings.filter((f) => fixedRules.has(f.ruleId) && (f as { fixable?: boolean }).fixable).map((f) => f.ruleId), []);
  const text = readFileSync(join(dir, 'web.yaml'), 'utf8');
  for (const kept of ['# web front end: owned by the shop team', 'name: web # keep this comment', 'image: "nginx:1.25"', 'selector: {matchLabels: {app: web}}']) assert.ok(text.includes(kept), kept);
  assert.equal(runCli(['scan', 'config', join(dir, 'web.yaml'), '-f', 'json']).status, 0, 'the fixed file still parses');
  assert.equal(runCli(['scan', 'config', dir, '--fix=maybe']).status, 2);
});

test('scan config: .bulwarkignore suppresses by rule id or peer alias, with expiry and paths', () => {
  const ignore = join(work, 'ignore');
  writeFileSync(ignore, 'KSV017 # accepted: legacy node agent\nBLW-DF-002 exp:2000-01-01\n');
  const r = runCli(['scan', 'config', TREE, '-f', 'json', '--ignorefile', ignore]);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as ConfigReport;
  const priv = doc.findings.find((f) => f.ruleId === 'BLW-K8S-001')!;
  assert.equal(priv.suppressed?.reason, 'accepted: legacy node agent');
  assert.ok(doc.findings.some((f) => f.ruleId === 'BLW-DF-002' && !f.suppressed), 'expired entry no longer applies');
  assert.match(r.stderr, /expired on 2000-01-01/);
  assert.equal(doc.summary.suppressed, doc.findings.filter((f) => f.suppressed).length);
  const table = runCli(['scan', 'config', join(TREE, 'k8s'), '--ignorefile', ignore]).stdout;
  assert.doesNotMatch(table, /BLW-K8S-001/);
  assert.match(runCli(['scan', 'config', join(TREE, 'k8s'), '--ignorefile', ignore, '--show-suppressed']).stdout, /BLW-K8S-001 │ HIGH \(suppressed\)/);
  const yaml = join(work, 'ignore.yaml');
  writeFileSync(yaml, 'vulnerabilities:\n  - id: CKV_K8S_16\n    paths: [k8s/rbac.yaml]\n');
  const scoped = json<ConfigReport>(['scan', 'config', TREE, '-f', 'json', '--ignorefile', yaml]);
  assert.ok(!scoped.findings.find((f) => f.ruleId === 'BLW-K8S-001')!.suppressed, 'path does not match the deployment');
});

test('scan config: malformed YAML, HCL, JSON, Dockerfile, CloudFormation name file and line', () => {
  const rows: [string, RegExp][] = [
    ['broken.yaml', /broken\.yaml: line 6: .*Missing closing "quote/],
    ['broken.tf', /broken\.tf: line 3: unexpected character "="/],
    ['broken.json', /broken\.json: line 5: /],
    ['Dockerfile', /Dockerfile: line 2: unknown instruction RUNN/],
    ['broken-cfn.yaml', /broken-cfn\.yaml: line 6: /],
  ];
  for (const [file, re] of rows) {
    const r = runCli(['scan', 'config', join(BAD, file)]);
    assert.equal(r.status, 2, `${file}: ${r.stderr}`);
    assert.match(r.stderr, /^bulwark: error: /);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  }
  // In a tree, bad files are skipped and listed; the scan goes on.
  const tree = runCli(['scan', 'config', BAD, '-f', 'json']);
  assert.equal(tree.status, 0, tree.stderr);
  const doc = JSON.parse(tree.stdout) as ConfigReport;
  assert.deepEqual(doc.status.fileErrors.map((e) => e.path), ['Dockerfile', 'broken-cfn.yaml', 'broken.json', 'broken.tf', 'broken.yaml']);
  for (const [file, re] of rows) assert.match(tree.stderr, new RegExp(`skipped ${re.source}`), file);
});

test('scan config: missing path, non-config file, tree with a symlink loop', () => {
  const missing = runCli(['scan', 'config', join(work, 'nope')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope: no such file or directory/);
  const notes = join(work, 'notes.yaml');
  writeFileSync(notes, 'replicaCount: 2\n');
  const r = runCli(['scan', 'config', notes]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /notes\.yaml: not a configuration file/);
  const loop = join(work, 'loop');
  mkdirSync(join(loop, 'a'), { recursive: true });
  writeFileSync(join(loop, 'a', 'Dockerfile'), 'FROM alpine:3.20\nUSER app\n');
  symlinkSync('..', join(loop, 'a', 'up'));
  const doc = json<ConfigReport>(['scan', 'config', loop, '-f', 'json']);
  assert.deepEqual(doc.files, [{ path: 'a/Dockerfile', type: 'dockerfile' }]);
});

const SNAPSHOT = {
  apiVersion: 'v1', kind: 'List', items: [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'prod' }, spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1', securityContext: { privileged: true } }] } } } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'ci-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'prod' }] },
  ],
};

test('scan k8s --snapshot: Kubernetes rules and RBAC over a kubectl dump; SARIF valid; errors exit 2', () => {
  const snap = join(work, 'cluster.json');
  writeFileSync(snap, JSON.stringify(SNAPSHOT, null, 2));
  const doc = json<ConfigReport & { target: { kind: string } }>(['scan', 'k8s', '--snapshot', snap, '-f', 'json']);
  assert.equal(doc.target.kind, 'k8s-snapshot');
  const priv = doc.findings.find((f) => f.ruleId === 'BLW-K8S-001');
  assert.equal(priv?.file, snap, 'findings name the dump');
  assert.equal(priv?.range.startLine, 5, 'and the lines of the object in it');
  assert.equal(doc.findings.some((f) => f.ruleId === 'BLW-K8S-330'), true, 'RBAC rules run on the dump');
  validator(join(here, '../../../scanner/src/report/config-report.schema.json'))(doc);
  sarifValidator()(json(['scan', 'k8s', '--snapshot', snap, '-f', 'sarif']));
  assert.equal(runCli(['scan', 'k8s', '--snapshot', snap, '--exit-code', '4', '-o', join(work, 'k.txt')]).status, 4);
  // without --snapshot the live cluster of the kubeconfig is read: an unreachable server is exit 3, named
  const kubeconfig = join(work, 'kubeconfig');
  writeFileSync(kubeconfig, ['apiVersion: v1', 'kind: Config', 'current-context: gone', 'contexts: [{name: gone, context: {cluster: gone, user: u}}]', 'clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1"}}]', 'users: [{name: u, user: {token: t}}]', ''].join('\n'));
  const none = runCli(['scan', 'k8s', '--kubeconfig', kubeconfig]);
  assert.equal(none.status, 3, none.stderr);
  assert.match(none.stderr, /https:\/\/127\.0\.0\.1:1/);
  assert.equal(runCli(['scan', 'k8s', '--kubeconfig', kubeconfig, '--snapshot', snap]).status, 2, 'one source at a time');
  const junk = join(work, 'junk.json');
  writeFileSync(junk, '{"items": [}');
  const bad = runCli(['scan', 'k8s', '--snapshot', junk]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /junk\.json: line 1/);
});

test('cluster inventory and rbac on a dump: relations, secrets never printed, escalation chains', () => {
  const dump = join(work, 'inventory-cluster.json');
  const secretValue = 'c3VwZXJzZWNyZXQtdmFsdWU=';
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' }, status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.31.4' } } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid: 'd1' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } } } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d', namespace: 'shop', uid: 'r1', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] }, spec: { selector: { matchLabels: { app: 'web' } } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-5d-x', namespace: 'shop', uid: 'p1', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d', uid: 'r1', controller: true }] }, spec: { nodeName: 'worker-1', serviceAccountName: 'deployer', containers: [{ name: 'web', image: 'nginx:1.25' }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data: { password: secretValue } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: 'shop' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cluster-admin' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'deployer-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'shop' }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'sa-impersonator', namespace: 'shop' }, rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'jane-impersonates', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'sa-impersonator' }, subjects: [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }] },
  ];
  writeFileSync(dump, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2));
  const inv = json<{ assets: { id: string }[]; relations: { from: string; to: string; type: string }[] }>(['cluster', 'inventory', '--snapshot', dump, '-f', 'json']);
  const rel = (from: string, to: string): boolean => inv.relations.some((r) => r.from === from && r.to === to);
  assert.ok(rel('Deployment/shop/web', 'ReplicaSet/shop/web-5d') && rel('ReplicaSet/shop/web-5d', 'Pod/shop/web-5d-x'), 'workload → pods');
  assert.ok(rel('Pod/shop/web-5d-x', 'Node/worker-1'), 'pod → node');
  assert.ok(rel('Service/shop/web', 'Pod/shop/web-5d-x'), 'service → pods');
  assert.ok(rel('Ingress/shop/web', 'Service/shop/web'), 'ingress → service');
  assert.ok(inv.assets.some((a) => a.id === 'Secret/shop/db'), 'secret listed (metadata)');
  const table = runCli(['cluster', 'inventory', '--snapshot', dump]);
  assert.equal(table.status, 0, table.stderr);
  for (const out of [table.stdout, JSON.stringify(inv)]) assert.ok(!out.includes(secretValue), 'secret values are never printed');

  const rbac = runCli(['cluster', 'rbac', '--snapshot', dump]);
  assert.equal(rbac.status, 0, rbac.stderr);
  assert.match(rbac.stdout, /User:jane --\(impersonate [^)]*\)--> ServiceAccount:shop\/deployer --\(bound to ClusterRole cluster-admin by ClusterRoleBinding deployer-admin\)--> cluster-admin/);
  const one = json<{ permissions: { verb: string; resource: string }[]; escalationPaths: unknown[] }>(['cluster', 'rbac', '--snapshot', dump, '--subject', 'ServiceAccount:shop/deployer', '-f', 'json']);
  assert.ok(one.permissions.some((p) => p.verb === '*' && p.resource === '*'), JSON.stringify(one.permissions));
  const jane = json<{ escalationPaths: { text?: string }[] }>(['cluster', 'rbac', '--snapshot', dump, '--subject', 'User:jane', '-f', 'json']);
  assert.equal(jane.escalationPaths.length, 1, JSON.stringify(jane));
  assert.equal(runCli(['cluster', 'inventory', '--snapshot', join(work, 'nope.json')]).status, 2);
});

test('rules list / show', () => {
  const all = json<{ id: string; title: string; severity: string; target: string; description: string; remediation: string; references: string[]; aliases: string[]; frameworks: string[] }[]>(['rules', 'list', '--format', 'json']);
  assert.ok(all.length > 300);
  assert.equal(new Set(all.map((r) => r.id)).size, all.length);
  for (const r of all) assert.ok(r.title && r.severity && r.target && r.description && r.remediation && Array.isArray(r.references) && Array.isArray(r.aliases) && Array.isArray(r.frameworks), r.id);
  const df = json<{ target: string }[]>(['rules', 'list', '--format', 'json', '--target', 'dockerfile']);
  assert.ok(df.length > 10 && df.every((r) => r.target === 'dockerfile'));
  const cfn = json<{ id: string }[]>(['rules', 'list', '--format', 'json', '--target', 'cloudformation']);
  assert.ok(cfn.some((r) => r.id === 'BLW-AWS-001'));
  assert.match(runCli(['rules', 'list']).stdout, /│ BLW-K8S-001 │ HIGH/);
  const show = runCli(['rules', 'show', 'DL3007']);
  assert.equal(show.status, 0);
  assert.match(show.stdout, /^BLW-DF-002: Base image uses the ':latest' tag\n/);
  assert.match(show.stdout, /Remediation:\n {2}\S/);
  assert.equal(runCli(['rules', 'show', 'NOPE']).status, 2);
  assert.equal(runCli(['rules', 'list', '--target', 'helm']).status, 2);
});

test('compliance: list, frameworks on a tree and a snapshot, JSON evidence, --exit-code', () => {
  const list = runCli(['compliance', 'list']);
  assert.equal(list.status, 0);
  for (const id of ['cis-kubernetes', 'nsa-cisa', 'pci-dss', 'mlps-2.0']) assert.match(list.stdout, new RegExp(`│ ${id.replace('.', '\\.')}\\s`));
  const cis = json<{ controls: { id: string; status: string; failing: { ruleId: string; file: string; line: number; resource: string }[]; passingResources: number }[]; summary: { fail: number } }>(['compliance', 'cis-kubernetes', TREE, '-f', 'json']);
  const c = (id: string) => cis.controls.find((x) => x.id === id)!;
  assert.equal(c('5.2.2').status, 'fail');
  assert.ok(c('5.2.2').failing.some((e) => e.ruleId === 'BLW-K8S-001' && e.file === 'k8s/deployment.yaml' && e.line === 25 && e.resource === 'Deployment/shop/web'));
  assert.equal(c('5.1.1').status, 'fail'); // cluster-admin binding
  assert.equal(c('1.2.1').status, 'not-applicable');
  const mlps = runCli(['compliance', '等保2.0', TREE]);
  assert.equal(mlps.status, 0, mlps.stderr);
  assert.match(mlps.stdout, /8\.1\.4\.8\s+│ FAIL\s+│ 安全计算环境—数据保密性/);
  assert.equal(runCli(['compliance', 'pci-dss', TREE, '--exit-code', '5']).status, 5);
  const snap = join(work, 'cluster2.json');
  writeFileSync(snap, JSON.stringify(SNAPSHOT));
  const nsa = runCli(['compliance', 'nsa-cisa', '--snapshot', snap]);
  assert.equal(nsa.status, 0, nsa.stderr);
  assert.match(nsa.stdout, /pod-security\s+│ FAIL/);
  assert.equal(runCli(['compliance', 'sox', TREE]).status, 2);
  assert.equal(runCli(['compliance', 'cis-kubernetes']).status, 2);
});

const NETPOL = `apiVersion: apps/v1
kind: Deployment
metadata: { name: frontend, namespace: shop }
spec:
  selector: { matchLabels: { app: frontend } }
  template:
    metadata: { labels: { app: frontend } }
    spec: { containers: [{ name: c, image: fe:1, ports: [{ containerPort: 8080 }] }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: db, namespace: shop }
spec:
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: c, image: pg:16, ports: [{ containerPort: 5432 }] }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-from-frontend, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: frontend } } }]
      ports: [{ protocol: TCP, port: 5432 }]
---
apiVersion: v1
kind: Service
metadata: { name: frontend, namespace: shop }
spec:
  type: NodePort
  selector: { app: frontend }
  ports: [{ port: 80, targetPort: 8080 }]
`;

test('netpol: connlist (txt, json, csv, dot, --focus), check with deciding policies, exposure', () => {
  const dir = join(work, 'np');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'shop.yaml'), NETPOL);
  const txt = runCli(['netpol', 'connlist', dir]);
  assert.equal(txt.status, 0, txt.stderr);
  assert.match(txt.stdout, /^shop\/frontend\[Deployment\] => shop\/db\[Deployment\] : TCP 5432$/m);
  assert.doesNotMatch(txt.stdout, /=> shop\/db\[Deployment\] : All Connections/);
  const entries = json<{ src: string; dst: string; conn: string }[]>(['netpol', 'connlist', dir, '-f', 'json', '--focus', 'shop/db']);
  assert.ok(entries.length > 0 && entries.every((e) => e.src.startsWith('shop/db[') || e.dst.startsWith('shop/db[')));
  assert.match(runCli(['netpol', 'connlist', dir, '-f', 'csv']).stdout, /^src,dst,conn\n/);
  assert.match(runCli(['netpol', 'connlist', dir, '-f', 'dot']).stdout, /^digraph \{\n[\s\S]*"shop\/frontend\[Deployment\]" -> "shop\/db\[Deployment\]" \[label="TCP 5432"\]/);
  const ok = runCli(['netpol', 'check', dir, '--from', 'shop/frontend', '--to', 'shop/db', '--port', '5432']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^allowed: shop\/frontend -> shop\/db TCP 5432\n {2}ingress: .*db-from-frontend/);
  const no = json<{ allowed: boolean; by: string[] }>(['netpol', 'check', dir, '--from', 'shop/frontend', '--to', 'shop/db', '--port', '22', '-f', 'json']);
  assert.equal(no.allowed, false);
  assert.ok(no.by.length > 0);
  const exp = json<{ workload: string; via: string[]; reachable: boolean }[]>(['netpol', 'exposure', dir, '-f', 'json']);
  assert.deepEqual(exp.map((e) => [e.workload, e.via, e.reachable]), [['shop/frontend[Deployment]', ['Service shop/frontend (NodePort)'], true]]);
  const unknown = runCli(['netpol', 'check', dir, '--from', 'shop/nope', '--to', 'shop/db', '--port', '1']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /--from: no workload "shop\/nope"/);
  assert.equal(runCli(['netpol', 'check', dir, '--from', 'shop/frontend', '--to', 'shop/db', '--port', '70000']).status, 2);
  const broken = join(work, 'np-bad.yaml');
  writeFileSync(broken, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n');
  const b = runCli(['netpol', 'connlist', broken]);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /np-bad\.yaml: line \d+/);
});

test('--help on every new command', () => {
  for (const args of [['scan', 'config'], ['scan', 'k8s'], ['rules'], ['rules', 'list'], ['rules', 'show'], ['compliance'], ['compliance', 'list'], ['netpol'], ['netpol', 'connlist'], ['netpol', 'check'], ['netpol', 'exposure'], ['cluster'], ['cluster', 'inventory'], ['cluster', 'rbac']]) {
    const r = runCli([...args, '--help']);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, new RegExp(`Usage: bulwark ${args.join(' ')}`));
  }
});
