import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '@bulwark/core/testing';
import { SEVERITIES } from '@bulwark/core';
import type { AssetRef, FindingInput, ScanInput } from '../storage/types.js';
import { CRITICALITIES } from '../storage/types.js';
import { epssScale, prioritizeScan, scorePriority, type PriorityInput } from './index.js';

const sumTenths = (ws: number[]): number => ws.reduce((s, w) => s + Math.round(w * 10), 0);

function factor(p: ReturnType<typeof scorePriority>, name: string): { weight: number; detail?: string } {
  const f = p.factors.find((x) => x.name === name);
  assert.ok(f, `factor ${name} present`);
  return f;
}

test('scorePriority: table of cases, score and every factor explained', () => {
  const rows: { name: string; in: PriorityInput; score: number; weights: Record<string, number>; details: Record<string, string> }[] = [
    {
      name: 'log4shell on a privileged internet-facing workload of a high-criticality asset',
      in: { severity: 'critical', cvss: 10, epss: 0.94, kev: true, fixAvailable: true, fixedVersion: '2.17.1', exposure: { internetFacing: true, privileged: true }, criticality: 'high' },
      score: 96.6,
      weights: { cvss: 35, epss: 14.8, kev: 20, fix: 5, exposure: 13, criticality: 8.8, compliance: 0 },
      details: {
        cvss: 'CVSS 10.0',
        epss: 'EPSS 0.94',
        kev: 'in CISA KEV',
        fix: 'fix available in 2.17.1',
        exposure: 'workload is privileged and internet-facing',
        criticality: 'asset criticality high',
        compliance: 'maps to no compliance control',
      },
    },
    {
      name: 'config finding: severity stands in for CVSS, fixable, 3 controls, exposure unknown',
      in: { severity: 'high', fixAvailable: true, complianceControls: 3 },
      score: 39,
      weights: { cvss: 28, epss: 0, kev: 0, fix: 5, exposure: 0, criticality: 0, compliance: 6 },
      details: {
        cvss: 'no CVSS score; severity high counts as 8.0',
        epss: 'no EPSS score',
        kev: 'not in CISA KEV',
        fix: 'fix available',
        exposure: 'exposure unknown: no workload runs it in this scan',
        criticality: 'asset criticality medium',
        compliance: 'maps to 3 compliance controls',
      },
    },
    {
      name: 'low CVSS, tiny EPSS, not exposed, low criticality lowers the sum',
      in: { severity: 'low', cvss: 3.2, epss: 0.0017, exposure: {}, criticality: 'low' },
      score: 8.8,
      weights: { cvss: 11.2, epss: 0.5, kev: 0, fix: 0, exposure: 0, criticality: -2.9, compliance: 0 },
      details: { epss: 'EPSS 0.0017', fix: 'no fix available', exposure: 'workload is not exposed outside the cluster and not privileged', criticality: 'asset criticality low' },
    },
    {
      name: 'everything at its maximum on a critical asset is capped at 100',
      in: {
        severity: 'critical', cvss: 10, epss: 1, kev: true, fixAvailable: true, complianceControls: 9, criticality: 'critical',
        exposure: { internetFacing: true, nodePort: true, privileged: true, hostAccess: ['hostPID', 'hostPath /'] },
      },
      score: 100,
      weights: { cvss: 35, epss: 15, kev: 20, fix: 5, exposure: 15, criticality: 0, compliance: 10 },
      details: { exposure: 'workload is privileged and internet-facing, and has host access (hostPID, hostPath /)', compliance: 'maps to 9 compliance controls', criticality: 'asset criticality critical' },
    },
    {
      name: 'node-port exposure over several workloads; criticality inherited',
      in: { severity: 'medium', cvss: 5, exposure: { nodePort: true, workloads: 3 }, criticality: 'critical', criticalityFrom: 'cluster prod' },
      score: 28.1,
      weights: { cvss: 17.5, exposure: 5, criticality: 5.6 },
      details: { exposure: 'worst of 3 workloads is exposed on node ports', criticality: 'asset criticality critical (from cluster prod)' },
    },
    {
      name: 'unknown severity and nothing else',
      in: { severity: 'unknown' },
      score: 17.5,
      weights: { cvss: 17.5 },
      details: { cvss: 'no CVSS score; severity unknown counts as 5.0' },
    },
    {
      name: 'out-of-range numbers are clamped, non-numbers ignored',
      in: { severity: 'medium', cvss: Number.NaN, epss: 7, complianceControls: -4 },
      score: 34.3,
      weights: { cvss: 19.3, epss: 15, compliance: 0 },
      details: { cvss: 'no CVSS score; severity medium counts as 5.5', epss: 'EPSS 1' },
    },
  ];
  for (const r of rows) {
    const p = scorePriority(r.in);
    assert.equal(p.score, r.score, `${r.name}: score`);
    assert.deepEqual(p.factors.map((f) => f.name), ['cvss', 'epss', 'kev', 'fix', 'exposure', 'criticality', 'compliance'], `${r.name}: factor order`);
    for (const [name, w] of Object.entries(r.weights)) assert.equal(factor(p, name).weight, w, `${r.name}: ${name} weight`);
    for (const [name, d] of Object.entries(r.details)) assert.equal(factor(p, name).detail, d, `${r.name}: ${name} detail`);
    assert.equal(sumTenths(p.factors.map((f) => f.weight)), Math.round(p.score * 10), `${r.name}: weights add up to the score`);
  }
});

