import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { catalogErr, catalogOk, goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { distInfo, parseCoreMetadata, pythonLicenses } from './dist-info.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const DP = '/usr/lib/python3/dist-packages';

goldenCases(distInfo, fixtures, [
  { fixture: 'pyyaml-6.0.METADATA', path: `${DP}/PyYAML-6.0.dist-info/METADATA` },
  { fixture: 'jinja2-3.1.2.PKG-INFO', path: `${DP}/Jinja2-3.1.2.egg-info/PKG-INFO` },
  { fixture: 'charset-normalizer-3.0.1.METADATA', path: `${DP}/charset_normalizer-3.0.1.dist-info/METADATA` },
  { fixture: 'urllib3-2.7.0.METADATA', path: '/usr/local/lib/python3.11/site-packages/urllib3-2.7.0.dist-info/METADATA' },
  { fixture: 'traitlets-5.15.0.METADATA', path: '/usr/local/lib/python3.11/site-packages/traitlets-5.15.0.dist-info/METADATA' },
  { fixture: 'wsgiref-0.1.2.egg-info', path: '/usr/lib/python2.7/wsgiref.egg-info' },
  { fixture: 'not-metadata.txt', path: `${DP}/broken-1.0.dist-info/METADATA` },
  { fixture: 'truncated.METADATA', path: `${DP}/PyYAML-6.0.dist-info/METADATA` },
]);

matchCases(distInfo, [
  [`${DP}/PyYAML-6.0.dist-info/METADATA`, true],
  ['venv/lib/python3.12/site-packages/idna-3.7.dist-info/METADATA', true],
  [`${DP}/idna-3.3.egg-info/PKG-INFO`, true],
  ['/usr/lib/python2.7/wsgiref.egg-info', true],
  [`${DP}/PyYAML-6.0.dist-info/RECORD`, false],
  [`${DP}/idna-3.3.egg-info/top_level.txt`, false],
  ['/srv/app/METADATA', false],
  ['/srv/sdist/PKG-INFO', false],
]);

hostileCases(distInfo, fixtures, 'traitlets-5.15.0.METADATA', `${DP}/traitlets-5.15.0.dist-info/METADATA`);

test('python/dist-info: license precedence', () => {
  const lic = (text: string) => pythonLicenses(parseCoreMetadata(text));
  const rows: [string, string[]][] = [
    ['License-Expression: MIT OR Apache-2.0\nLicense: MIT\nClassifier: License :: OSI Approved :: MIT License\n', ['MIT OR Apache-2.0']],
    ['License: Apache 2.0\nClassifier: License :: OSI Approved :: Apache Software License\n', ['Apache 2.0']],
    ['License: UNKNOWN\nClassifier: License :: OSI Approved :: BSD License\n', ['BSD License']],
    ['License: Copyright (c) 2001\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\n', ['MIT License']],
    ['Classifier: License :: OSI Approved\nClassifier: License :: Public Domain\n', ['Public Domain']],
    ['Name: x\n', []],
  ];
  for (const [text, want] of rows) assert.deepEqual(lic(text), want, text);
});

test('python/dist-info: CRLF headers, body ignored, continuation of the right header', () => {
  const r = catalogOk(distInfo, `${DP}/six-1.16.0.egg-info/PKG-INFO`, 'Metadata-Version: 1.1\r\nName: six\r\nVersion: 1.16.0\r\nLicense: MIT\r\n\r\nName: other\r\nVersion: 9\r\n');
  assert.deepEqual(r.packages.map((p) => [p.name, p.version, p.purl, p.licenses]), [['six', '1.16.0', 'pkg:pypi/six@1.16.0', ['MIT']]]);
});

test('python/dist-info: a Name or Version only in the body is not a package', () => {
  const e = catalogErr(distInfo, `${DP}/x-1.dist-info/METADATA`, 'Metadata-Version: 2.1\nName: x\n\nVersion: 1\n');
  assert.equal(e.field, 'Version');
});
