import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError, LimitError } from '@bulwark/core';
import { seededRandom } from '@bulwark/core/testing';
import { TarParser } from './tar-parser.js';
import type { TarHeader } from './tar-parser.js';
import { layerSink, normaliseEntryPath, readLayerBlob } from '../layers/layer-reader.js';
import type { EntryHandler, LayerEntry } from '../types.js';
import { tarOf } from '../test-support/image-builder.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const LONG = '/usr/lib/python3/dist-packages/a-very-long-directory-name-that-goes-on-and-on/and-on-further-still-past-the-hundred-byte-limit/pkgs.txt';

function parseAll(data: Buffer, chunk = data.length, maxEntries = 1000): { headers: TarHeader[]; contents: Map<string, string> } {
  const headers: TarHeader[] = [];
  const contents = new Map<string, string>();
  const p = new TarParser({
    file: 'test.tar',
    maxEntries,
    onHeader(h) {
      headers.push(h);
      return h.type === 'file' ? { buffer: (d) => void contents.set(h.name, d.toString('utf8')) } : undefined;
    },
  });
  for (let i = 0; i < data.length; i += chunk) p.write(data.subarray(i, i + chunk));
  p.end();
  return { headers, contents };
}

/** Collects the entries a layer yields, reading every file. */
function collector(): EntryHandler & { entries: LayerEntry[]; contents: Map<string, string>; errors: string[] } {
  const entries: LayerEntry[] = [];
  const contents = new Map<string, string>();
  const errors: string[] = [];
  return {
    entries,
    contents,
    errors,
    onEntry(e) {
      entries.push(e);
      return e.type === 'file' || e.type === 'hardlink';
    },
    onContent(e, c) {
      contents.set(e.path, c.toString('utf8'));
    },
    onFileError(path, error) {
      errors.push(`${path}: ${error}`);
    },
  };
}

const opts = () => ({ file: 'layer.tar', maxEntries: 1000, maxLayerBytes: 1 << 30, budget: { used: 0, max: 1 << 30 } });

for (const [name, chunk] of [['gnu.tar', 10240], ['gnu.tar', 1], ['gnu.tar', 511], ['pax.tar', 10240], ['pax.tar', 7], ['pax.tar', 513]] as const) {
  test(`parses ${name} written by GNU tar, fed ${chunk} bytes at a time`, () => {
    const { headers, contents } = parseAll(fixture(name), chunk);
    const byName = new Map(headers.map((h) => [normaliseEntryPath(h.name), h]));
    assert.equal(byName.get('/etc/os-release')?.type, 'symlink');
    assert.equal(byName.get('/etc/os-release')?.linkName, '../usr/lib/os-release');
    assert.equal(byName.get('/usr/lib/os-release.hard')?.type, 'hardlink');
    assert.equal(byName.get(LONG)?.type, 'file', 'long name (GNU L record / PAX path) is joined');
    assert.equal(byName.get(LONG)?.size, 15);
    assert.equal(byName.get('/usr/lib/os-release')?.mode, 0o644);
    const long = [...contents].find(([n]) => normaliseEntryPath(n) === LONG);
    assert.equal(long?.[1], 'lodash@4.17.15\n');
    assert.match([...contents].find(([n]) => n.endsWith('usr/lib/os-release'))?.[1] ?? '', /^PRETTY_NAME="Debian GNU\/Linux 12 \(bookworm\)"/);
  });
}

test('layer reader resolves a hard link to the bytes of its target (kept, and by second pass)', async () => {
  const data = fixture('gnu.tar');
  const h = collector();
  const sink = layerSink(h, opts());
  sink.write(data);
  sink.end();
  assert.equal(h.contents.get('/usr/lib/os-release.hard'), h.contents.get('/usr/lib/os-release'));
  // A handler that only wants the link: the target was not kept, so a second pass delivers it.
  const onlyLink = collector();
  onlyLink.onEntry = (e) => (onlyLink.entries.push(e), e.path === '/usr/lib/os-release.hard');
  let opened = 0;
  await readLayerBlob(async () => (opened++, (async function* () { yield data; })()), onlyLink, opts());
  assert.equal(opened, 2);
  assert.match(onlyLink.contents.get('/usr/lib/os-release.hard') ?? '', /^PRETTY_NAME=/);
  assert.equal(onlyLink.contents.size, 1);
});

test('whiteouts and opaque markers become entries; devices and fifos are ignored', async () => {
  const tar = await tarOf([
    { path: 'etc/.wh.passwd', content: '' },
    { path: 'opt/.wh..wh..opq', content: '' },
    { path: '.wh.top', content: '' },
    { path: 'dev/null', type: 'character-device' },
    { path: 'run/fifo', type: 'fifo' },
    { path: 'etc/.wh..wh.plnk', content: '' },
  ]);
  const h = collector();
  const sink = layerSink(h, opts());
  sink.write(tar);
  sink.end();
  assert.deepEqual(
    h.entries.map((e) => `${e.type} ${e.path}`),
    ['whiteout /etc/passwd', 'opaque /opt', 'whiteout /top'],
  );
});

