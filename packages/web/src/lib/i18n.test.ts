import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const src = new URL('..', import.meta.url).pathname;
const en = JSON.parse(readFileSync(join(src, 'locales/en.json'), 'utf8')) as Record<string, unknown>;
const zh = JSON.parse(readFileSync(join(src, 'locales/zh-CN.json'), 'utf8')) as Record<string, unknown>;

function flatten(o: Record<string, unknown>, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') flatten(v as Record<string, unknown>, key, out);
    else out.set(key, v);
  }
  return out;
}

const enKeys = flatten(en);
const zhKeys = flatten(zh);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function has(key: string): boolean {
  return enKeys.has(key) || (enKeys.has(`${key}_one`) && enKeys.has(`${key}_other`));
}

test('en and zh-CN have exactly the same keys', () => {
  const onlyEn = [...enKeys.keys()].filter((k) => !zhKeys.has(k));
  const onlyZh = [...zhKeys.keys()].filter((k) => !enKeys.has(k));
  assert.deepEqual(onlyEn, [], `keys missing in zh-CN: ${onlyEn.join(', ')}`);
  assert.deepEqual(onlyZh, [], `keys missing in en: ${onlyZh.join(', ')}`);
});

test('no locale value is empty or a non-string', () => {
  for (const [name, keys] of [['en', enKeys], ['zh-CN', zhKeys]] as const) {
    for (const [k, v] of keys) assert.ok(typeof v === 'string' && v.trim() !== '', `${name}: ${k} is empty or not a string`);
  }
});

test('interpolation placeholders match between languages', () => {
  const vars = (s: unknown) => [...String(s).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
  for (const [k, v] of enKeys) assert.deepEqual(vars(zhKeys.get(k)), vars(v), `placeholders of ${k} differ`);
});

test('zh-CN is translated (CJK text in most values)', () => {
  const cjk = [...zhKeys.values()].filter((v) => /[\u4e00-\u9fff]/.test(String(v))).length;
  assert.ok(cjk / zhKeys.size > 0.8, `only ${cjk} of ${zhKeys.size} zh-CN values contain Chinese`);
});

test('every literal t("key") in the sources exists in the locales', () => {
  const missing: string[] = [];
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) if (!has(m[1])) missing.push(`${m[1]} (${file.slice(src.length)})`);
  }
  assert.deepEqual(missing, [], `untranslated keys: ${missing.join(', ')}`);
});

test('every value of a dynamic key family is translated', () => {
  const families: Record<string, readonly string[]> = {
    severity: ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'],
    status: ['open', 'fixed', 'suppressed', 'risk-accepted'],
    type: ['vulnerability', 'config', 'secret', 'runtime'],
    kind: ['image', 'package', 'repository', 'cluster', 'namespace', 'workload', 'node', 'cloud-resource'],
    roles: ['admin', 'analyst', 'developer', 'auditor'],
    'alerts.status': ['pending', 'failed', 'sent', 'dead', 'none'],
    'reports.kinds': ['vulnerabilities', 'posture', 'compliance'],
    'reports.scopes': ['tenant', 'image', 'cluster'],
    'reports.cadences': ['daily', 'weekly', 'monthly'],
    'vulns.group': ['none', 'cve', 'package', 'image'],
    'settings.tab': ['users', 'tokens', 'rules', 'destinations', 'groups', 'tenants', 'retention'],
    frameworks: ['cis-kubernetes', 'nsa-cisa', 'pci-dss', 'mlps-2.0', 'cis-docker'],
    factor: ['cvss', 'epss', 'kev', 'fix', 'exposure', 'criticality', 'compliance'],
  };
  for (const [prefix, values] of Object.entries(families)) for (const v of values) assert.ok(has(`${prefix}.${v}`), `missing ${prefix}.${v}`);
});
