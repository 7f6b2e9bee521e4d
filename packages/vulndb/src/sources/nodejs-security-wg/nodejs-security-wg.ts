import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, err, ok, parseSeverity, type Limits, type OsvRecord, type Result } from '@bulwark/core';
import semver from 'semver';
import { isFile } from '../archive.js';
import { subtract, toEvents, union, type Interval } from '../intervals.js';
import { isObject, isoDate, parseJsonDocument, str, strings } from '../parse.js';
import type { Source, SourceItem } from '../types.js';

const cmp = (a: string, b: string): number => semver.compare(a, b);

/** A node-semver range as intervals, from its comparator sets (each set is one AND-ed interval). */
export function semverIntervals(range: string): Interval[] | undefined {
  let r: semver.Range;
  try {
    r = new semver.Range(range.trim() === '' ? '*' : range);
  } catch {
    return undefined;
  }
  const out: Interval[] = [];
  for (const set of r.set) {
    const i: Interval = {};
    for (const c of set) {
      if (c.value === '') continue; // the ANY comparator ("*")
      const v = c.semver.version;
      const op = c.operator;
      if (op === '>' || op === '>=') {
        const b = { v, inclusive: op === '>=' };
        if (!i.lo || cmp(v, i.lo.v) > 0 || (cmp(v, i.lo.v) === 0 && !b.inclusive)) i.lo = b;
      } else if (op === '<' || op === '<=') {
        const b = { v, inclusive: op === '<=' };
        if (!i.hi || cmp(v, i.hi.v) < 0 || (cmp(v, i.hi.v) === 0 && !b.inclusive)) i.hi = b;
      } else {
        i.lo = { v, inclusive: true };
        i.hi = { v, inclusive: true };
      }
    }
    out.push(i);
  }
  return union(out, cmp);
}

/** Smallest semver above v (ignoring build metadata): 1.2.3 → 1.2.4-0, 1.2.3-rc.1 → 1.2.3-rc.1.0. */
function after(v: string): string | undefined {
  const p = semver.parse(v);
  if (!p) return undefined;
  return p.prerelease.length > 0 ? `${p.version}.0` : `${p.major}.${p.minor}.${p.patch + 1}-0`;
}

/** affected = vulnerable \ patched, as SEMVER events. */
export function nswgEvents(vulnerable: string, patched: string | undefined): ReturnType<typeof toEvents> | undefined {
  const v = semverIntervals(vulnerable);
  const p = patched === undefined ? [] : semverIntervals(patched);
  if (!v || !p) return undefined;
  return toEvents(subtract(v, p, cmp), after);
}

export type NswgKind = 'core' | 'npm';

/**
 * A nodejs/security-wg vulnerability (https://github.com/nodejs/security-wg/tree/main/vuln). core/<n>.json
 * → ecosystem "Node.js", name "node" (NSWG-COR-<n>); npm/<n>.json → ecosystem "npm", name module_name
 * (NSWG-ECO-<n>). Affected = `vulnerable`/`vulnerable_versions` minus `patched`/`patched_versions`.
 */
export function parseNswg(value: unknown, file: string, kind: NswgKind, n: string): Result<OsvRecord, InputError> {
  if (!isObject(value)) return err(new InputError({ file, expected: 'an NSWG vulnerability object' }));
  const vulnerable = str(kind === 'core' ? value.vulnerable : value.vulnerable_versions);
  const patched = str(kind === 'core' ? value.patched : value.patched_versions);
  const name = kind === 'core' ? 'node' : str(value.module_name);
  if (!vulnerable || !name) return err(new InputError({ file, field: kind === 'core' ? 'vulnerable' : 'module_name', expected: 'a package and a vulnerable semver range' }));
  const ev = nswgEvents(vulnerable, patched);
  if (!ev) return err(new InputError({ file, field: 'vulnerable', expected: 'node-semver ranges', message: `unparsable semver range ${JSON.stringify(vulnerable)} / ${JSON.stringify(patched)}` }));
  const id = `NSWG-${kind === 'core' ? 'COR' : 'ECO'}-${n}`;
  const dated = isoDate(value.updated_at) ?? isoDate(value.publish_date) ?? isoDate(value.created_at);
  const record: OsvRecord = {
    id,
    // core entries carry no dates; the epoch keeps them sortable and any dated re-import newer.
    modified: dated ?? new Date(0).toISOString(),
    aliases: [...strings(kind === 'core' ? value.cve : value.cves)],
    affected: [
      {
        package: { ecosystem: kind === 'core' ? 'Node.js' : 'npm', name, ...(kind === 'npm' ? { purl: `pkg:npm/${name.replace('@', '%40')}` } : {}) },
        ranges: ev.events.length > 0 ? [{ type: 'SEMVER', events: ev.events }] : [],
        database_specific: { vulnerable, ...(patched ? { patched } : {}) },
      },
    ],
    references: [],
  };
  const published = isoDate(value.publish_date) ?? isoDate(value.created_at);
  if (published) record.published = published;
  const summary = str(value.description) ?? str(value.title);
  if (summary) record.summary = summary;
  const details = str(value.overview);
  if (details) record.details = details.trim();
  for (const u of [str(value.ref), ...strings(value.references)]) if (u && /^https?:\/\//.test(u)) record.references!.push({ type: 'ADVISORY', url: u });
  const vector = str(value.cvss_vector);
  if (vector) record.severity = [{ type: vector.startsWith('CVSS:4') ? 'CVSS_V4' : 'CVSS_V3', score: vector }];
  const sev = parseSeverity(str(value.severity));
  if (sev !== 'unknown') record.database_specific = { severity: sev.toUpperCase() };
  return ok(record);
}

export function parseNswgFile(data: Uint8Array | string, file: string, kind: NswgKind, limits: Limits): Result<OsvRecord[], InputError> {
  const doc = parseJsonDocument(data, file, limits);
  if (!doc.ok) return doc;
  const base = file.split('/').pop()!.replace(/\.json$/, '');
  if (base !== 'index') {
    const r = parseNswg(doc.value, file, kind, base);
    return r.ok ? ok([r.value]) : r;
  }
  if (!isObject(doc.value)) return err(new InputError({ file, expected: 'an index object keyed by number' }));
  const out: OsvRecord[] = [];
  for (const [n, v] of Object.entries(doc.value)) {
    const r = parseNswg(v, `${file}#${n}`, kind, n);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

/** Uses `vuln/<kind>/index.json` (all entries of a folder, as upstream ships it). */
export const NSWG_FILES: Record<NswgKind, string> = { core: 'nodejs/vuln/core/index.json', npm: 'nodejs/vuln/npm/index.json' };

export const nodejsSecurityWg: Source = {
  id: 'nodejs-security-wg',
  version: 1,
  async locate(dir) {
    const found: string[] = [];
    for (const rel of Object.values(NSWG_FILES)) if (await isFile(join(dir, rel))) found.push(rel);
    return found;
  },
  async *read(dir, files, ctx): AsyncGenerator<SourceItem> {
    for (const rel of files) {
      const path = join(dir, rel);
      const kind: NswgKind = rel.includes('/core/') ? 'core' : 'npm';
      const r = parseNswgFile(await readFile(path), path, kind, ctx.limits);
      if (!r.ok) throw r.error;
      for (const record of r.value) yield { kind: 'advisory', record, feed: kind === 'core' ? 'nswg-core' : 'nswg-npm' };
    }
  },
};
