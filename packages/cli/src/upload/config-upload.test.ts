import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { scanConfigSources, scanConfigTree } from '@bulwark/posture';
import { findingFingerprint } from '@bulwark/platform';
import { prioritizeScan } from '@bulwark/platform';
import { configUpload } from './config-upload.js';
import { expectGolden, linesJson } from './golden.js';
import type { RepositoryInfo } from './keys.js';

const here = new URL('.', import.meta.url).pathname;
const TREE = join(here, '..', 'e2e', 'fixtures', 'config-tree');
const repo: RepositoryInfo = { key: 'github.com/acme/shop', name: 'acme/shop', subpath: 'deploy', attributes: { remote: 'github.com/acme/shop' } };
const timing = { scanId: '00000000-0000-4000-8000-000000000003', startedAt: new Date('2026-11-23T10:00:00Z'), finishedAt: new Date('2026-11-23T10:00:01Z') };
const work = mkdtempSync(join(tmpdir(), 'bulwark-upload-config-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('config tree: one repository asset, findings located by file and resource from the repository root (golden)', async () => {
  const scan = await scanConfigTree(TREE, {});
  const body = configUpload(scan.findings, { ...timing, path: TREE, repository: repo });
  assert.equal(body.scan.target, 'config:github.com/acme/shop//deploy');
  assert.equal(body.scan.kind, 'config');
  assert.deepEqual(body.scan.assets, [{ kind: 'repository', key: 'github.com/acme/shop', name: 'acme/shop', attributes: { remote: 'github.com/acme/shop' } }]);
  assert.equal(body.findings.length, scan.findings.length);
  assert.ok(body.findings.every((f) => f.locator?.startsWith('deploy/')), 'paths from the repository root');
  const prints = new Set(body.findings.map((f) => findingFingerprint({ type: f.type, ruleId: f.ruleId, asset: f.asset, locator: f.locator })));
  assert.equal(prints.size, body.findings.length, 'distinct fingerprints');
  const withControls = prioritizeScan(body.scan, body.findings).find((f) => (f.payload as { frameworks: unknown[] }).frameworks.length > 0);
  assert.match(withControls?.priority?.factors.find((x) => x.name === 'compliance')?.detail ?? '', /^maps to \d+ compliance controls?$/, 'frameworks reach the scorer');
  const view = { target: body.scan.target, findings: body.findings.map((f) => [f.type, f.ruleId, f.severity, f.fixAvailable, f.locator]) };
  expectGolden(join(here, 'fixtures', 'config-tree.upload.expected.json'), linesJson(view, ['findings']));
});

test('secrets in configuration are secret findings; repeated rules on one file stay apart; lines are not in the locator', () => {
  const dockerfile = (extra: string) => Buffer.from(`FROM debian:12\n${extra}ENV DB_PASSWORD=hunter2\nRUN apt-get install -y curl\nRUN apt-get install -y wget\nUSER app\n`);
  const before = scanConfigSources([{ path: 'Dockerfile', content: dockerfile('') }]);
  const afterEdit = scanConfigSources([{ path: 'Dockerfile', content: dockerfile('# a comment that moves every line\n') }]);
  const a = configUpload(before.findings, { ...timing, path: TREE, repository: { ...repo, subpath: '' } });
  const b = configUpload(afterEdit.findings, { ...timing, path: TREE, repository: { ...repo, subpath: '' } });
  const secret = a.findings.find((f) => f.ruleId === 'BLW-DF-040');
  assert.equal(secret?.type, 'secret');
  assert.equal(secret?.severity, 'high');
  const locators = a.findings.map((f) => `${f.ruleId} ${f.locator}`);
  assert.equal(new Set(locators).size, locators.length, `distinct: ${locators.join(' | ')}`);
  assert.deepEqual(b.findings.map((f) => `${f.ruleId} ${f.locator}`), locators, 'moving lines keeps every locator');
  assert.deepEqual(
    configUpload([{ ...before.findings[0], suppressed: { by: 'ignore-file', source: '.bulwarkignore' } }, ...before.findings.slice(1)], { ...timing, path: TREE, repository: repo }).findings.length,
    before.findings.length - 1,
    'suppressed findings are left out',
  );
});

test('a single file scanned: its path from the repository root is the locator', () => {
  const dir = join(work, 'svc');
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:latest\nRUN apt-get install -y curl\n');
  const scan = scanConfigSources([{ path: 'Dockerfile', content: Buffer.from('FROM debian:latest\nRUN apt-get install -y curl\n') }]);
  const body = configUpload(scan.findings, { ...timing, path: join(dir, 'Dockerfile'), repository: { ...repo, subpath: 'svc/Dockerfile' } });
  assert.ok(body.findings.length > 0, 'findings');
  assert.ok(body.findings.every((f) => f.locator?.startsWith('svc/Dockerfile')), body.findings.map((f) => f.locator).join(', '));
  assert.equal(body.scan.target, 'config:github.com/acme/shop//svc/Dockerfile');
});
