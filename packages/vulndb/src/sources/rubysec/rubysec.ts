import { join } from 'node:path';
import { InputError, err, ok, severityFromScore, type Limits, type OsvRecord, type Result } from '@bulwark/core';
import { listFiles, zipEntries } from '../archive.js';
import { complement, toEvents, union, type Interval } from '../intervals.js';
import { isObject, isoDate, parseYamlDocument, str, strings } from '../parse.js';
import type { Source, SourceItem } from '../types.js';
import { compareGems, RequirementError, requirementIntervals } from './requirements.js';

/** Where an advisory sits in the repository: gems/<gem>/<id>.yml or rubies/<engine>/<id>.yml. */
export interface RubysecPath {
  kind: 'gems' | 'rubies';
  name: string;
  base: string;
}

export function rubysecPath(entry: string): RubysecPath | undefined {
  const parts = entry.split('/');
  // GitHub archives put everything under "ruby-advisory-db-<ref>/".
  const i = parts.findIndex((p) => p === 'gems' || p === 'rubies');
  if (i < 0 || parts.length !== i + 3 || !/\.ya?ml$/.test(parts[i + 2])) return undefined;
  return { kind: parts[i] as 'gems' | 'rubies', name: parts[i + 1], base: parts[i + 2].replace(/\.ya?ml$/, '') };
}

/**
 * A rubysec advisory (https://github.com/rubysec/ruby-advisory-db#schema) as OSV. gems/ → ecosystem
 * "RubyGems"; rubies/ → ecosystem "Ruby" named by engine (ruby, jruby, mruby…), a Bulwark extension since
 * OSV has no ecosystem for interpreters. Affected = not patched_versions and not unaffected_versions.
 */
export function parseRubysec(data: Uint8Array | string, file: string, where: RubysecPath, limits: Limits): Result<OsvRecord, InputError> {
  const doc = parseYamlDocument(data, file, limits);
  if (!doc.ok) return doc;
  const y = doc.value;
  if (!isObject(y)) return err(new InputError({ file, expected: 'a rubysec advisory mapping' }));
  const name = str(where.kind === 'gems' ? y.gem : y.engine);
  if (!name) return err(new InputError({ file, field: where.kind === 'gems' ? 'gem' : 'engine', expected: 'the gem or engine name' }));
  const date = isoDate(y.date);
  if (!date) return err(new InputError({ file, field: 'date', expected: 'a YYYY-MM-DD date' }));
  let affected: Interval[];
  let approximate: boolean;
  let events;
  try {
    const safe = [...strings(y.patched_versions), ...strings(y.unaffected_versions)].flatMap(requirementIntervals);
    affected = complement(union(safe, compareGems), compareGems);
    ({ events, approximate } = toEvents(affected));
  } catch (e) {
    if (e instanceof RequirementError) return err(new InputError({ file, field: 'patched_versions', expected: 'gem requirements', message: e.message }));
    throw e;
  }
  const aliases: string[] = [];
  const cve = str(y.cve);
  if (cve) aliases.push(`CVE-${cve.replace(/^CVE-/, '')}`);
  const ghsa = str(y.ghsa);
  if (ghsa) aliases.push(`GHSA-${ghsa.replace(/^GHSA-/, '')}`);
  const osvdb = str(y.osvdb);
  if (osvdb) aliases.push(`OSVDB-${osvdb}`);
  const record: OsvRecord = {
    id: `RUBYSEC-${where.kind === 'rubies' ? 'RUBY-' : ''}${name}-${where.base}`,
    modified: date,
    published: date,
    aliases,
    affected: [
      {
        package: { ecosystem: where.kind === 'gems' ? 'RubyGems' : 'Ruby', name, ...(where.kind === 'gems' ? { purl: `pkg:gem/${name}` } : {}) },
        ranges: events.length > 0 ? [{ type: 'ECOSYSTEM', events }] : [],
        database_specific: {
          patched_versions: strings(y.patched_versions),
          unaffected_versions: strings(y.unaffected_versions),
          ...(approximate ? { approximate: 'an exclusive lower bound was widened to include its version' } : {}),
        },
      },
    ],
    references: [],
  };
  const title = str(y.title);
  if (title) record.summary = title;
  const description = str(y.description);
  if (description) record.details = description.trim();
  const url = str(y.url);
  if (url) record.references!.push({ type: 'ADVISORY', url });
  const related = isObject(y.related) ? strings(y.related.url) : [];
  for (const u of related) if (u !== url) record.references!.push({ type: 'WEB', url: u });
  const scores = (['cvss_v4', 'cvss_v3', 'cvss_v2'] as const).map((k) => Number(str(y[k]))).filter((n) => Number.isFinite(n) && n >= 0 && n <= 10);
  record.database_specific = {
    ...(str(y.cvss_v2) ? { cvss_v2: Number(str(y.cvss_v2)) } : {}),
    ...(str(y.cvss_v3) ? { cvss_v3: Number(str(y.cvss_v3)) } : {}),
    ...(str(y.cvss_v4) ? { cvss_v4: Number(str(y.cvss_v4)) } : {}),
    ...(scores.length > 0 ? { severity: severityFromScore(scores[0]).toUpperCase() } : {}),
  };
  return ok(record);
}

export const rubysec: Source = {
  id: 'rubysec',
  version: 1,
  locate: (dir) => listFiles(dir, 'rubygems', (rel) => /^rubygems\/ruby-advisory-db[^/]*\.zip$/.test(rel)),
  async *read(dir, files, ctx): AsyncGenerator<SourceItem> {
    for (const rel of files) {
      const path = join(dir, rel);
      for await (const e of zipEntries(path, ctx.limits, (n) => rubysecPath(n) !== undefined)) {
        const file = `${path}!${e.name}`;
        const r = parseRubysec(e.data, file, rubysecPath(e.name)!, ctx.limits);
        if (r.ok) yield { kind: 'advisory', record: r.value, feed: 'rubysec' };
        else ctx.warn(`skipped rubysec advisory: ${r.error.message}`, { file });
      }
    }
  },
};
