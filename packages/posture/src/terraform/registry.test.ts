import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudRules } from './registry.js';

const rulesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'rules');

test('every cloud rule family folder is registered and has a README', () => {
  for (const provider of ['aws', 'alicloud']) {
    const index = readFileSync(join(rulesDir, provider, 'index.ts'), 'utf8');
    assert.ok(existsSync(join(rulesDir, provider, 'README.md')), `${provider}/README.md`);
    for (const fam of readdirSync(join(rulesDir, provider))) {
      if (!statSync(join(rulesDir, provider, fam)).isDirectory()) continue;
      assert.ok(existsSync(join(rulesDir, provider, fam, 'README.md')), `${provider}/${fam}/README.md`);
      assert.match(index, new RegExp(`from './${fam}/index\\.js'`), `${provider}/${fam} not registered`);
    }
  }
});

test('rule metadata: unique ids in the right area, severity, remediation, types', () => {
  const ids = new Set<string>();
  for (const r of cloudRules) {
    assert.match(r.id, /^BLW-(AWS|ALI)-[0-9]{3}$/);
    assert.ok(!ids.has(r.id), `duplicate ${r.id}`);
    ids.add(r.id);
    assert.ok(r.title && r.description && r.remediation, r.id);
    assert.ok(r.resourceTypes.length > 0, r.id);
    for (const f of r.frameworks) assert.ok(['cis-aws-3.0', 'pci-dss-4.0', 'mlps-2.0'].includes(f.framework), `${r.id}: ${f.framework}`);
  }
  assert.ok(cloudRules.length >= 80, `${cloudRules.length} rules`);
});
