import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError, withLimits } from '@bulwark/core';
import { sharedDir, sharedPath } from '@bulwark/core/testing';
import { zipEntries } from '../archive.js';
import { advisories, assertTotal, collect, mutations, tempDir } from '../test-helpers.js';
import { osv, parseOsvJson, validateOsv } from './osv.js';

describe('osv', () => {
  it('locates every ecosystem zip except Ubuntu', async () => {
    const files = await osv.locate(sharedDir() + '/vulndb');
    assert.deepEqual(files, ['Go', 'Maven', 'NuGet', 'Packagist', 'PyPI', 'RubyGems', 'crates.io', 'npm'].map((e) => `osv/${e}/all.zip`));
  });

  it('reads the full Go database and keeps the feed label', async () => {
    const { items, warnings } = await collect(osv, sharedPath('vulndb'), ['osv/Go/all.zip']);
    const recs = advisories(items);
    assert.equal(recs.length, 4291);
    assert.deepEqual(warnings, []);
    assert.ok(items.every((i) => i.kind === 'advisory' && i.feed === 'osv:Go'));
    const r = recs.find((x) => x.id === 'GO-2024-2687');
    assert.equal(r?.published, '2024-04-03T21:12:01Z');
  });

  it('tolerates PyPI records whose GIT events are not commit hashes', async () => {
    const recs = advisories((await collect(osv, sharedPath('vulndb'), ['osv/PyPI/all.zip'])).items);
    assert.equal(recs.length, 2661);
    for (const id of ['PYSEC-2017-27', 'PYSEC-2021-424', 'PYSEC-2023-80']) assert.ok(recs.some((r) => r.id === id), id);
    assert.equal(recs.filter((r) => r.withdrawn).length, 10);
  });

  it('reads a plain directory of OSV JSON', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'osv/Debian'), { recursive: true });
    copyFileSync(sharedPath('vulndb/samples/osv/Debian/DSA-3029-1.json'), join(dir, 'osv/Debian/DSA-3029-1.json'));
    assert.deepEqual(await osv.locate(dir), ['osv/Debian/DSA-3029-1.json']);
    const recs = advisories((await collect(osv, dir)).items);
    assert.equal(recs[0].affected?.[0].package?.ecosystem, 'Debian:7');
  });

  it('hostile: a truncated zip is an InputError naming the file', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'osv/Go'), { recursive: true });
    const zip = readFileSync(sharedPath('vulndb/osv/NuGet/all.zip'));
    writeFileSync(join(dir, 'osv/Go/all.zip'), zip.subarray(0, zip.length >> 1));
    await assert.rejects(collect(osv, dir), (e) => e instanceof InputError && e.file === join(dir, 'osv/Go/all.zip'));
  });

  it('hostile: a bad record inside a good zip is skipped with a warning naming the entry', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'osv/NuGet'), { recursive: true });
    writeFileSync(join(dir, 'osv/NuGet/not-json.json'), readFileSync(join(import.meta.dirname, 'fixtures/not-json.json')));
    const { items, warnings } = await collect(osv, dir);
    assert.equal(items.length, 0);
    assert.match(warnings[0], /not-json\.json: not valid JSON/);
  });

  it('rejects records without the fields matching needs', () => {
    const cases: [unknown, string][] = [
      [{ modified: '2024-01-01T00:00:00Z' }, 'id'],
      [{ id: 'X-1' }, 'modified'],
      [{ id: 'X-1', modified: '2024-01-01T00:00:00Z', affected: [{ package: { name: 'a' } }] }, 'affected[0].package'],
      [{ id: 'X-1', modified: '2024-01-01T00:00:00Z', affected: [{ ranges: [{ type: 'SEMVER', events: [{ fixed: 1 }] }] }] }, 'affected[0].ranges[0].events'],
    ];
    for (const [value, field] of cases) {
      const r = validateOsv(value, 'f.json');
      assert.ok(!r.ok && r.error.field === field, field);
    }
  });

  it('fuzz: mutated real records give a record or an InputError', async () => {
    const limits = withLimits({ maxDepth: 64 });
    let seed = 1;
    for await (const e of zipEntries(sharedPath('vulndb/osv/PyPI/all.zip'), limits, (n) => n === 'PYSEC-2021-424.json' || n === 'PYSEC-2014-1.json')) {
      const errors = assertTotal(mutations(e.data, 300, seed++), (b) => parseOsvJson(b, e.name, limits));
      assert.ok(errors > 0);
    }
  });
});
