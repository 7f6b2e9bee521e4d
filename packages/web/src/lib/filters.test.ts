import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_FINDING_FILTERS,
  assetFiltersToSearch,
  findingFiltersToApi,
  findingFiltersToSearch,
  firstPage,
  nextPage,
  parseAssetFilters,
  parseFindingFilters,
  prevPage,
  type FindingFilters,
} from './filters.js';

const roundTrip = (f: FindingFilters) => parseFindingFilters(new URLSearchParams(findingFiltersToSearch(f).toString()));
/** Compare as plain data: an absent filter and an undefined one are the same state. */
const norm = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

test('the plain URL is the default view: open findings, priority first', () => {
  assert.deepEqual(norm(parseFindingFilters(new URLSearchParams(''))), norm(DEFAULT_FINDING_FILTERS));
  assert.equal(findingFiltersToSearch(DEFAULT_FINDING_FILTERS).toString(), '', 'defaults leave the URL empty');
});

test('every filter survives URL → state → URL', () => {
  const f: FindingFilters = {
    severity: ['critical', 'high'],
    status: ['open', 'suppressed'],
    type: ['vulnerability'],
    kev: true,
    fixAvailable: false,
    assetId: 12,
    target: 'image:registry.example.com/shop/web:1.2',
    ruleId: 'CVE-2024-3094',
    package: 'pkg:deb/debian/openssl@3.0.11-1',
    sort: 'lastSeen',
    dir: 'asc',
    group: 'package',
    cursor: 'WyJwcmlvcml0eSJd',
    back: ['', 'WzNd'],
    limit: 100,
  };
  assert.deepEqual(roundTrip(f), f);
  assert.equal(findingFiltersToApi(f).get('package'), f.package, 'the package filter reaches the API');
  const url = findingFiltersToSearch(f).toString();
  assert.deepEqual(parseFindingFilters(new URLSearchParams(url)), f, `from ${url}`);
});

test('"status=" (empty) means every status, not the default', () => {
  const f = parseFindingFilters(new URLSearchParams('status='));
  assert.deepEqual(f.status, []);
  assert.deepEqual(roundTrip(f).status, []);
  assert.equal(findingFiltersToApi(f).has('status'), false, 'no status filter is sent');
});

test('garbage in the URL falls back to defaults instead of reaching the API', () => {
  const f = parseFindingFilters(new URLSearchParams('severity=critical,bogus&sort=evil&dir=up&kev=maybe&assetId=-3&limit=7&cursor=a%20b&group=x'));
  assert.deepEqual(f.severity, ['critical']);
  assert.equal(f.sort, 'priority');
  assert.equal(f.dir, 'desc');
  assert.equal(f.kev, undefined);
  assert.equal(f.assetId, undefined);
  assert.equal(f.limit, 50);
  assert.equal(f.cursor, undefined);
  assert.equal(f.group, 'none');
});

test('the API query carries filters, sort and paging; the summary query only filters', () => {
  const f = parseFindingFilters(new URLSearchParams('kev=true&severity=high&cursor=abc&back=&limit=20'));
  const q = findingFiltersToApi(f);
  assert.equal(q.get('kev'), 'true');
  assert.equal(q.get('status'), 'open');
  assert.equal(q.get('sort'), 'priority');
  assert.equal(q.get('cursor'), 'abc');
  assert.equal(q.get('limit'), '20');
  const s = findingFiltersToApi(f, false);
  assert.equal(s.has('cursor') || s.has('sort') || s.has('limit'), false, 'summary has no paging');
});

test('cursor paging: next pushes, previous pops back to page one', () => {
  const p1 = { ...DEFAULT_FINDING_FILTERS };
  const p2 = nextPage(p1, 'c2');
  const p3 = nextPage(p2, 'c3');
  assert.deepEqual([p3.cursor, p3.back], ['c3', ['', 'c2']]);
  assert.deepEqual(norm(roundTrip(p3)), norm(p3), 'page 3 survives the URL');
  const back2 = prevPage(p3);
  assert.deepEqual([back2.cursor, back2.back], ['c2', ['']]);
  const back1 = prevPage(back2);
  assert.deepEqual([back1.cursor, back1.back], [undefined, []]);
  assert.deepEqual(norm(firstPage(p3)), norm({ ...p3, cursor: undefined, back: [] }));
});

test('asset filters round trip', () => {
  const f = { kind: 'workload' as const, group: 3, q: 'web', cursor: 'WzNd', back: [''], limit: 200 };
  assert.deepEqual(parseAssetFilters(new URLSearchParams(assetFiltersToSearch(f).toString())), f);
  assert.deepEqual(norm(parseAssetFilters(new URLSearchParams('kind=spaceship'))), { back: [], limit: 50 });
});
