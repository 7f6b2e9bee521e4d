import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, LimitError } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { attr, isUnknown } from './cloud-model.js';
import { parseHcl } from './hcl.js';
import { loadTerraform, scanTerraform } from './terraform.js';

const fx = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const read = (p: string): string => readFileSync(join(fx, p), 'utf8');
const tree = ['tree/main.tf', 'tree/terraform.tfvars', 'tree/modules/bucket/main.tf'].map((p) => ({ path: p, content: read(p) }));

test('module tree: variables, tfvars, locals, interpolation, module inputs, count, dynamic blocks', () => {
  const { model, errors } = loadTerraform(tree);
  assert.deepEqual(errors, []);
  const labels = model.resources.map((r) => r.label).sort();
  assert.deepEqual(labels, ['aws_cloudwatch_log_group.app', 'aws_security_group.web', 'module.assets.aws_s3_bucket.this', 'module.assets.aws_s3_bucket_versioning.this']);
  const byLabel = (l: string) => model.resources.find((r) => r.label === l)!;
  // terraform.tfvars overrides the default "dev"; the module input is interpolated from a local.
  assert.equal(attr(byLabel('aws_security_group.web'), 'name'), 'acme-prod-web');
  assert.equal(attr(byLabel('module.assets.aws_s3_bucket.this'), 'bucket'), 'acme-prod-assets');
  assert.equal(attr(byLabel('module.assets.aws_s3_bucket_versioning.this'), 'versioning_configuration.status'), 'Suspended');
  assert.equal(attr(byLabel('aws_cloudwatch_log_group.app'), 'retention_in_days'), 14);
  assert.ok(isUnknown(attr(byLabel('aws_cloudwatch_log_group.app'), 'name')), 'count.index is unknown');
  assert.deepEqual(attr(byLabel('aws_security_group.web'), 'tags'), { Environment: 'prod', Team: 'platform' });
  const egress = attr(byLabel('aws_security_group.web'), 'egress') as unknown[];
  assert.ok(Array.isArray(egress) && isUnknown(egress[0]), 'dynamic block is unknown');
  const vpc = attr(byLabel('aws_security_group.web'), 'vpc_id');
  assert.ok(isUnknown(vpc) && vpc.ref === 'aws_vpc.main.id');
});

test('lines: blocks, attributes and nested blocks keep their lines', () => {
  const { findings } = scanTerraform(tree);
  const ingress = findings.find((f) => f.ruleId === 'BLW-AWS-022');
  assert.deepEqual(ingress?.range, { startLine: 35, endLine: 41 });
  assert.equal(ingress?.resource, 'aws_security_group.web');
  assert.equal(ingress?.file, 'tree/main.tf');
  const versioning = findings.find((f) => f.ruleId === 'BLW-AWS-013');
  assert.equal(versioning?.resource, 'module.assets.aws_s3_bucket.this');
  assert.equal(versioning?.file, 'tree/modules/bucket/main.tf');
  assert.deepEqual(versioning?.range, { startLine: 10, endLine: 12 });
});

test('plan JSON: planned values of root and child modules', () => {
  const { model, errors } = loadTerraform([{ path: 'plan.json', content: read('plan.json') }]);
  assert.deepEqual(errors, []);
  assert.deepEqual(model.resources.map((r) => r.label), ['aws_s3_bucket.logs', 'aws_s3_bucket_public_access_block.logs', 'module.db.aws_db_instance.this']);
  const ids = new Set(scanTerraform([{ path: 'plan.json', content: read('plan.json') }]).findings.map((f) => f.ruleId));
  for (const id of ['BLW-AWS-002', 'BLW-AWS-075', 'BLW-AWS-073']) assert.ok(ids.has(id), id);
  assert.ok(!ids.has('BLW-AWS-001'), 'block_public_acls is true in the plan');
});

test('hostile inputs: syntax errors name file and line; limits are LimitErrors', () => {
  const rows: [string, string, typeof InputError][] = [
    ['unterminated block', 'resource "a" "b" {\n  x = 1\n', InputError],
    ['bad attribute', 'resource "a" "b" {\n  x = = 1\n}\n', InputError],
    ['unterminated string', 'x = "abc\n', InputError],
    ['unterminated heredoc', 'x = <<EOF\nabc\n', InputError],
    ['deep nesting', 'x = ' + '['.repeat(500) + ']'.repeat(500) + '\n', LimitError],
    ['deep blocks', 'a {\n'.repeat(300) + '}\n'.repeat(300), LimitError],
  ];
  for (const [name, src, cls] of rows) {
    const r = parseHcl('bad.tf', src);
    assert.equal(r.ok, false, name);
    if (!r.ok) {
      assert.ok(r.error instanceof cls, `${name}: ${r.error.constructor.name}`);
      assert.match(r.error.message, /^bad\.tf/, name);
    }
  }
  const err = parseHcl('bad.tf', 'a = 1\nb = = 2\n');
  assert.ok(!err.ok && err.error.field === 'line 2');
  const big = parseHcl('big.tf', 'x = 1\n', { maxBytes: 3, maxDepth: 10 });
  assert.ok(!big.ok && big.error instanceof LimitError);
  const plan = loadTerraform([{ path: 'p.json', content: '{"planned_values":' }]);
  assert.equal(plan.errors.length, 1);
  const { errors, findings } = scanTerraform([{ path: 'bad.tf', content: 'resource "x" {' }, ...tree]);
  assert.equal(errors.length, 1, 'one bad file does not fail the scan');
  assert.ok(findings.length > 0);
});

test('expressions: heredoc, templates, functions, for, conditionals, escapes', () => {
  const src = [
    'a = <<-EOT',
    '    {"k": "${var.x}"}',
    '    EOT',
    'b = jsonencode({ Statement = [{ Action = "*", Resource = "*" }] })',
    'c = [for s in var.list : upper(s) if s != ""]',
    'd = "$${literal} %%{x} \\u00e9"',
    'e = 1 + 2 * 3 > 6 && !false',
    'f = provider::aws::arn_parse("arn")',
    'g = { "quoted key" = 1, bare: 2 }',
    'h = var.m["k"].x[0]',
    '/* block */ i = -1 # trailing',
    '// line comment',
  ].join('\n');
  const r = parseHcl('e.tf', src + '\n');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
});

test('fuzz: seeded mutations and truncations of real fixtures never throw and stay fast', () => {
  const rnd = seededRandom(20240601);
  const seeds = [read('tree/main.tf'), read('tree/modules/bucket/main.tf'), read('plan.json')];
  const alphabet = ['{', '}', '[', ']', '"', '$', '${', '%{', '<<', 'EOF', '\n', '=', '(', ')', '#', '/*', '\\', ',', ':', '?'];
  const started = Date.now();
  for (let i = 0; i < 600; i++) {
    const base = seeds[i % seeds.length]!;
    let s = base;
    const op = Math.floor(rnd() * 3);
    const at = Math.floor(rnd() * s.length);
    if (op === 0) s = s.slice(0, at);
    else if (op === 1) s = s.slice(0, at) + alphabet[Math.floor(rnd() * alphabet.length)] + s.slice(at);
    else s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 20));
    const path = i % seeds.length === 2 ? 'plan.json' : 'f.tf';
    const res = scanTerraform([{ path, content: s }]);
    for (const e of res.errors) assert.doesNotMatch(e.error, /rule .* failed/, 'a rule threw');
  }
  assert.ok(Date.now() - started < 20_000, 'fuzz took too long');
});
