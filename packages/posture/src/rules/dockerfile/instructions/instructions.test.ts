import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkFamily } from '../harness.js';
import { rules } from './index.js';

test('instructions: every rule fires on its bad fixture and stays quiet on its good one', () => {
  assert.equal(checkFamily(dirname(fileURLToPath(import.meta.url)), rules), rules.length * 2);
});

test('instructions: MAINTAINER and ADD fixes', async () => {
  const { parseDockerfile } = await import('../../../dockerfile/parse.js');
  const { maintainer, addInsteadOfCopy } = await import('./instructions.js');
  const df = parseDockerfile('Dockerfile', Buffer.from('FROM alpine:3.19\nMAINTAINER Jane <jane@example.com>\nADD --chown=app:app src/ /app/\n'));
  assert.ok(df.ok);
  assert.deepEqual(maintainer.check(df.value)[0]!.fix, { kind: 'lines', range: { startLine: 2, endLine: 2 }, replacement: ['LABEL org.opencontainers.image.authors="Jane <jane@example.com>"'] });
  assert.deepEqual(addInsteadOfCopy.check(df.value)[0]!.fix, { kind: 'lines', range: { startLine: 3, endLine: 3 }, replacement: ['COPY --chown=app:app src/ /app/'] });
});
