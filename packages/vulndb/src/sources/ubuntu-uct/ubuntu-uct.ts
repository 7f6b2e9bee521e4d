import { join } from 'node:path';
import { InputError, LimitError, err, ok, type Limits, type OsvAffected, type OsvRecord, type Result } from '@bulwark/core';
import { listFiles, tarGzEntries } from '../archive.js';
import { isoDate } from '../parse.js';
import type { Source, SourceItem } from '../types.js';
import { ubuntuEcosystem } from './releases.js';
import { scoreCvss } from '../../cvss/index.js';

const UNFIXED = new Set(['needed', 'deferred', 'needs-triage', 'pending']);
const EXCLUDED = new Set(['not-affected', 'DNE', 'ignored']);
const FIELD_RE = /^([A-Za-z][\w.+/-]*):\s?(.*)$/;
// The note is "(version or remark)"; ESM lines may give "[version]", the version inherited from the base release.
const PKG_LINE_RE = /^([a-z][a-z0-9./-]*)_([A-Za-z0-9][\w.+-]*):\s*(\S+)?\s*(?:\((.*)\)|\[(.*)\])?\s*$/;

export interface UctStats {
  /** release_pkg lines whose status is not one we know. */
  unknownStatus: number;
  /** "released" lines without a version: fixed at an unknown version, so not matchable. */
  releasedWithoutVersion: number;
}

function priorityOf(p: string | undefined): string | undefined {
  const s = p?.trim().split(/\s+/)[0]?.toLowerCase();
  return s && s !== 'untriaged' ? s : undefined;
}

/**
 * One Ubuntu CVE Tracker file (https://git.launchpad.net/ubuntu-cve-tracker, format in active/00boilerplate)
 * → an OSV record "UBUNTU-CVE-…" with one affected entry per `<release>_<srcpkg>: <status>` line:
 * needed/deferred/needs-triage/pending = affected, no fix; released (version) = fixed in version;
 * not-affected/DNE/ignored = no entry. Priority → severity {type: "Ubuntu"} as in Canonical's OSV.
 */