test('entries with ../ or absolute names stay inside the root and nothing is written to disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-tar-'));
  const escape = `escape-${process.pid}-${Date.now()}`;
  const tar = await tarOf([
    { path: `../../../../tmp/${escape}`, content: 'x' },
    { path: `/etc/${escape}`, content: 'y' },
    { path: `a/../../b/${escape}`, content: 'z' },
  ]);
  const h = collector();
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const sink = layerSink(h, opts());
    sink.write(tar);
    sink.end();
  } finally {
    process.chdir(cwd);
  }
  assert.deepEqual(h.entries.map((e) => e.path), [`/tmp/${escape}`, `/etc/${escape}`, `/b/${escape}`]);
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(existsSync(`/tmp/${escape}`), false);
  assert.equal(existsSync(join(dir, '..', '..', escape)), false);
});

test('path normalisation table', () => {
  for (const [input, want] of [
    ['./etc/passwd', '/etc/passwd'],
    ['etc//passwd/', '/etc/passwd'],
    ['../../etc/passwd', '/etc/passwd'],
    ['/abs/x', '/abs/x'],
    ['a/./b/../c', '/a/c'],
    ['.', '/'],
    ['..', '/'],
  ]) {
    assert.equal(normaliseEntryPath(input), want, input);
  }
});

test('truncated tar is an InputError naming the entry', () => {
  const data = fixture('gnu.tar');
  const cut = data.subarray(0, 512 * 6 + 100); // inside the data of usr/lib/os-release
  assert.throws(() => parseAll(cut), (e: unknown) => e instanceof InputError && /truncated tar/.test(e.message) && /os-release/.test(e.message));
  assert.throws(() => parseAll(data.subarray(0, 700)), (e: unknown) => e instanceof InputError && /truncated/.test(e.message));
});

test('a corrupt header (bad checksum) is an InputError, not garbage entries', () => {
  const data = Buffer.from(fixture('gnu.tar'));
  data[512 + 10] ^= 0xff;
  assert.throws(() => parseAll(data), (e: unknown) => e instanceof InputError && /checksum/.test(e.message));
  assert.throws(() => parseAll(Buffer.from('this is not a tar archive'.repeat(40))), InputError);
});

test('more entries than maxEntries is a LimitError', () => {
  assert.throws(() => parseAll(fixture('gnu.tar'), 10240, 3), LimitError);
});

test('a gzip bomb stops at maxLayerBytes with a LimitError', async () => {
  const tar = await tarOf([{ path: 'zeros', content: Buffer.alloc(20 * 1024 * 1024) }]);
  const bomb = gzipSync(tar, { level: 9 });
  assert.ok(bomb.length < 100_000, `bomb is ${bomb.length} bytes`);
  const h = collector();
  await assert.rejects(
    readLayerBlob(async () => (async function* () { yield bomb; })(), h, { ...opts(), maxLayerBytes: 4 * 1024 * 1024 }),
    (e: unknown) => e instanceof LimitError && /maxLayerBytes/.test(e.message),
  );
  // The artifact-wide budget stops it as well.
  await assert.rejects(
    readLayerBlob(async () => (async function* () { yield bomb; })(), collector(), { ...opts(), budget: { used: 0, max: 2 * 1024 * 1024 } }),
    (e: unknown) => e instanceof LimitError && /maxTotalBytes/.test(e.message),
  );
});

test('corrupt gzip layer is an InputError', async () => {
  const good = gzipSync(fixture('gnu.tar'));
  const bad = Buffer.from(good);
  for (let i = 20; i < 200; i++) bad[i] ^= 0x5a;
  await assert.rejects(readLayerBlob(async () => (async function* () { yield bad; })(), collector(), opts()), (e: unknown) => e instanceof InputError && /gzip/.test(e.message));
  await assert.rejects(readLayerBlob(async () => (async function* () { yield good.subarray(0, good.length - 40); })(), collector(), opts()), InputError);
});

test('fuzz: seeded mutations and truncations of real tars throw only typed errors and never hang', async () => {
  const seeds = [fixture('gnu.tar'), fixture('pax.tar'), gzipSync(fixture('gnu.tar'))];
  const rand = seededRandom(20260101);
  let typed = 0;
  let clean = 0;
  const started = Date.now();
  for (let i = 0; i < 600; i++) {
    const base = seeds[i % seeds.length];
    let data = Buffer.from(base);
    const kind = rand();
    if (kind < 0.3) data = data.subarray(0, Math.floor(rand() * data.length));
    const flips = 1 + Math.floor(rand() * 8);
    for (let f = 0; f < flips; f++) {
      // Bias towards header bytes, where the parser makes decisions.
      const at = rand() < 0.7 ? Math.floor(rand() * Math.min(data.length, 2048)) : Math.floor(rand() * data.length);
      if (at < data.length) data[at] = Math.floor(rand() * 256);
    }
    try {
      await readLayerBlob(async () => (async function* () { yield data; })(), collector(), { ...opts(), maxLayerBytes: 8 * 1024 * 1024 });
      clean++;
    } catch (e) {
      assert.ok(e instanceof InputError, `case ${i}: ${String(e)}`);
      typed++;
    }
  }
  assert.ok(typed > 100 && clean > 10, `typed=${typed} clean=${clean}`);
  assert.ok(Date.now() - started < 20_000);
});
