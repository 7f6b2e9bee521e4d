import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, err, ok, type Limits, type OsvRecord, type Result } from '@bulwark/core';
import { listFiles, zipEntries } from '../archive.js';
import { isObject, parseJsonDocument } from '../parse.js';
import type { ImportContext, Source, SourceItem } from '../types.js';

function bad(file: string, field: string, expected: string): Result<never, InputError> {
  return err(new InputError({ file, field, expected }));
}

/**
 * Checks the parts of an OSV record that matching relies on (id, modified, affected packages and range
 * events) and returns it unchanged. GIT range events are not checked: upstream publishes some with
 * abbreviated or non-hash commits (PyPI), and matching never evaluates GIT ranges.
 */
export function validateOsv(value: unknown, file: string): Result<OsvRecord, InputError> {
  if (!isObject(value)) return bad(file, '(root)', 'an OSV record object');
  if (typeof value.id !== 'string' || value.id.length === 0 || value.id.length > 256) return bad(file, 'id', 'a non-empty string');
  if (typeof value.modified !== 'string' || Number.isNaN(Date.parse(value.modified))) return bad(file, 'modified', 'an RFC 3339 timestamp');
  if (value.withdrawn !== undefined && typeof value.withdrawn !== 'string') return bad(file, 'withdrawn', 'a timestamp string');
  for (const k of ['aliases', 'related', 'upstream'] as const) {
    const a = value[k];
    if (a !== undefined && (!Array.isArray(a) || a.some((x) => typeof x !== 'string'))) return bad(file, k, 'an array of strings');
  }
  if (value.affected !== undefined) {
    if (!Array.isArray(value.affected)) return bad(file, 'affected', 'an array');
    for (const [i, a] of value.affected.entries()) {
      if (!isObject(a)) return bad(file, `affected[${i}]`, 'an object');
      if (a.package !== undefined) {
        const p = a.package;
        if (!isObject(p) || typeof p.ecosystem !== 'string' || typeof p.name !== 'string') {
          return bad(file, `affected[${i}].package`, 'an object with string ecosystem and name');
        }
      }
      if (a.versions !== undefined && (!Array.isArray(a.versions) || a.versions.some((x) => typeof x !== 'string'))) {
        return bad(file, `affected[${i}].versions`, 'an array of strings');
      }
      if (a.ranges === undefined) continue;
      if (!Array.isArray(a.ranges)) return bad(file, `affected[${i}].ranges`, 'an array');
      for (const [j, r] of a.ranges.entries()) {
        if (!isObject(r) || typeof r.type !== 'string' || !Array.isArray(r.events)) {
          return bad(file, `affected[${i}].ranges[${j}]`, 'an object with type and events');
        }
        if (r.type === 'GIT') continue;
        for (const ev of r.events) {
          if (!isObject(ev) || Object.values(ev).some((x) => typeof x !== 'string')) {
            return bad(file, `affected[${i}].ranges[${j}].events`, 'objects with string values');
          }
        }
      }
    }
  }
  return ok(value as unknown as OsvRecord);
}

export function parseOsvJson(data: Uint8Array | string, file: string, limits: Limits): Result<OsvRecord, InputError> {
  const doc = parseJsonDocument(data, file, limits);
  return doc.ok ? validateOsv(doc.value, file) : doc;
}

/**
 * Reads OSV records from `osv/<Ecosystem>/all.zip` files and from directories of `<ID>.json` files.
 * A zip that cannot be read fails the feed; a bad record inside is skipped with a warning.
 */
export async function* readOsvFiles(dir: string, files: readonly string[], ctx: ImportContext, feedOf: (rel: string) => string): AsyncGenerator<SourceItem> {
  for (const rel of files) {
    const path = join(dir, rel);
    const feed = feedOf(rel);
    if (rel.endsWith('.zip')) {
      for await (const entry of zipEntries(path, ctx.limits, (n) => n.endsWith('.json'))) {
        const r = parseOsvJson(entry.data, `${path}!${entry.name}`, ctx.limits);
        if (r.ok) yield { kind: 'advisory', record: r.value, feed };
        else ctx.warn(`skipped OSV record: ${r.error.message}`, { file: r.error.file });
      }
    } else {
      const r = parseOsvJson(await readFile(path), path, ctx.limits);
      if (r.ok) yield { kind: 'advisory', record: r.value, feed };
      else ctx.warn(`skipped OSV record: ${r.error.message}`, { file: r.error.file });
    }
  }
}

function ecosystemDir(rel: string): string {
  return rel.split('/')[1] ?? '';
}

/** Locates `osv/<Ecosystem>/all.zip` and loose `osv/<Ecosystem>/**.json`, except the ecosystems in `skip`. */
export async function locateOsv(dir: string, include: (eco: string) => boolean): Promise<string[]> {
  const files = await listFiles(dir, 'osv', (rel) => {
    const parts = rel.split('/');
    if (parts.length < 3 || !include(parts[1])) return false;
    return (parts.length === 3 && parts[2] === 'all.zip') || rel.endsWith('.json');
  });
  // A folder with all.zip is the bucket layout: loose JSON beside it would be the same records again.
  const zipped = new Set(files.filter((f) => f.endsWith('/all.zip')).map(ecosystemDir));
  return files.filter((f) => f.endsWith('/all.zip') || !zipped.has(ecosystemDir(f)));
}

export const osv: Source = {
  id: 'osv',
  version: 1,
  locate: (dir) => locateOsv(dir, (eco) => eco !== 'Ubuntu'),
  read: (dir, files, ctx) => readOsvFiles(dir, files, ctx, (rel) => `osv:${ecosystemDir(rel)}`),
};
