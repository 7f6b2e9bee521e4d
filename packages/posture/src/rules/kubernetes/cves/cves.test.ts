import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { familyFixtureTests } from '../harness.js';
import { rules } from './index.js';
import { cmp, imageTag, imageTagVersion, inRanges, versionIn } from './versions.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

test('versions in strings and image tags', () => {
  assert.deepEqual(versionIn('v1.20.7'), [1, 20, 7]);
  assert.deepEqual(versionIn('5.13.0-39-generic'), [5, 13, 0]);
  assert.deepEqual(versionIn('1.30'), [1, 30, 0]);
  assert.equal(versionIn('latest'), undefined);
  const tags: [string, string | undefined][] = [
    ['registry.k8s.io/ingress-nginx/controller:v1.9.4@sha256:5b16', 'v1.9.4'], ['localhost:5000/app', undefined], ['localhost:5000/app:2.1', '2.1'], ['mongo', undefined], ['mongo:', undefined],
  ];
  for (const [image, want] of tags) assert.equal(imageTag(image), want, image);
  assert.deepEqual(imageTagVersion('grafana/grafana:9.2.3-ubuntu'), [9, 2, 3]);
  assert.equal(imageTagVersion('localhost:5000/grafana'), undefined);
});

test('ranges are half-open and compare numerically', () => {
  assert.equal(cmp([1, 10, 0], [1, 9, 9]), 1);
  const r = [{ to: [1, 19, 15] as const }, { from: [1, 20, 0] as const, to: [1, 20, 11] as const }];
  assert.ok(inRanges([1, 19, 14], r));
  assert.ok(!inRanges([1, 19, 15], r));
  assert.ok(inRanges([1, 20, 10], r));
  assert.ok(!inRanges([1, 20, 11], r));
});
