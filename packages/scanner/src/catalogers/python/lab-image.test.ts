// Runs the python, ruby, php, dotnet and rust catalogers on the real lab image (docker-archive, gzip'd) and compares
// with a hand-checked list: the lockfiles in /srv/locks and the Debian-installed Python distributions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cataloger } from '../types.js';
import { dotnetCatalogers } from '../dotnet/index.js';
import { phpCatalogers } from '../php/index.js';
import { rustCatalogers } from '../rust/index.js';
import { rubyCatalogers } from '../ruby/index.js';
import { pythonCatalogers } from './index.js';
import { fileInput, labImageFiles } from '../test-kit.js';

const catalogers: Cataloger[] = [...pythonCatalogers, ...rubyCatalogers, ...phpCatalogers, ...dotnetCatalogers, ...rustCatalogers];

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

// What Trivy's CycloneDX SBOM of the same image lists for these ecosystems (`trivy image --input lab-app.tar --format cyclonedx`): we must have all of them.
const TRIVY_PURLS = [
  'pkg:cargo/hyper@0.14.9',
  'pkg:cargo/smallvec@1.6.0',
  'pkg:cargo/tokio@1.8.0',
  'pkg:composer/guzzlehttp/guzzle@6.5.0',
  'pkg:composer/symfony/http-kernel@v4.4.0',
  'pkg:composer/twig/twig@v2.12.0',
];

test('language catalogers on the lab image: hand-checked packages, a superset of Trivy', async () => {
  const files = await labImageFiles((path, info) => catalogers.some((c) => c.matches(path, info)));
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
