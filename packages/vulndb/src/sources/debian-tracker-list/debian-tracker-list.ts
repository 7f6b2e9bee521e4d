import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, LimitError, err, ok, parseSeverity, type Limits, type OsvAffected, type OsvRecord, type Result } from '@bulwark/core';
import { isFile } from '../archive.js';
import type { Source } from '../types.js';
import { debianEcosystem } from './releases.js';

const MONTHS: Record<string, string> = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };
const HEADER_RE = /^\[(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})\] ((?:DSA|DLA|DTSA)-[\w.-]+)\s+(\S+)(?:\s+-?\s*(.*))?$/;
const CVES_RE = /^\s+\{([^}]*)\}\s*$/;
const FIX_RE = /^\s+\[([a-z-]+)\] - (\S+)\s+(\S+)(?:\s+\((.*)\))?\s*$/;
const NOTE_RE = /^\s+NOTE:/;

export interface ListParse {
  records: OsvRecord[];
  /** Lines with a release the map does not know (e.g. "[sid]"), skipped. */
  unknownReleases: string[];
}

/** What the fix column may hold instead of a version. */
type Marker = '<not-affected>' | '<unfixed>' | '<end-of-life>' | '<removed>' | '<no-dsa>' | '<ignored>' | '<postponed>';

function affectedFor(ecosystem: string, pkg: string, fix: string, note: string | undefined): OsvAffected | undefined {
  const urgency = note?.split(';').map((s) => s.trim()).find((s) => parseSeverity(s.replace(/\*+$/, '')) !== 'unknown');
  const specific: Record<string, unknown> = {};
  if (urgency) specific.urgency = urgency;
  if (fix.startsWith('<')) {
    const marker = fix as Marker;
    if (marker === '<not-affected>') return undefined;
    specific.status = marker.slice(1, -1);
    return { package: { ecosystem, name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: specific };
  }
  const a: OsvAffected = { package: { ecosystem, name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: fix }] }] };
  if (urgency) a.ecosystem_specific = specific;
  return a;
}

/**
 * The security tracker's `data/DSA/list` and `data/DLA/list`
 * (https://security-team.debian.org/security_tracker.html): one OSV record per advisory, one affected
 * entry per `[codename] - srcpkg version` line, ecosystem "Debian:<n>", name = source package.
 * `<not-affected>` lines add nothing; `<unfixed>`/`<end-of-life>` are affected with no fix.
 */
export function parseTrackerList(text: string, file: string, limits: Limits): Result<ListParse, InputError> {
  if (Buffer.byteLength(text) > limits.maxDocumentBytes) return err(new LimitError({ file, limit: `maxDocumentBytes=${limits.maxDocumentBytes}` }));
  if (text.includes('\u0000')) return err(new InputError({ file, expected: 'tracker list text', message: 'binary data (NUL byte) in a text list' }));
  const records: OsvRecord[] = [];
  const unknownReleases: string[] = [];
  let current: OsvRecord | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const h = HEADER_RE.exec(line);
    if (h) {
      const month = MONTHS[h[2]];
      if (!month) return err(new InputError({ file, field: `line ${i + 1}`, expected: '[DD Mon YYYY] header date' }));
      const date = `${h[3]}-${month}-${h[1].padStart(2, '0')}T00:00:00Z`;
      if (Number.isNaN(Date.parse(date))) return err(new InputError({ file, field: `line ${i + 1}`, expected: 'a valid date' }));
      current = { id: h[4], modified: date, published: date, summary: `${h[5]} - ${h[6] ?? ''}`.trim().replace(/ -$/, ''), affected: [], aliases: [] };
      records.push(current);
      continue;
    }
    if (!current) return err(new InputError({ file, field: `line ${i + 1}`, expected: 'an advisory header "[DD Mon YYYY] DSA-N-N package - title"' }));
    const c = CVES_RE.exec(line);
    if (c) {
      current.aliases!.push(...c[1].split(/\s+/).filter((x) => /^CVE-\d{4}-\d+$/.test(x)));
      continue;
    }
    const f = FIX_RE.exec(line);
    if (f) {
      const ecosystem = debianEcosystem(f[1]);
      if (!ecosystem) {
        unknownReleases.push(`${current.id} [${f[1]}]`);
        continue;
      }
      const a = affectedFor(ecosystem, f[2], f[3], f[4]);
      if (a) current.affected!.push(a);
      continue;
    }
    if (NOTE_RE.test(line)) continue;
    return err(new InputError({ file, field: `line ${i + 1}`, expected: 'a {CVE…}, [release] - package version, or NOTE: line' }));
  }
  for (const r of records) {
    const year = r.published!.slice(0, 4);
    const id = r.id.toLowerCase();
    const url = id.startsWith('dla') ? `https://www.debian.org/lts/security/${year}/${id}` : `https://www.debian.org/security/${year}/${id.replace(/-1$/, '')}`;
    r.references = [{ type: 'ADVISORY', url }];
  }
  return ok({ records, unknownReleases });
}

export const DEBIAN_LISTS = ['debian/security-tracker/data/DSA/list', 'debian/security-tracker/data/DLA/list'];

export const debianTrackerList: Source = {
  id: 'debian-tracker-list',
  version: 1,
  async locate(dir) {
    const found: string[] = [];
    for (const rel of DEBIAN_LISTS) if (await isFile(join(dir, rel))) found.push(rel);
    return found;
  },
  async *read(dir, files, ctx) {
    for (const rel of files) {
      const path = join(dir, rel);
      const r = parseTrackerList(await readFile(path, 'utf8'), path, ctx.limits);
      if (!r.ok) throw r.error;
      if (r.value.unknownReleases.length > 0) {
        ctx.warn(`${r.value.unknownReleases.length} lines name a release without a Debian number; skipped`, { file: path, first: r.value.unknownReleases.slice(0, 5) });
      }
      yield { kind: 'total', total: r.value.records.length };
      for (const record of r.value.records) {
        if (record.affected!.length > 0) yield { kind: 'advisory', record, feed: rel.includes('/DLA/') ? 'debian-dla' : 'debian-dsa' };
      }
    }
  },
};
