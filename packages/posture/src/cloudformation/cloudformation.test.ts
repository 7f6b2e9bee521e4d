import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LimitError } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { attr, isUnknown } from '../terraform/cloud-model.js';
import { parseCloudFormation, scanCloudFormation } from './cloudformation.js';

const fx = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const read = (p: string): string => readFileSync(join(fx, p), 'utf8');

test('YAML short-form tags, parameters with defaults, lines', () => {
  const r = parseCloudFormation('bucket.yaml', read('bucket.yaml'));
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const [bucket, trail, key] = r.value.resources;
  assert.equal(bucket?.label, 'AWS::S3::Bucket.LogBucket');
  assert.deepEqual(bucket?.range, { startLine: 13, endLine: 19 });
  assert.ok(isUnknown(attr(bucket!, 'BucketName')), '!Sub of a pseudo parameter is unknown');
  assert.equal(attr(trail!, 'TrailName'), 'org-trail', '!Ref of a parameter resolves to its default');
  assert.equal(attr(trail!, 'EnableLogFileValidation'), 'true');
  const s3 = attr(trail!, 'S3BucketName');
  assert.ok(isUnknown(s3) && s3.ref === 'Ref:LogBucket');
  const kms = attr(trail!, 'KMSKeyId');
  assert.ok(isUnknown(kms) && kms.ref === 'GetAtt:TrailKey.Arn');
  assert.ok(isUnknown(attr(trail!, 'IsMultiRegionTrail')), '!If is unknown');
  assert.deepEqual(trail?.rangeOf(['IsLogging']), { startLine: 25, endLine: 25 });
  assert.equal(attr(key!, 'KeyPolicy.Statement.0.Action'), 'kms:*');
});

test('findings: rules see resolved values and point at lines', () => {
  const { findings, errors } = scanCloudFormation('bucket.yaml', read('bucket.yaml'));
  assert.deepEqual(errors, []);
  const ids = findings.map((f) => f.ruleId);
  assert.ok(ids.includes('BLW-AWS-100'), 'KMS rotation off');
  assert.ok(!ids.includes('BLW-AWS-092'), 'log validation comes from the parameter default');
  assert.ok(!ids.includes('BLW-AWS-091'), 'KMSKeyId is set by !GetAtt');
  assert.ok(!ids.includes('BLW-AWS-090'), 'multi-region is unknown (!If): no verdict');
  assert.ok(!ids.includes('BLW-AWS-012'), 'the log bucket itself is not asked to log');
  const rot = findings.find((f) => f.ruleId === 'BLW-AWS-100');
  assert.deepEqual(rot?.range, { startLine: 32, endLine: 32 });
});

test('JSON templates: long-form intrinsics and lines', () => {
  const { findings, errors } = scanCloudFormation('bucket.json', read('bucket.json'));
  assert.deepEqual(errors, []);
  const policy = findings.find((f) => f.ruleId === 'BLW-AWS-002');
  assert.equal(policy?.resource, 'AWS::S3::Bucket.Data');
  assert.deepEqual(policy?.range, { startLine: 11, endLine: 11 });
  assert.ok(findings.some((f) => f.ruleId === 'BLW-AWS-006'), 'PublicRead ACL');
  assert.ok(!findings.some((f) => f.ruleId === 'BLW-AWS-001'));
});

test('hostile inputs: malformed, alias bombs, deep nesting, size', () => {
  const bad = parseCloudFormation('t.yaml', 'Resources:\n  A:\n    Type: [unclosed\n');
  assert.ok(!bad.ok && /^t\.yaml: line \d+/.test(bad.error.message), bad.ok ? '' : bad.error.message);
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill('*' + String.fromCharCode(97 + i)).join(', ')}]`);
  const bombDoc = `Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n${bomb.map((l) => '      ' + l).join('\n')}\n`;
  const b = parseCloudFormation('bomb.yaml', bombDoc);
  assert.ok(!b.ok && b.error instanceof LimitError, 'alias bomb refused');
  const deep = `Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n      X: ${'['.repeat(300)}${']'.repeat(300)}\n`;
  const d = parseCloudFormation('deep.yaml', deep);
  assert.ok(!d.ok && d.error instanceof LimitError, 'deep nesting refused');
  const big = parseCloudFormation('big.yaml', read('bucket.yaml'), { maxBytes: 10, maxDepth: 10, maxAliasCount: 1 });
  assert.ok(!big.ok && big.error instanceof LimitError);
  const notMap = parseCloudFormation('list.yaml', '- a\n- b\n');
  assert.ok(!notMap.ok);
  assert.equal(scanCloudFormation('bad.yaml', '{').errors.length, 1);
});

test('fuzz: seeded mutations and truncations never throw', () => {
  const rnd = seededRandom(7);
  const seeds = [read('bucket.yaml'), read('bucket.json')];
  const alphabet = ['!Ref ', '!GetAtt ', '&a ', '*a', '[', ']', '{', '}', ':', '\n  ', '- ', '"', "'", '!If [', '#', '\t'];
  const started = Date.now();
  for (let i = 0; i < 500; i++) {
    let s = seeds[i % 2]!;
    const at = Math.floor(rnd() * s.length);
    const op = Math.floor(rnd() * 3);
    if (op === 0) s = s.slice(0, at);
    else if (op === 1) s = s.slice(0, at) + alphabet[Math.floor(rnd() * alphabet.length)] + s.slice(at);
    else s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 15));
    const res = scanCloudFormation(i % 2 ? 't.json' : 't.yaml', s);
    for (const e of res.errors) assert.doesNotMatch(e.error, /rule .* failed/, 'a rule threw');
  }
  assert.ok(Date.now() - started < 20_000);
});
