// Runs the python, ruby, php, dotnet and rust catalogers on the real lab image (docker-archive, gzip'd) and compares
// with a hand-checked list: the lockfiles in /srv/locks and the Debian-installed Python distributions.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { test } from 'node:test';
import { createGunzip } from 'node:zlib';
import { sharedPath } from '@bulwark/core/testing';
import tar from 'tar-stream';
import type { Cataloger } from '../types.js';
import { dotnetCatalogers } from '../dotnet/index.js';
import { phpCatalogers } from '../php/index.js';
import { rustCatalogers } from '../rust/index.js';
import { rubyCatalogers } from '../ruby/index.js';
import { pythonCatalogers } from './index.js';
import { fileInput } from '../test-kit.js';

const catalogers: Cataloger[] = [...pythonCatalogers, ...rubyCatalogers, ...phpCatalogers, ...dotnetCatalogers, ...rustCatalogers];

/** Files of every layer that some cataloger matches, as absolute paths (no whiteout handling: these paths do not overlap). */
async function matchingFiles(archive: string): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const outer = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    outer.on('finish', resolve);
    outer.on('error', reject);
  });
  outer.on('entry', (header, stream, next) => {
    if (!header.name.endsWith('.tar') || header.type !== 'file') {
      stream.resume();
      stream.on('end', next);
      return;
    }
    const inner = tar.extract();
    inner.on('entry', (h, s, n) => {
      const path = '/' + h.name.replace(/^\.?\//, '');
      const info = { size: h.size ?? 0, mode: h.mode ?? 0 };
      if (h.type !== 'file' || !catalogers.some((c) => c.matches(path, info))) {
        s.resume();
        s.on('end', n);
        return;
      }
      const chunks: Buffer[] = [];
      s.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      s.on('end', () => {
        found.set(path, Buffer.concat(chunks));
        n();
      });
    });
    inner.on('finish', next);
    inner.on('error', next);
    stream.pipe(inner);
  });
  createReadStream(archive).pipe(createGunzip()).pipe(outer);
  await done;
  return found;
}

// Checked by hand against the files in the image (tar -xf, then cat srv/locks/* and the dist-packages METADATA/PKG-INFO).
const EXPECTED = [
  'cargo hyper 0.14.9 /srv/locks/Cargo.lock',
  'cargo smallvec 1.6.0 /srv/locks/Cargo.lock',
  'cargo tokio 1.8.0 /srv/locks/Cargo.lock',
  'composer guzzlehttp/guzzle 6.5.0 /srv/locks/composer.lock',
  'composer symfony/http-kernel v4.4.0 /srv/locks/composer.lock',
  'composer twig/twig v2.12.0 /srv/locks/composer.lock',
  'gem nokogiri 1.10.4 /srv/locks/Gemfile.lock',
  'gem rack 2.0.7 /srv/locks/Gemfile.lock',
  'gem rails-html-sanitizer 1.0.4 /srv/locks/Gemfile.lock',
  'pypi Django 3.2.0 /srv/locks/requirements.txt',
  'pypi Jinja2 2.11.2 /srv/locks/requirements.txt',
  'pypi Jinja2 3.1.2 /usr/lib/python3/dist-packages/Jinja2-3.1.2.egg-info/PKG-INFO',
  'pypi MarkupSafe 2.1.2 /usr/lib/python3/dist-packages/MarkupSafe-2.1.2.egg-info/PKG-INFO',
  'pypi PyYAML 5.3 /srv/locks/requirements.txt',
  'pypi PyYAML 6.0 /usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA',
  'pypi certifi 2022.9.24 /usr/lib/python3/dist-packages/certifi-2022.9.24.egg-info/PKG-INFO',
  'pypi chardet 5.1.0 /usr/lib/python3/dist-packages/chardet-5.1.0.dist-info/METADATA',
  'pypi charset-normalizer 3.0.1 /usr/lib/python3/dist-packages/charset_normalizer-3.0.1.dist-info/METADATA',
  'pypi idna 3.3 /usr/lib/python3/dist-packages/idna-3.3.egg-info/PKG-INFO',
  'pypi requests 2.25.0 /srv/locks/requirements.txt',
  'pypi requests 2.28.1 /usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO',
  'pypi six 1.16.0 /usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO',
  'pypi urllib3 1.26.12 /usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO',
  'pypi urllib3 1.26.4 /srv/locks/requirements.txt',
];

// What Trivy's CycloneDX SBOM of the same image lists for these ecosystems (/work/tools/lab-app.trivy.cdx.json): we must have all of them.
const TRIVY_PURLS = [
  'pkg:cargo/hyper@0.14.9',
  'pkg:cargo/smallvec@1.6.0',
  'pkg:cargo/tokio@1.8.0',
  'pkg:composer/guzzlehttp/guzzle@6.5.0',
  'pkg:composer/symfony/http-kernel@v4.4.0',
  'pkg:composer/twig/twig@v2.12.0',
];

test('language catalogers on the lab image: hand-checked packages, a superset of Trivy', async () => {
  const files = await matchingFiles(sharedPath('lab', 'images', 'lab-app.tar.gz'));
  const rows: string[] = [];
  const purls = new Set<string>();
  const errors: string[] = [];
  for (const [path, content] of files) {
    for (const c of catalogers) {
      if (!c.matches(path, { size: content.length, mode: 0o644 })) continue;
      const r = c.catalog(fileInput(path, content), { maxFileBytes: c.maxBytes });
      if (!r.ok) {
        errors.push(r.error.message);
        continue;
      }
      for (const p of r.value.packages) {
        assert.equal(p.foundBy, c.id);
        rows.push(`${p.type} ${p.name} ${p.version} ${p.locations[0].path}`);
        purls.add(p.purl);
      }
    }
  }
  assert.deepEqual(errors, []);
  assert.deepEqual(rows.sort(), [...EXPECTED].sort());
  for (const purl of TRIVY_PURLS) assert.ok(purls.has(purl), `Trivy reports ${purl}`);
  assert.ok(purls.has('pkg:pypi/pyyaml@6.0') && purls.has('pkg:pypi/jinja2@3.1.2'), 'purls use normalized PyPI names');
});
