import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { FindingInput } from '@bulwark/platform';
import { normalizeImageRef, normalizeRemote, repositoryOf, uniqueLocators } from './keys.js';

const work = mkdtempSync(join(tmpdir(), 'bulwark-upload-keys-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('normalizeImageRef: the same image spelled as in pod specs and as scanned gets one key', () => {
  const rows: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['docker.io/library/nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['index.docker.io/library/nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['localhost/lab-app:1', 'localhost/lab-app:1'],
    ['127.0.0.1:5000/team/app:1.2', '127.0.0.1:5000/team/app:1.2'],
    ['127.0.0.1:5000/team/app', '127.0.0.1:5000/team/app:latest'],
    ['ghcr.io/a/b@sha256:abc', 'ghcr.io/a/b@sha256:abc'],
    ['ghcr.io/a/b:1@sha256:abc', 'ghcr.io/a/b:1@sha256:abc'],
    [' quay.io/prometheus/node-exporter:v1.8.2 ', 'quay.io/prometheus/node-exporter:v1.8.2'],
  ];
  for (const [input, want] of rows) assert.equal(normalizeImageRef(input), want, input);
});

test('normalizeRemote: https, ssh and scp-like remotes of one repository agree, credentials dropped', () => {
  const rows: [string, string][] = [
    ['https://github.com/Acme/Shop.git', 'github.com/acme/shop'],
    ['https://ci:s3cret@github.com/acme/shop.git', 'github.com/acme/shop'],
    ['git@github.com:acme/shop.git', 'github.com/acme/shop'],
    ['ssh://git@github.com/acme/shop', 'github.com/acme/shop'],
    ['https://gitlab.example/group/sub/repo/', 'gitlab.example/group/sub/repo'],
  ];
  for (const [input, want] of rows) assert.equal(normalizeRemote(input), want, input);
});

test('repositoryOf: the git remote and the path inside the repository; without git the directory', () => {
  const repo = join(work, 'shop');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, 'deploy', 'k8s'), { recursive: true });
  writeFileSync(join(repo, '.git', 'config'), '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://github.com/other/x.git\n[remote "origin"]\n\turl = git@github.com:acme/shop.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n');
  writeFileSync(join(repo, 'deploy', 'k8s', 'web.yaml'), 'kind: Pod\n');
  assert.deepEqual(repositoryOf(join(repo, 'deploy')), { key: 'github.com/acme/shop', name: 'acme/shop', subpath: 'deploy', attributes: { remote: 'github.com/acme/shop' } });
  assert.equal(repositoryOf(repo).subpath, '');
  assert.equal(repositoryOf(join(repo, 'deploy', 'k8s', 'web.yaml')).subpath, 'deploy/k8s/web.yaml');

  const plain = join(work, 'plain');
  mkdirSync(plain);
  const r = repositoryOf(plain);
  assert.equal(r.key, `local:${hostname()}:${plain}`);
  assert.equal(r.name, 'plain');
  assert.equal(r.subpath, '');
});

test('uniqueLocators: alone keeps the plain locator, shared ones get the message hash, exact repeats a number', () => {
  const f = (ruleId: string, locator: string): FindingInput & { locator: string } => ({ type: 'config', ruleId, severity: 'low', asset: { kind: 'repository', key: 'r' }, locator });
  const input = [f('A', 'Dockerfile'), f('B', 'Dockerfile'), f('B', 'Dockerfile'), f('B', 'Dockerfile'), f('C', 'x')];
  const messages = ['m', 'pin apt', 'pin curl', 'pin apt', 'z'];
  const out = uniqueLocators(input, (i) => messages[i]).map((x) => x.locator);
  assert.equal(out[0], 'Dockerfile');
  assert.equal(out[4], 'x');
  assert.match(out[1] ?? '', /^Dockerfile #[0-9a-f]{12}$/);
  assert.notEqual(out[1], out[2]);
  assert.equal(out[3], `${out[1]} #2`);
  assert.equal(new Set(out).size, 5);
});