test('scorePriority: random inputs stay in 0–100 with one decimal, weights add up, more risk never lowers the score', () => {
  const rnd = seededRandom(20261203);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  for (let i = 0; i < 2000; i++) {
    const input: PriorityInput = {
      severity: pick(SEVERITIES),
      cvss: rnd() < 0.2 ? null : Math.round(rnd() * 100) / 10,
      epss: rnd() < 0.2 ? undefined : rnd() ** 4,
      kev: rnd() < 0.1,
      fixAvailable: rnd() < 0.5,
      exposure: rnd() < 0.3 ? undefined : { internetFacing: rnd() < 0.3, nodePort: rnd() < 0.3, privileged: rnd() < 0.3, hostAccess: rnd() < 0.3 ? ['hostNetwork'] : [] },
      criticality: pick(CRITICALITIES),
      complianceControls: Math.floor(rnd() * 8),
    };
    const p = scorePriority(input);
    assert.ok(p.score >= 0 && p.score <= 100, `score ${p.score} in range for ${JSON.stringify(input)}`);
    assert.equal(Math.round(p.score * 10) / 10, p.score, 'one decimal');
    assert.equal(sumTenths(p.factors.map((f) => f.weight)), Math.round(p.score * 10), `weights add up for ${JSON.stringify(input)}`);
    const worse = scorePriority({ ...input, kev: true });
    assert.ok(worse.score >= p.score, `KEV never lowers the score (${JSON.stringify(input)})`);
  }
});

test('epssScale spreads the skewed EPSS distribution', () => {
  const rows: [number, number][] = [[0, 0], [0.01, 0.15], [0.1, 0.52], [0.5, 0.85], [1, 1]];
  for (const [p, want] of rows) assert.equal(Math.round(epssScale(p) * 100) / 100, want, `epss ${p}`);
});

// ---------------------------------------------------------------- prioritizeScan

const ref = (kind: AssetRef['kind'], key: string): AssetRef => ({ kind, key });
const pkg = ref('package', 'pkg:npm/lodash@4.17.15');
const img = ref('image', 'registry.example/shop/web:1.4.2');
const lonelyImg = ref('image', 'registry.example/batch:1');
const web = ref('workload', 'cluster/prod/ns/shop/deployment/web');
const worker = ref('workload', 'cluster/prod/ns/shop/deployment/worker');
const ns = ref('namespace', 'cluster/prod/ns/shop');
const clusterRef = ref('cluster', 'cluster/prod');

const scan: ScanInput = {
  id: 's1',
  target: 'k8s:cluster/prod',
  kind: 'cluster',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:01:00Z',
  assets: [
    { ...pkg },
    { ...img },
    { ...web, name: 'web', attributes: { privileged: true, internetFacing: true, exposedVia: ['Ingress/shop/shop'] } },
    { ...worker, name: 'worker', attributes: { hostNetwork: true, hostPath: ['/var/run/docker.sock'] } },
    { ...ns, name: 'shop' },
    { ...clusterRef, name: 'prod', criticality: 'critical' },
  ],
  relations: [
    { from: pkg, to: img, kind: 'installed-in' },
    { from: img, to: web, kind: 'used-by' },
    { from: img, to: worker, kind: 'used-by' },
    { from: web, to: ns, kind: 'part-of' },
    { from: worker, to: ns, kind: 'part-of' },
    { from: ns, to: clusterRef, kind: 'part-of' },
  ],
};

function find(out: FindingInput[], ruleId: string): FindingInput & { priority: NonNullable<FindingInput['priority']> } {
  const f = out.find((x) => x.ruleId === ruleId);
  assert.ok(f?.priority, `${ruleId} has a priority`);
  return f as FindingInput & { priority: NonNullable<FindingInput['priority']> };
}

const detail = (f: { priority: { factors: { name: string; detail?: string }[] } }, name: string): string | undefined => f.priority.factors.find((x) => x.name === name)?.detail;

