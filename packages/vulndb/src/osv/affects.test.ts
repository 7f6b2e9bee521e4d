import { test } from 'node:test';
import assert from 'node:assert/strict';
import yauzl from 'yauzl';
import type { OsvAffected, OsvRecord } from '@bulwark/core';
import { seededRandom, sharedPath } from '@bulwark/core/testing';
import { evaluateAffected, isWithdrawn } from './affects.js';

/** Reads named entries of an OSV all.zip (one record per entry) without unpacking the rest. */
function readRecords(zipPath: string, names: readonly string[]): Promise<Map<string, OsvRecord>> {
  const wanted = new Set(names);
  const out = new Map<string, OsvRecord>();
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!wanted.has(entry.fileName) || entry.uncompressedSize > 4 * 1024 * 1024) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, JSON.parse(Buffer.concat(chunks).toString('utf8')) as OsvRecord);
            if (out.size === wanted.size) {
              zip.close();
              resolve(out);
            } else zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

async function record(eco: string, id: string): Promise<OsvRecord> {
  const r = (await readRecords(sharedPath('vulndb', 'osv', eco, 'all.zip'), [`${id}.json`])).get(`${id}.json`);
  assert.ok(r, `${eco}/${id} present in the shared OSV dump`);
  return r;
}

const range = (type: string, ...events: Record<string, string>[]): OsvAffected => ({
  package: { ecosystem: 'PyPI', name: 'x' },
  ranges: [{ type, events }],
});

test('table: each event kind, sorting, introduced "0", limit, versions list, GIT skipped', () => {
  const rows: [string, OsvAffected, string, string | undefined, string, string[]][] = [
    ['introduced/fixed inside', range('ECOSYSTEM', { introduced: '1.0' }, { fixed: '1.5' }), '1.2', undefined, 'affected', ['1.5']],
    ['fixed version itself', range('ECOSYSTEM', { introduced: '1.0' }, { fixed: '1.5' }), '1.5', undefined, 'not-affected', []],
    ['introduced version itself', range('ECOSYSTEM', { introduced: '1.0' }, { fixed: '1.5' }), '1.0', undefined, 'affected', ['1.5']],
    ['below introduced', range('ECOSYSTEM', { introduced: '1.0' }, { fixed: '1.5' }), '0.9', undefined, 'not-affected', []],
    ['introduced 0', range('ECOSYSTEM', { introduced: '0' }, { fixed: '2.0' }), '0.0.1.dev0', undefined, 'affected', ['2.0']],
    ['no fix yet', range('ECOSYSTEM', { introduced: '0' }), '99', undefined, 'affected', []],
    ['last_affected itself', range('ECOSYSTEM', { introduced: '0' }, { last_affected: '1.11.0' }), '1.11.0', undefined, 'affected', []],
    ['above last_affected', range('ECOSYSTEM', { introduced: '0' }, { last_affected: '1.11.0' }), '1.11.1', undefined, 'not-affected', []],
    ['unsorted events', range('ECOSYSTEM', { fixed: '2.5' }, { introduced: '2.0' }, { fixed: '1.5' }, { introduced: '0' }), '2.1', undefined, 'affected', ['2.5']],
    ['between two ranges of events', range('ECOSYSTEM', { fixed: '2.5' }, { introduced: '2.0' }, { fixed: '1.5' }, { introduced: '0' }), '1.7', undefined, 'not-affected', []],
    ['limit caps the range', range('ECOSYSTEM', { introduced: '0' }, { limit: '3.0' }), '3.1', undefined, 'not-affected', []],
    ['below limit', range('ECOSYSTEM', { introduced: '0' }, { limit: '3.0' }), '2.9', undefined, 'affected', []],
    ['SEMVER tolerates v', range('SEMVER', { introduced: '1.0.0' }, { fixed: '1.2.0' }), 'v1.1.0', undefined, 'affected', ['1.2.0']],
    ['ecosystem override with release', range('ECOSYSTEM', { introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }), '3.0.11-1~deb12u1', 'Debian:12', 'affected', ['3.0.11-1~deb12u2']],
    ['GIT only is not evidence', range('GIT', { introduced: 'abc' }, { fixed: 'def' }), '1.0', undefined, 'not-affected', []],
    ['unparsable version', range('ECOSYSTEM', { introduced: '0' }, { fixed: '2.0' }), '', undefined, 'unknown', []],
    ['unparsable event', { package: { ecosystem: 'Go', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'not-a-version' }] }] }, '1.2.3', undefined, 'unknown', []],
    ['unknown ecosystem', { package: { ecosystem: 'Nope', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }, '1', undefined, 'unknown', []],
    ['listed version', { package: { ecosystem: 'Nope', name: 'x' }, versions: ['1.0.0'] }, '1.0.0', undefined, 'affected', []],
    ['not listed', { package: { ecosystem: 'PyPI', name: 'x' }, versions: ['1.0.0'] }, '1.0.1', undefined, 'not-affected', []],
  ];
  for (const [name, affected, version, eco, status, fixed] of rows) {
    const v = evaluateAffected(affected, version, eco);
    assert.equal(v.status, status, `${name}: ${JSON.stringify(v)}`);
    assert.deepEqual(v.fixedVersions, fixed, name);
    if (status === 'unknown') assert.ok(v.reason && v.reason.length > 0, `${name}: unknown needs a reason`);
  }
});

