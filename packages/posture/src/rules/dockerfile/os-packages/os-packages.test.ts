import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkFamily } from '../harness.js';
import { rules } from './index.js';

test('os-packages: every rule fires on its bad fixture and stays quiet on its good one', () => {
  assert.equal(checkFamily(dirname(fileURLToPath(import.meta.url)), rules), rules.length * 2);
});

test('os-packages: --no-install-recommends fix rewrites the single-line RUN, multi-line RUNs get no fix', async () => {
  const { parseDockerfile } = await import('../../../dockerfile/parse.js');
  const { aptRecommends } = await import('./apt.js');
  const one = parseDockerfile('Dockerfile', Buffer.from('FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt apt-get -y install curl=7.88.1-10\n'));
  assert.ok(one.ok);
  assert.deepEqual(aptRecommends.check(one.value).map((v) => v.fix), [
    { kind: 'lines', range: { startLine: 2, endLine: 2 }, replacement: ['RUN --mount=type=cache,target=/var/cache/apt apt-get -y install --no-install-recommends curl=7.88.1-10'] },
  ]);
  const multi = parseDockerfile('Dockerfile', Buffer.from('FROM debian:12\nRUN apt-get install -y \\\n  curl\n'));
  assert.ok(multi.ok);
  assert.deepEqual(aptRecommends.check(multi.value).map((v) => [v.fix, v.range]), [[undefined, { startLine: 2, endLine: 3 }]]);
});
