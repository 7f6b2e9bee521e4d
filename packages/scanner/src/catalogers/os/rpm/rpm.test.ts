import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { rpm, parseSourceRpm, vendorNamespace } from './rpm.js';
import { TAG, parseRpmHeader } from './header.js';
import { assertGolden, assertOverMaxBytes, catalogErr, catalogOk, fuzzCataloger, mutations } from '../../test-kit.js';

const fx = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const golden = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
const PATH = '/var/lib/rpm/rpmdb.sqlite';

// fixtures/rpmdb.sqlite was written by rpm 4.18 (Debian's rpm package): rpm --initdb, then
// rpm -i --justdb of two packages built with rpmbuild (see README).
test('rpmdb.sqlite written by rpm (golden)', () => {
  const r = catalogOk(rpm, PATH, fx('rpmdb.sqlite'));
  assert.deepEqual(r.packages.map((p) => `${p.name}@${p.version}`), ['bulwark-hello@2:1.4.2-3.el9', 'bulwark-data@0.9-1']);
  const [hello, data] = r.packages;
  assert.equal(hello.purl, 'pkg:rpm/rocky/bulwark-hello@1.4.2-3.el9?arch=x86_64&epoch=2');
  assert.deepEqual(hello.source, { name: 'bulwark-hello', version: '2:1.4.2-3.el9' });
  assert.deepEqual(hello.licenses, ['MIT AND (BSD-3-Clause OR GPL-2.0-or-later)']);
  assert.equal(data.purl, 'pkg:rpm/bulwark-data@0.9-1?arch=noarch', 'no vendor: no namespace');
  assert.equal(data.ecosystem, 'Red Hat');
  assertGolden(r, golden('rpmdb.sqlite.expected.json'));
});

test('the database is read from the buffer, not the original file (WAL header left intact)', () => {
  const b = fx('rpmdb.sqlite');
  const before = Buffer.from(b);
  catalogOk(rpm, '/usr/lib/sysimage/rpm/rpmdb.sqlite', b);
  assert.ok(b.equals(before));
});

test('source rpm names and vendor namespaces: table', () => {
  assert.deepEqual(parseSourceRpm('openssl-3.0.7-27.el9.src.rpm'), { name: 'openssl', version: '3.0.7-27.el9' });
  assert.deepEqual(parseSourceRpm('python3.11-setuptools-65.5.1-2.el9.noarch.src.rpm'), { name: 'python3.11-setuptools', version: '65.5.1-2.el9.noarch' });
  assert.deepEqual(parseSourceRpm('kernel-5.14.0-362.8.1.el9_3.nosrc.rpm'), { name: 'kernel', version: '5.14.0-362.8.1.el9_3' });
  assert.equal(parseSourceRpm('(none)'), undefined);
  assert.equal(parseSourceRpm('garbage'), undefined);
  const vendors: [string, string | undefined][] = [
    ['Red Hat, Inc.', 'redhat'],
    ['Rocky Enterprise Software Foundation', 'rocky'],
    ['AlmaLinux', 'almalinux'],
    ['Amazon Linux', 'amazon'],
    ['Fedora Project', 'fedora'],
    ['(none)', undefined],
  ];
  for (const [v, want] of vendors) assert.equal(vendorNamespace(v), want, v);
});

function header(entries: [tag: number, type: number, value: string | number][]): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let off = 0;
  for (const [tag, type, value] of entries) {
    const d = typeof value === 'number' ? Buffer.alloc(4) : Buffer.from(value + '\0');
    if (typeof value === 'number') d.writeUInt32BE(value);
    const e = Buffer.alloc(16);
    e.writeInt32BE(tag, 0);
    e.writeUInt32BE(type, 4);
    e.writeInt32BE(off, 8);
    e.writeUInt32BE(1, 12);
    index.push(e);
    data.push(d);
    off += d.length;
  }
  const pre = Buffer.alloc(8);
  pre.writeUInt32BE(entries.length, 0);
  pre.writeUInt32BE(off, 4);
  return Buffer.concat([pre, ...index, ...data]);
}

test('header parser: tags, bounds and limits', () => {
  const good = header([[TAG.NAME, 6, 'bash'], [TAG.EPOCH, 4, 1], [TAG.VERSION, 6, '5.1.8'], [TAG.RELEASE, 6, '9.el9']]);
  const h = parseRpmHeader(good, 'x');
  assert.ok(h.ok);
  assert.equal(h.value.strings.get(TAG.NAME), 'bash');
  assert.equal(h.value.ints.get(TAG.EPOCH), 1);
  const rows: [string, Buffer][] = [
    ['too short', Buffer.alloc(4)],
    ['index overruns', good.subarray(0, 20)],
    ['data overruns', good.subarray(0, good.length - 2)],
    ['huge index count', Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
  ];
  for (const [why, blob] of rows) assert.equal(parseRpmHeader(blob, 'x').ok, false, why);
  const unterminated = Buffer.from(good);
  unterminated[unterminated.length - 1] = 0x41;
  assert.equal(parseRpmHeader(unterminated, 'x').ok, false, 'last string not NUL-terminated');
});

test('matches the sqlite rpmdb paths only', () => {
  const info = { size: 1, mode: 0o644 };
  assert.ok(rpm.matches('/var/lib/rpm/rpmdb.sqlite', info));
  assert.ok(rpm.matches('/usr/lib/sysimage/rpm/rpmdb.sqlite', info));
  assert.ok(!rpm.matches('/var/lib/rpm/rpmdb.sqlite-wal', info));
  assert.ok(!rpm.matches('/var/lib/rpm/Packages', info));
});

test('hostile siblings: not sqlite, truncated, sqlite without Packages, over maxBytes', () => {
  catalogErr(rpm, PATH, fx('not-sqlite.txt'));
  catalogErr(rpm, PATH, fx('truncated.rpmdb.sqlite'));
  const other = new Database(':memory:');
  other.exec('CREATE TABLE t (x)');
  const foreign = other.serialize();
  other.close();
  catalogErr(rpm, PATH, foreign);
  assertOverMaxBytes(rpm, PATH);
});

test('fuzz: mutated header blobs and databases never throw', () => {
  const db = new Database(Buffer.from(fx('rpmdb.sqlite')).fill(1, 18, 20));
  const blobs = db.prepare('SELECT blob FROM Packages').all() as { blob: Buffer }[];
  db.close();
  for (const [i, { blob }] of blobs.entries()) {
    for (const m of mutations(blob, 400, 40 + i)) {
      const r = parseRpmHeader(m, 'x');
      if (r.ok) assert.ok(r.value.strings instanceof Map);
    }
  }
  fuzzCataloger(rpm, PATH, fx('rpmdb.sqlite'), 60, 41);
});
