// Shared test harness for every cataloger (tests only): inputs, golden cases, hostile siblings, seeded fuzzing,
// and files pulled out of the shared lab image at test time (binaries are never committed).
import assert from 'node:assert/strict';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import tar from 'tar-stream';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '@bulwark/core';
import { UPDATE_GOLDEN, seededRandom, sharedPath } from '@bulwark/core/testing';
import type { CatalogResult, Cataloger, EntryInfo, FileInput } from './types.js';

export function fileInput(path: string, content: Buffer | string, mode = 0o644): FileInput {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { path, content: buf, mode, size: buf.length };
}

export function runCataloger(c: Cataloger, path: string, content: Buffer | string, mode = 0o644): ReturnType<Cataloger['catalog']> {
  return c.catalog(fileInput(path, content, mode), { maxFileBytes: c.maxBytes });
}

export function catalogOk(c: Cataloger, path: string, content: Buffer | string, mode = 0o644): CatalogResult {
  const r = runCataloger(c, path, content, mode);
  if (!r.ok) assert.fail(`${c.id} ${path}: ${r.error.message}`);
  return r.value;
}

export function catalogErr(c: Cataloger, path: string, content: Buffer | string, mode = 0o644): InputError {
  const r = runCataloger(c, path, content, mode);
  if (r.ok) assert.fail(`${c.id} ${path}: expected an error, got ${r.value.packages.length} packages`);
  assert.ok(r.error instanceof InputError, 'error is an InputError');
  assert.equal(r.error.file, path, 'error names the file');
  return r.error;
}

/** Compares a value to a golden JSON file; rewrites it when UPDATE_GOLDEN=1. */
export function assertGolden(actual: unknown, expectedFile: string): void {
  const text = JSON.stringify(actual, null, 2) + '\n';
  if (UPDATE_GOLDEN) {
    writeFileSync(expectedFile, text);
    return;
  }
  if (!existsSync(expectedFile)) assert.fail(`golden file missing: ${expectedFile} (run with UPDATE_GOLDEN=1)`);
  assert.deepEqual(JSON.parse(text), JSON.parse(readFileSync(expectedFile, 'utf8')), `differs from ${expectedFile}`);
}

export interface GoldenCase {
  /** Fixture file name in the fixtures folder; its golden is `<fixture>.expected.json`. */
  fixture: string;
  /** Path the file is presented under (matters for matches() and locations). */
  path: string;
}

/** One test per fixture: matches(path) holds and the result (packages or error) equals the golden file. */
export function goldenCases(c: Cataloger, fixturesDir: string, cases: GoldenCase[]): void {
  for (const row of cases) {
    test(`${c.id}: ${row.fixture} as ${row.path}`, () => {
      const content = readFileSync(join(fixturesDir, row.fixture));
      assert.ok(c.matches(row.path, { size: content.length, mode: 0o644 }), `${c.id} matches ${row.path}`);
      const r = runCataloger(c, row.path, content);
      const actual = r.ok
        ? r.value
        : { error: { name: r.error.name, kind: r.error.kind, file: r.error.file, message: r.error.message } };
      assertGolden(actual, join(fixturesDir, `${row.fixture}.expected.json`));
    });
  }
}

/** matches() table: each path with the expected answer. */
export function matchCases(c: Cataloger, rows: [path: string, expected: boolean][]): void {
  test(`${c.id}: matches`, () => {
    for (const [path, expected] of rows) {
      assert.equal(c.matches(path, { size: 100, mode: 0o644 }), expected, path);
    }
  });
}

/** JSON and YAML syntax to insert into structured documents: mutations that still parse but change the shape. */
export const STRUCTURE_TOKENS: readonly string[] = ['{', '}', '[', ']', '"', ',', ':', 'null', '-1', '1e999', '"pkg:"', '\\u0000', 'true', '{"a":', '\n  - ', ': &a [*a]'];

/**
 * Deterministic mutations of a real input: truncations, byte flips, insertions (random bytes, or one of `tokens`),
 * deletions, duplicated slices.
 */
export function mutations(seed: Buffer, count: number, rngSeed = 1, tokens?: readonly string[]): Buffer[] {
  const rnd = seededRandom(rngSeed);
  const at = (n: number): number => Math.floor(rnd() * n);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const b = Buffer.from(seed);
    switch (i % 5) {
      case 0:
        out.push(b.subarray(0, at(b.length + 1)));
        break;
      case 1:
        for (let k = 0; k < 1 + at(8); k++) b[at(b.length)] = at(256);
        out.push(b);
        break;
      case 2: {
        const p = at(b.length + 1);
        const junk = tokens ? Buffer.from(tokens[at(tokens.length)]) : Buffer.from(Array.from({ length: 1 + at(16) }, () => at(256)));
        out.push(Buffer.concat([b.subarray(0, p), junk, b.subarray(p)]));
        break;
      }
      case 3: {
        const p = at(b.length + 1);
        out.push(Buffer.concat([b.subarray(0, p), b.subarray(Math.min(b.length, p + 1 + at(64)))]));
        break;
      }
      default: {
        const p = at(b.length + 1);
        const q = Math.min(b.length, p + at(256));
        out.push(Buffer.concat([b.subarray(0, q), b.subarray(p, q), b.subarray(q)]));
      }
    }
  }
  return out;
}

