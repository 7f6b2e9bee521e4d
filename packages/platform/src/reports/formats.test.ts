import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chartPng, chartSvg, reportCharts } from './charts.js';
import { FORMATS } from './formats.js';
import { readBack } from './test-read.js';
import type { ReportData } from './types.js';

const here = new URL('.', import.meta.url).pathname;

/** A small model, no store needed. */
function model(): ReportData {
  const sev = { critical: 2, high: 3, medium: 0, low: 1, negligible: 0, unknown: 0 };
  return {
    schemaVersion: 1,
    title: 'Vulnerability report',
    kind: 'vulnerabilities',
    tenant: { id: 1, slug: 'acme', name: '宁波示例 Acme' },
    generatedAt: '2026-03-01T06:00:00.000Z',
    scope: { type: 'tenant' },
    scopeDescription: 'Tenant 宁波示例 Acme: every asset',
    types: ['vulnerability'],
    summary: { total: 9, byStatus: { open: 6, fixed: 2, suppressed: 1, 'risk-accepted': 0 }, open: { total: 6, bySeverity: sev, byType: { vulnerability: 6 }, kev: 1, fixAvailable: 4 } },
    topFindings: [{ id: 7, ruleId: 'CVE-2021-44228', title: 'Log4Shell <script>&\u0007\ud800 \u{1F512}', severity: 'critical', priority: 97.5, type: 'vulnerability', kev: true, fixAvailable: true, asset: 'pkg:maven/log4j@2.14.1', target: 'registry.example/app:1', firstSeen: '2026-01-01T00:00:00.000Z' }],
    targets: [{ target: 'registry.example/app:1', total: 9, open: 6, fixed: 2, bySeverity: sev }],
    targetsTotal: 1,
  };
}

describe('report formats', () => {
  it('registers one format per folder, each with a README, its id being the folder name', () => {
    const folders = readdirSync(here).filter((d) => statSync(join(here, d)).isDirectory() && existsSync(join(here, d, `${d}.ts`)));
    assert.deepEqual([...FORMATS.keys()].sort(), folders.sort());
    for (const d of folders) assert.ok(existsSync(join(here, d, 'README.md')), `${d}/README.md`);
  });

  for (const [id, f] of FORMATS) {
    it(`${id} renders a model that reads back with its numbers and Chinese text`, async () => {
      const buf = await f.render(model());
      assert.equal(buf.subarray(0, id === 'pdf' ? 5 : 2).toString('latin1'), id === 'pdf' ? '%PDF-' : 'PK');
      const back = await readBack(id, buf);
      assert.ok(back.text.includes('宁波示例 Acme'), 'tenant name');
      assert.ok(back.text.includes('2026-03-01 06:00 UTC'), 'date');
      assert.ok(back.text.includes('Log4Shell <script>&'), 'text kept verbatim, control characters replaced');
      assert.equal(back.summary.get('Open critical'), 2);
      assert.equal(back.summary.get('Suppressed'), 1);
      assert.equal(back.summary.get('Open with a fix available'), 4);
    });
  }

  it('draws charts as SVG and rasterizes them to PNG at twice their size', async () => {
    const charts = reportCharts(model());
    assert.deepEqual(charts.map((c) => c.id), ['severity', 'status']);
    const svg = chartSvg(charts[0]);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="440" height="210"/);
    assert.match(svg, />Critical</);
    const png = await chartPng(charts[1]);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(png.readUInt32BE(16), 880, 'width');
    assert.equal(png.readUInt32BE(20), 420, 'height');
  });
});
