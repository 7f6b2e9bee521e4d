import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ConfigError, type OsvRecord } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { tempDir } from '../sources/test-helpers.js';
import { importMirror } from './import.js';
import { normalizeEcosystem, normalizePackageName } from './names.js';
import { SCHEMA_VERSION } from './schema.js';
import { isStale } from './status.js';
import { MIGRATIONS } from './schema.js';
import { VulnDb } from './vulndb.js';

/** A small mirror built from real files of shared/vulndb. */
function smallMirror(): string {
  const dir = tempDir();
  const copy = (rel: string): void => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    copyFileSync(sharedPath('vulndb', rel), join(dir, rel));
  };
  for (const rel of ['kev/known_exploited_vulnerabilities.json', 'osv/NuGet/all.zip', 'osv/Packagist/all.zip', 'alpine/secdb/v3.4/main.yaml', 'nodejs/vuln/core/index.json']) copy(rel);
  cpSync(sharedPath('vulndb/samples/osv/Ubuntu'), join(dir, 'ubuntu/osv/cve'), { recursive: true });
  return dir;
}

function osvRecord(id: string, modified: string, eco: string, name: string): OsvRecord {
  return { id, modified, affected: [{ package: { ecosystem: eco, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }] }] };
}

describe('store names', () => {
  it('normalizes per ecosystem', () => {
    const rows: [string, string, string][] = [
      ['PyPI', 'Foo_Bar.baz', 'foo-bar-baz'],
      ['PyPI', 'Django', 'django'],
      ['Packagist', 'Symfony/HTTP-Kernel', 'symfony/http-kernel'],
      ['NuGet', 'Newtonsoft.Json', 'newtonsoft.json'],
      ['Maven', 'org.apache.logging.log4j/log4j-core', 'org.apache.logging.log4j:log4j-core'],
      ['Maven', 'com.fasterxml.jackson.core:jackson-databind', 'com.fasterxml.jackson.core:jackson-databind'],
      ['npm', 'Lodash', 'Lodash'],
      ['Debian:12', 'openssl', 'openssl'],
    ];
    for (const [eco, name, want] of rows) assert.equal(normalizePackageName(eco, name), want, `${eco} ${name}`);
    assert.equal(normalizeEcosystem('Ubuntu:22.04:LTS'), 'Ubuntu:22.04');
    assert.equal(normalizeEcosystem('Ubuntu:Pro:14.04:LTS'), 'Ubuntu:Pro:14.04');
    assert.equal(normalizeEcosystem('Debian:12'), 'Debian:12');
  });
});