/** Mutated real inputs: the cataloger returns ok or an InputError value, never throws, and stays fast. */
export function fuzzCataloger(c: Cataloger, path: string, seed: Buffer, count = 300, rngSeed = 1, mode = 0o644): { ok: number; errors: number } {
  let okCount = 0;
  let errors = 0;
  for (const [i, input] of mutations(seed, count, rngSeed).entries()) {
    const start = performance.now();
    let r;
    try {
      r = runCataloger(c, path, input, mode);
    } catch (e) {
      assert.fail(`${c.id} threw on mutation ${i}: ${(e as Error).stack ?? String(e)}`);
    }
    assert.ok(performance.now() - start < 2000, `${c.id} took too long on mutation ${i}`);
    if (r.ok) {
      okCount++;
      for (const p of r.value.packages) {
        assert.ok(typeof p.name === 'string' && p.name.length > 0, `mutation ${i}: package has a name`);
        // An empty version is legitimate for Go "(devel)" main modules; the purl may fall back to pkg:generic.
        assert.ok(typeof p.version === 'string', `mutation ${i}: package has a version string`);
        assert.ok(p.purl.startsWith('pkg:'), `mutation ${i}: purl ${p.purl}`);
      }
    } else {
      errors++;
      assert.ok(r.error instanceof InputError, `mutation ${i}: error is an InputError`);
    }
  }
  return { ok: okCount, errors };
}

/** The standard hostile-sibling tests: over maxBytes is a LimitError, fuzzing never throws and both outcomes occur. */
export function hostileCases(c: Cataloger, fixturesDir: string, fixture: string, path: string): void {
  test(`${c.id}: over maxBytes is a LimitError`, () => {
    const e = catalogErr(c, path, Buffer.alloc(c.maxBytes + 1, 0x20));
    assert.equal(e.kind, 'limit');
  });
  test(`${c.id}: fuzz ${fixture}`, () => {
    const seed = readFileSync(join(fixturesDir, fixture));
    const { ok, errors } = fuzzCataloger(c, path, seed);
    assert.ok(ok > 0, 'some mutations still parse');
    assert.equal(ok + errors, 300);
  });
}

/**
 * An input over the cataloger's maxBytes must be refused with a LimitError before parsing. The limit is
 * lowered on a copy of the cataloger (catalog reads `this.maxBytes`) so the test does not allocate the real one.
 */
export function assertOverMaxBytes(c: Cataloger, path: string, limit = 4096): void {
  const small: Cataloger = { ...c, maxBytes: Math.min(c.maxBytes, limit) };
  const e = catalogErr(small, path, Buffer.alloc(small.maxBytes + 1, 0x20));
  assert.equal(e.kind, 'limit');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

interface LayerFiles {
  files: Map<string, Buffer>;
  /** Paths this layer deletes from the layers below it (`.wh.<name>`; `.wh..wh..opq` empties its directory). */
  whiteouts: string[];
}

async function layerFiles(stream: Readable, wanted: (path: string, info: EntryInfo) => boolean): Promise<LayerFiles> {
  const files = new Map<string, Buffer>();
  const whiteouts: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, entry, next) => {
    const path = '/' + header.name.replace(/^\.?\/+/, '');
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    const base = path.slice(dir.length);
    if (base === '.wh..wh..opq') whiteouts.push(dir.slice(0, -1));
    else if (base.startsWith('.wh.')) whiteouts.push(dir + base.slice(4));
    if (header.type === 'file' && wanted(path, { size: header.size ?? 0, mode: header.mode ?? 0 })) {
      readAll(entry as unknown as Readable).then((b) => {
        files.set(path, b);
        next();
      }, next);
    } else {
      entry.resume();
      entry.on('end', next);
    }
  });
  await pipeline(stream, extract as unknown as Writable);
  return { files, whiteouts };
}

/**
 * The final file system view of the shared lab image (docker-archive, gzip'd), limited to the wanted files: a list
 * of absolute paths, or a predicate on path and header facts. Streams the outer tar and each layer tar, then applies
 * the layers in manifest order with their whiteouts. Wanted paths missing from the image are absent from the map.
 */
export async function labImageFiles(want: string[] | ((path: string, info: EntryInfo) => boolean)): Promise<Map<string, Buffer>> {
  const paths = Array.isArray(want) ? new Set(want.map((p) => '/' + p.replace(/^\/+/, ''))) : undefined;
  const wanted = paths ? (path: string) => paths.has(path) : (want as (path: string, info: EntryInfo) => boolean);
  const layers = new Map<string, LayerFiles>();
  let manifest: { Layers: string[] }[] = [];
  const outer = tar.extract();
  outer.on('entry', (header, stream, next) => {
    const entry = stream as unknown as Readable;
    if (header.type === 'file' && header.name === 'manifest.json') {
      readAll(entry).then((b) => {
        manifest = JSON.parse(b.toString('utf8')) as { Layers: string[] }[];
        next();
      }, next);
    } else if (header.type === 'file' && header.name.endsWith('.tar')) {
      layerFiles(entry, wanted).then((l) => {
        layers.set(header.name, l);
        next();
      }, next);
    } else {
      entry.resume();
      entry.on('end', next);
    }
  });
  await pipeline(createReadStream(sharedPath('lab', 'images', 'lab-app.tar.gz')), createGunzip(), outer as unknown as Writable);
  assert.ok(manifest.length > 0, 'lab image has a manifest.json');
  const fs = new Map<string, Buffer>();
  for (const name of manifest[0].Layers) {
    const layer = layers.get(name);
    assert.ok(layer, `layer ${name} in the archive`);
    for (const w of layer.whiteouts) for (const p of [...fs.keys()]) if (p === w || p.startsWith(w + '/')) fs.delete(p);
    for (const [p, b] of layer.files) fs.set(p, b);
  }
  return fs;
}

/** A real file of this machine, or undefined (the test then skips with a reason). */
export function localFile(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