export function parseUct(text: string, file: string, limits: Limits, modified: string | undefined, stats: UctStats): Result<OsvRecord | undefined, InputError> {
  if (text.length > limits.maxDocumentBytes) return err(new LimitError({ file, limit: `maxDocumentBytes=${limits.maxDocumentBytes}` }));
  if (text.includes('\u0000')) return err(new InputError({ file, expected: 'UCT text', message: 'binary data (NUL byte)' }));
  const fields = new Map<string, string>();
  const pkgLines: { release: string; pkg: string; status: string; note?: string }[] = [];
  const priorities = new Map<string, string>();
  let last: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    // '#' and '-- ' lines are commented out (UCT files carry a few "-- Tags_pkg:" lines).
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('--')) continue;
    if (/^\s/.test(line)) {
      if (last === undefined) return err(new InputError({ file, field: `line ${i + 1}`, expected: 'a "Field: value" line before a continuation' }));
      fields.set(last, `${fields.get(last) ?? ''}\n${line.trim()}`.trim());
      continue;
    }
    const f = FIELD_RE.exec(line);
    if (!f) return err(new InputError({ file, field: `line ${i + 1}`, expected: 'a "Field: value" line' }));
    const key = f[1];
    last = key;
    if (key.startsWith('Priority_')) {
      priorities.set(key.slice('Priority_'.length), f[2]);
      continue;
    }
    if (key.startsWith('Patches_') || key.startsWith('Tags_') || key.startsWith('upstream_')) continue;
    const p = key.includes('_') ? PKG_LINE_RE.exec(line) : null;
    if (p) {
      last = undefined;
      if (p[3] === undefined) continue;
      const note = p[4] ?? p[5];
      pkgLines.push({ release: p[1], pkg: p[2], status: p[3], ...(note !== undefined ? { note } : {}) });
      continue;
    }
    fields.set(key, f[2].trim());
  }
  const candidate = fields.get('Candidate');
  if (!candidate || !/^(CVE-\d{4}-\d+|[A-Z]+-[\w.-]+)$/.test(candidate)) {
    return err(new InputError({ file, field: 'Candidate', expected: 'a CVE id' }));
  }
  const published = isoDate(fields.get('PublicDate'));
  const affected: OsvAffected[] = [];
  for (const l of pkgLines) {
    const ecosystem = ubuntuEcosystem(l.release);
    if (!ecosystem || EXCLUDED.has(l.status)) continue;
    const priority = priorityOf(priorities.get(`${l.pkg}_${l.release}`) ?? priorities.get(l.pkg));
    const specific: Record<string, unknown> = { status: l.status };
    if (priority) specific.priority = priority;
    if (l.note) specific.note = l.note;
    if (UNFIXED.has(l.status)) {
      affected.push({ package: { ecosystem, name: l.pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: specific });
    } else if (l.status === 'released' || l.status === 'released-esm') {
      const version = l.note?.trim();
      if (!version || /\s/.test(version)) {
        stats.releasedWithoutVersion++;
        continue;
      }
      delete specific.note;
      affected.push({ package: { ecosystem, name: l.pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: version }] }], ecosystem_specific: specific });
    } else {
      stats.unknownStatus++;
    }
  }
  if (affected.length === 0) return ok(undefined);
  const record: OsvRecord = {
    id: `UBUNTU-${candidate}`,
    modified: modified ?? published ?? new Date(0).toISOString(),
    affected,
    references: [{ type: 'ADVISORY', url: `https://ubuntu.com/security/${candidate}` }],
  };
  if (candidate.startsWith('CVE-')) {
    record.aliases = [candidate];
    record.upstream = [candidate];
  }
  if (published) record.published = published;
  const details = fields.get('Ubuntu-Description') || fields.get('Description');
  if (details) record.details = details;
  const priority = priorityOf(fields.get('Priority'));
  if (priority) record.severity = [{ type: 'Ubuntu', score: priority }];
  // "CVSS:" lists vectors by who gave them ("nvd: CVSS:3.1/AV:N/..."); NVD's are the only CVSS many older CVEs have here.
  for (const line of (fields.get('CVSS') ?? '').split('\n')) {
    const m = /^\s*([\w-]+):\s*(CVSS:(3\.[01]|4\.0)\/\S+)/.exec(line);
    if (m) (record.severity ??= []).push({ type: m[3] === '4.0' ? 'CVSS_V4' : 'CVSS_V3', score: m[2]! });
  }
  for (const ref of (fields.get('References') ?? '').split('\n')) {
    const url = ref.trim();
    if (/^https?:\/\//.test(url)) record.references!.push({ type: 'WEB', url });
  }
  return ok(record);
}

const isCveFile = (name: string): boolean => /(^|\/)(active|retired|ignored)\/CVE-\d{4}-\d+$/.test(name);

export const ubuntuUct: Source = {
  id: 'ubuntu-uct',
  version: 2,
  locate: (dir) => listFiles(dir, 'ubuntu', (rel) => /^ubuntu\/ubuntu-cve-tracker\.tar\.gz$/.test(rel)),
  async *read(dir, files, ctx): AsyncGenerator<SourceItem> {
    const stats: UctStats = { unknownStatus: 0, releasedWithoutVersion: 0 };
    for (const rel of files) {
      const path = join(dir, rel);
      for await (const e of tarGzEntries(path, ctx.limits, isCveFile)) {
        const file = `${path}!${e.name}`;
        const r = parseUct(e.data.toString('utf8'), file, ctx.limits, e.mtime && e.mtime.getTime() > 0 ? e.mtime.toISOString() : undefined, stats);
        if (!r.ok) ctx.warn(`skipped UCT file: ${r.error.message}`, { file });
        else if (r.value) {
          yield { kind: 'advisory', record: r.value };
          const cve = r.value.aliases?.find((a) => a.startsWith('CVE-'));
          const cvss = (r.value.severity ?? []).flatMap((sv) => (sv.type.startsWith('CVSS_') ? [scoreCvss(sv.score, 'nvd')] : [])).filter((c) => c !== undefined);
          if (cve && cvss.length > 0) yield { kind: 'cve', cve, enrichment: { cvss, ...(r.value.details ? { description: r.value.details } : {}) } };
        }
      }
    }
    if (stats.unknownStatus + stats.releasedWithoutVersion > 0) ctx.warn('UCT lines skipped', { ...stats });
  },
};
