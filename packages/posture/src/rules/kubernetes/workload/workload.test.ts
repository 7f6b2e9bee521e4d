import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { familyFixtureTests } from '../harness.js';
import { validDigest } from './containers.js';
import { parseImage } from './image.js';
import { rules } from './index.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

test('image references', () => {
  const rows: [string, ReturnType<typeof parseImage>][] = [
    ['nginx', { registry: undefined, repository: 'nginx', tag: undefined, digest: undefined }],
    ['nginx:1.25', { registry: undefined, repository: 'nginx', tag: '1.25', digest: undefined }],
    ['library/nginx:latest', { registry: undefined, repository: 'library/nginx', tag: 'latest', digest: undefined }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app', tag: undefined, digest: undefined }],
    ['registry.example.com:5000/team/app:1.0@sha256:ab', { registry: 'registry.example.com:5000', repository: 'team/app', tag: '1.0', digest: 'sha256:ab' }],
    ['k8s.gcr.io/pause', { registry: 'k8s.gcr.io', repository: 'pause', tag: undefined, digest: undefined }],
  ];
  for (const [ref, want] of rows) assert.deepEqual(parseImage(ref), want, ref);
});

test('OCI digests', () => {
  assert.ok(validDigest(`sha256:${'a'.repeat(64)}`));
  assert.ok(!validDigest(`sha256:${'a'.repeat(63)}`));
  assert.ok(!validDigest(`sha256:${'A'.repeat(64)}`));
  assert.ok(validDigest(`sha512:${'0'.repeat(128)}`));
  assert.ok(!validDigest(`sha512:${'0'.repeat(32)}`));
  assert.ok(validDigest('custom-algorithm:a'));
  assert.ok(!validDigest('sha256'));
  assert.ok(!validDigest('SHA256:abc'));
});