describe('store', () => {
  it('imports a mirror, answers lookups, and reports status', async () => {
    const dir = smallMirror();
    const db = join(tempDir(), 'db', 'bulwark.db');
    const progress: string[] = [];
    const s = await importMirror(dir, db, { onProgress: (e) => progress.push(e.source) });
    assert.ok(s.ok);
    const byId = Object.fromEntries(s.sources.map((x) => [x.id, x]));
    assert.equal(byId.kev.status, 'imported');
    assert.equal(byId.kev.rows, 1662);
    // 13 NuGet + 4 Packagist zip entries, 13 distinct ids: multi-ecosystem GHSA records are stored once.
    assert.equal(byId.osv.written, 13);
    assert.equal(byId.rubysec.status, 'absent');
    assert.ok(progress.includes('alpine-secdb'));

    const v = VulnDb.open(db, { readonly: true });
    try {
      const nuget = v.advisoriesFor('NuGet', 'jquery');
      assert.ok(nuget.length > 0 && nuget.every((a) => a.source.startsWith('osv:')));
      assert.deepEqual(v.advisoriesFor('NuGet', 'JQuery').map((a) => a.record.id), nuget.map((a) => a.record.id));
      const ubuntu = v.advisoriesFor('Ubuntu:22.04', 'glibc');
      assert.ok(ubuntu.some((a) => a.record.id === 'UBUNTU-CVE-2016-20013'), 'Ubuntu:22.04:LTS records answer Ubuntu:22.04');
      assert.ok(v.advisoriesFor('Ubuntu:Pro:14.04', 'netty').some((a) => a.record.id === 'UBUNTU-CVE-2022-24823'));
      assert.ok(v.advisoriesFor('Alpine:v3.4', 'openssl').length > 10);
      assert.ok(v.advisoriesFor('Node.js', 'node').length > 100);
      assert.deepEqual(v.advisoriesFor('npm', 'no-such-package'), []);
      assert.equal(v.kev('CVE-2021-44228')?.dateAdded, '2021-12-10');
      assert.equal(v.kev('CVE-1999-0000'), undefined);
      assert.equal(v.epss('CVE-2021-44228'), undefined);
      const st = v.status();
      assert.equal(st.schemaVersion, SCHEMA_VERSION);
      assert.ok(st.updatedAt && !isStale({ updatedAt: st.updatedAt }, new Date()), 'just imported');
      assert.ok(isStale(st, new Date('2026-11-23T00:00:00Z')), 'but its newest data (2026-08) is months old');
      assert.equal(st.sources.find((x) => x.id === 'alpine-secdb')?.snapshotDate, undefined, 'secdb carries no date');
      assert.equal(st.totals.kev, 1662);
      const kev = st.sources.find((x) => x.id === 'kev')!;
      assert.equal(kev.snapshotDate, '2026-08-07T16:45:47.064Z');
      const osv = st.sources.find((x) => x.id === 'osv')!;
      assert.ok(osv.ecosystems.NuGet > 0 && osv.ecosystems.Packagist > 0);
    } finally {
      v.close();
    }
  });

  it('is incremental: unchanged feeds are skipped, newer records rewritten, vanished ones removed', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'osv/PyPI'), { recursive: true });
    const write = (r: OsvRecord): void => writeFileSync(join(dir, 'osv/PyPI', `${r.id}.json`), JSON.stringify(r));
    write(osvRecord('PYSEC-1', '2024-01-01T00:00:00Z', 'PyPI', 'Foo_Bar'));
    write(osvRecord('PYSEC-2', '2024-01-01T00:00:00Z', 'PyPI', 'other'));
    const db = join(tempDir(), 'v.db');
    await importMirror(dir, db);
    const again = await importMirror(dir, db);
    assert.equal(again.sources.find((x) => x.id === 'osv')!.status, 'unchanged');

    write(osvRecord('PYSEC-1', '2024-02-01T00:00:00Z', 'PyPI', 'foo-bar'));
    write(osvRecord('PYSEC-3', '2024-02-01T00:00:00Z', 'PyPI', 'foo.bar'));
    rmSync(join(dir, 'osv/PyPI/PYSEC-2.json'));
    const third = (await importMirror(dir, db)).sources.find((x) => x.id === 'osv')!;
    assert.deepEqual([third.status, third.written, third.kept, third.removed], ['imported', 2, 0, 1]);
    const v = VulnDb.open(db, { readonly: true });
    assert.deepEqual(v.advisoriesFor('PyPI', 'FOO_BAR').map((a) => [a.record.id, a.record.modified]), [['PYSEC-1', '2024-02-01T00:00:00Z'], ['PYSEC-3', '2024-02-01T00:00:00Z']]);
    assert.deepEqual(v.advisoriesFor('PyPI', 'other'), []);
    v.close();
  });

  it('is atomic: a feed failing half-way leaves its previous data fully usable', async () => {
    const dir = smallMirror();
    const db = join(tempDir(), 'v.db');
    await importMirror(dir, db, { sources: ['alpine-secdb', 'kev'] });
    const before = VulnDb.open(db, { readonly: true });
    const count = before.advisoriesFor('Alpine:v3.4', 'openssl').length;
    const statusBefore = before.status();
    before.close();

    // A changed file forces a re-import; the hook fails it after 50 records.
    writeFileSync(join(dir, 'alpine/secdb/v3.4/main.yaml'), '\n', { flag: 'a' });
    const s = await importMirror(dir, db, { sources: ['alpine-secdb'], onItem: (src, n) => { if (n === 50) throw new Error(`simulated crash in ${src}`); } });
    assert.equal(s.ok, false);
    const failed = s.sources.find((x) => x.id === 'alpine-secdb')!;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!, /simulated crash/);

    const after = VulnDb.open(db, { readonly: true });
    assert.equal(after.advisoriesFor('Alpine:v3.4', 'openssl').length, count);
    assert.deepEqual(after.status().sources, statusBefore.sources);
    after.close();
    // And the next import, without the failure, goes through.
    const ok = await importMirror(dir, db, { sources: ['alpine-secdb'] });
    assert.equal(ok.sources[0].status, 'imported');
  });

  it('warns, naming the record, about an unknown ecosystem, and still imports it', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'osv/Foo'), { recursive: true });
    writeFileSync(join(dir, 'osv/Foo/FOO-1.json'), JSON.stringify(osvRecord('FOO-1', '2024-01-01T00:00:00Z', 'FooEco', 'thing')));
    const s = await importMirror(dir, join(tempDir(), 'v.db'));
    const osv = s.sources.find((x) => x.id === 'osv')!;
    assert.equal(osv.status, 'imported');
    assert.ok(osv.warnings.some((w) => w.includes('"FooEco"') && w.includes('FOO-1')), osv.warnings.join('\n'));
  });

  it('records migrations and refuses a newer schema or a missing file', () => {
    const path = join(tempDir(), 'm.db');
    VulnDb.open(path).close();
    const raw = new Database(path);
    assert.deepEqual(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all(), MIGRATIONS.map((m) => ({ version: m.version })));
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.prepare('INSERT INTO schema_migrations VALUES (99, ?)').run(new Date().toISOString());
    raw.close();
    assert.throws(() => VulnDb.open(path), /schema version 99 is newer/);
  });

  it('migrates a version-1 database in place, keeping its CVE enrichment', () => {
    const path = join(tempDir(), 'v1.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    raw.exec(MIGRATIONS[0]!.sql);
    raw.prepare('INSERT INTO schema_migrations VALUES (1, ?)').run(new Date().toISOString());
    raw.prepare('INSERT INTO cve_enrichment (cve, data) VALUES (?, ?)').run('CVE-2024-0001', JSON.stringify({ cvss: [], title: 'kept' }));
    raw.close();
    const v = VulnDb.open(path);
    try {
      assert.equal(v.enrichment('CVE-2024-0001')?.title, 'kept');
    } finally {
      v.close();
    }
    assert.throws(() => VulnDb.open(join(tempDir(), 'missing.db'), { readonly: true }), (e) => e instanceof ConfigError && /bulwark db import/.test(e.message));
  });

  it('isStale: never updated or older than maxAgeDays', () => {
    const now = new Date('2026-08-20T00:00:00Z');
    assert.equal(isStale({}, now), true);
    assert.equal(isStale({ updatedAt: '2026-08-19T00:00:00Z' }, now), false);
    assert.equal(isStale({ updatedAt: '2026-08-12T00:00:00Z' }, now), true);
    assert.equal(isStale({ updatedAt: '2026-08-12T00:00:00Z' }, now, 30), false);
    const fresh = { updatedAt: '2026-08-19T00:00:00Z' };
    assert.equal(isStale({ ...fresh, sources: [{ snapshotDate: '2026-08-18T00:00:00Z' }, {}] }, now), false);
    assert.equal(isStale({ ...fresh, sources: [{ snapshotDate: '2026-07-01T00:00:00Z' }, { snapshotDate: '2026-08-01T00:00:00Z' }] }, now), true, 'an old mirror imported today');
  });

  it('lookups are fast (prepared statements + LRU)', async () => {
    const dir = smallMirror();
    const db = join(tempDir(), 'v.db');
    await importMirror(dir, db);
    const v = VulnDb.open(db, { readonly: true, cacheSize: 0 });
    const names = ['openssl', 'busybox', 'musl', 'zlib', 'curl', 'no-such-pkg'];
    const n = 3000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) v.advisoriesFor('Alpine:v3.4', names[i % names.length]);
    const perLookupUs = Number(process.hrtime.bigint() - t0) / 1000 / n;
    v.close();
    assert.ok(perLookupUs < 2000, `${perLookupUs} µs per uncached lookup`);
  });
});