test('prioritizeScan: exposure through package → image → workload, criticality inherited from the cluster', () => {
  const findings: FindingInput[] = [
    { type: 'vulnerability', ruleId: 'CVE-2020-8203', severity: 'high', cvss: 7.4, epss: 0.02, fixAvailable: true, asset: pkg, payload: { fixedVersions: ['4.17.19'] } },
    { type: 'config', ruleId: 'BLW-K8S-016', severity: 'high', fixAvailable: true, asset: web, payload: { frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.2.2' }, { framework: 'nsa', control: 'pod-security' }] } },
    { type: 'config', ruleId: 'BLW-K8S-017', severity: 'medium', asset: worker },
    { type: 'vulnerability', ruleId: 'CVE-2024-0001', severity: 'low', asset: lonelyImg },
    { type: 'config', ruleId: 'BLW-K8S-920', severity: 'medium', asset: ns },
    { type: 'vulnerability', ruleId: 'CVE-KEEP', severity: 'low', asset: pkg, priority: { score: 42, factors: [{ name: 'custom', weight: 42 }] } },
  ];
  const before = JSON.stringify(findings);
  const out = prioritizeScan(scan, findings);
  assert.equal(JSON.stringify(findings), before, 'the input is not modified');
  assert.equal(out.length, findings.length);

  const lodash = find(out, 'CVE-2020-8203');
  assert.equal(detail(lodash, 'exposure'), 'worst of 2 workloads is privileged and internet-facing, and has host access (hostNetwork, hostPath /var/run/docker.sock)');
  assert.equal(detail(lodash, 'criticality'), 'asset criticality critical (from cluster prod)');
  assert.equal(detail(lodash, 'fix'), 'fix available in 4.17.19');
  assert.deepEqual(lodash.priority, scorePriority({
    severity: 'high', cvss: 7.4, epss: 0.02, fixAvailable: true, fixedVersion: '4.17.19', criticality: 'critical', criticalityFrom: 'cluster prod',
    exposure: { internetFacing: true, nodePort: false, privileged: true, hostAccess: ['hostNetwork', 'hostPath /var/run/docker.sock'], workloads: 2 },
  }));

  const priv = find(out, 'BLW-K8S-016');
  assert.equal(detail(priv, 'exposure'), 'workload is privileged and internet-facing');
  assert.equal(detail(priv, 'compliance'), 'maps to 2 compliance controls');
  assert.equal(detail(find(out, 'BLW-K8S-017'), 'exposure'), 'workload has host access (hostNetwork, hostPath /var/run/docker.sock)');
  assert.equal(detail(find(out, 'CVE-2024-0001'), 'exposure'), 'exposure unknown: no workload runs it in this scan');
  assert.equal(detail(find(out, 'CVE-2024-0001'), 'criticality'), 'asset criticality medium');
  assert.equal(detail(find(out, 'BLW-K8S-920'), 'exposure'), 'exposure unknown: no workload runs it in this scan', 'a namespace runs nothing itself');
  assert.equal(detail(find(out, 'BLW-K8S-920'), 'criticality'), 'asset criticality critical (from cluster prod)');
  assert.deepEqual(find(out, 'CVE-KEEP').priority, { score: 42, factors: [{ name: 'custom', weight: 42 }] }, 'a given priority is kept');
});

test('prioritizeScan: the tenant\'s stored criticality (callback) wins over the scan\'s description', () => {
  const findings: FindingInput[] = [{ type: 'config', ruleId: 'R', severity: 'medium', asset: web }];
  const stored = (r: AssetRef): 'low' | undefined => (r.kind === 'cluster' ? 'low' : r.kind === 'workload' ? 'low' : undefined);
  const out = prioritizeScan(scan, findings, stored);
  assert.equal(detail(find(out, 'R'), 'criticality'), 'asset criticality low');
  const high = prioritizeScan(scan, findings, (r) => (r.kind === 'namespace' ? 'high' : r.kind === 'cluster' ? 'low' : undefined));
  assert.equal(detail(find(high, 'R'), 'criticality'), 'asset criticality high (from namespace shop)');
});

test('prioritizeScan: a scan without assets, cycles in relations and malformed findings', () => {
  const bare: ScanInput = { id: 'b', target: 't', kind: 'image', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:00Z' };
  const out = prioritizeScan(bare, [{ type: 'vulnerability', ruleId: 'X', severity: 'critical', cvss: 9.8, asset: img }]);
  assert.equal(find(out, 'X').priority.score, 34.3);
  const cyclic: ScanInput = { ...bare, relations: [{ from: img, to: web, kind: 'used-by' }, { from: web, to: img, kind: 'used-by' }] };
  assert.equal(prioritizeScan(cyclic, [{ type: 'vulnerability', ruleId: 'Y', severity: 'low', asset: img }]).length, 1, 'a cycle terminates');
  const junk = [null, { type: 'config', ruleId: 'Z', severity: 'low' }, 'text'] as unknown as FindingInput[];
  assert.deepEqual(prioritizeScan(bare, junk), junk, 'malformed findings pass through for the store to reject');
});