test('multiple ranges: affected if any range says so; fixed versions lowest first', () => {
  const a: OsvAffected = {
    package: { ecosystem: 'npm', name: 'x' },
    ranges: [
      { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.10.0' }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.9.0' }] },
    ],
  };
  assert.deepEqual(evaluateAffected(a, '1.8.0'), { status: 'affected', fixedVersions: ['1.9.0', '1.10.0'], reason: 'inside a range' });
  assert.equal(evaluateAffected(a, '1.9.5').status, 'affected');
  assert.equal(evaluateAffected(a, '1.10.0').status, 'not-affected');
});

test('real Go stdlib record GO-2023-1878: versions inside and outside its SEMVER ranges', async () => {
  const r = await record('Go', 'GO-2023-1878');
  const stdlib = r.affected?.find((a) => a.package?.name === 'stdlib');
  assert.ok(stdlib);
  assert.deepEqual(evaluateAffected(stdlib, '1.19.10'), { status: 'affected', fixedVersions: ['1.19.11', '1.20.6'], reason: 'inside a range' });
  assert.equal(evaluateAffected(stdlib, '1.19.11').status, 'not-affected');
  assert.deepEqual(evaluateAffected(stdlib, '1.20.0-rc.1').fixedVersions, ['1.20.6']);
  assert.equal(evaluateAffected(stdlib, '1.20.5').status, 'affected');
  assert.equal(evaluateAffected(stdlib, 'v1.21.0').status, 'not-affected');
});

test('real PyPI records: withdrawn, last_affected, versions-only', async () => {
  const withdrawn = await record('PyPI', 'PYSEC-2022-43059');
  assert.equal(isWithdrawn(withdrawn), true);
  const lastAffected = await record('PyPI', 'PYSEC-2022-42969');
  assert.equal(isWithdrawn(lastAffected), false);
  const py = lastAffected.affected?.[0];
  assert.ok(py);
  assert.equal(evaluateAffected(py, '1.11.0').status, 'affected');
  assert.equal(evaluateAffected(py, '1.4.7.dev3').status, 'affected');
  assert.equal(evaluateAffected(py, '1.11.1').status, 'not-affected');
  const versionsOnly = (await record('PyPI', 'PYSEC-2024-1')).affected?.[0];
  assert.ok(versionsOnly);
  assert.equal(evaluateAffected(versionsOnly, '0.5').status, 'affected');
  assert.equal(evaluateAffected(versionsOnly, '0.6').status, 'not-affected');
});

test('real crates.io and npm records', async () => {
  const rust = (await record('crates.io', 'RUSTSEC-2016-0006')).affected?.[0];
  assert.ok(rust);
  assert.equal(evaluateAffected(rust, '0.8.1').status, 'affected');
  assert.equal(evaluateAffected(rust, '0.8.2').status, 'not-affected');
  const lodash = (await record('npm', 'GHSA-29mw-wpgm-hmr9')).affected?.find((a) => a.package?.name === 'lodash');
  assert.ok(lodash);
  assert.deepEqual(evaluateAffected(lodash, '4.17.20').fixedVersions, ['4.17.21']);
  assert.equal(evaluateAffected(lodash, '3.10.1').status, 'not-affected');
  const mal = (await record('npm', 'MAL-2025-46966')).affected?.[0];
  assert.ok(mal);
  assert.equal(evaluateAffected(mal, '6.2.1').status, 'affected');
  assert.equal(evaluateAffected(mal, '6.2.0').status, 'not-affected');
});

test('isWithdrawn: absent, past, future, unparsable', () => {
  const base: OsvRecord = { id: 'X', modified: '2024-01-01T00:00:00Z' };
  const now = new Date('2024-06-01T00:00:00Z');
  assert.equal(isWithdrawn(base, now), false);
  assert.equal(isWithdrawn({ ...base, withdrawn: '2024-05-01T00:00:00Z' }, now), true);
  assert.equal(isWithdrawn({ ...base, withdrawn: '2030-01-01T00:00:00Z' }, now), false);
  assert.equal(isWithdrawn({ ...base, withdrawn: 'soon' }, now), true);
});

test('fuzz: mutated event lists and garbage versions never throw and always give a verdict', () => {
  const rnd = seededRandom(12345);
  const values: unknown[] = ['0', '1.0', '1.0.0', 'v2', '1.0~rc1', '', ' ', '\u0000', 'x'.repeat(400), 5, null, {}, [], '1.0-r1', '1!2', '2.0.0-alpha'];
  const kinds = ['introduced', 'fixed', 'last_affected', 'limit', 'bogus'];
  const ecos = ['PyPI', 'Go', 'npm', 'Debian:12', 'Alpine:v3.18', 'Maven', 'crates.io', 'Nope', ''];
  const types: unknown[] = ['ECOSYSTEM', 'SEMVER', 'GIT', 'WHAT', undefined, 3];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  for (let i = 0; i < 3000; i++) {
    const events: unknown[] = [];
    const n = Math.floor(rnd() * 6);
    for (let k = 0; k < n; k++) events.push(rnd() < 0.05 ? pick(values) : { [pick(kinds)]: pick(values) });
    const affected = {
      package: rnd() < 0.1 ? undefined : { ecosystem: pick(ecos), name: 'p' },
      ranges: rnd() < 0.1 ? 'nope' : [{ type: pick(types), events: rnd() < 0.05 ? 'x' : events }],
      versions: rnd() < 0.2 ? [pick(values)] : undefined,
    } as unknown as OsvAffected;
    const v = evaluateAffected(affected, pick(values) as string);
    assert.ok(['affected', 'not-affected', 'unknown'].includes(v.status));
    assert.ok(Array.isArray(v.fixedVersions));
  }
});
