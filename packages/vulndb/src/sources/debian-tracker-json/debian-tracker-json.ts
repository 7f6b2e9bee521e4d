import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, err, ok, type Limits, type OsvAffected, type OsvRecord, type Result } from '@bulwark/core';
import { isFile } from '../archive.js';
import { debianEcosystem } from '../debian-tracker-list/releases.js';
import { isObject, parseJsonDocument, str } from '../parse.js';
import type { Source } from '../types.js';

export const TRACKER_JSON = 'debian/security-tracker.json';

export interface TrackerJsonParse {
  records: OsvRecord[];
  /** Release names without a Debian number (sid, experimental), skipped. */
  skippedReleases: Set<string>;
}

/**
 * The tracker's JSON (https://security-tracker.debian.org/tracker/data/json):
 * `{srcpkg: {CVE: {description, releases: {codename: {status, fixed_version, urgency, nodsa}}}}}`.
 * One OSV record per CVE ("DEBIAN-CVE-…", as osv.dev names them), one affected entry per source package
 * and release: `resolved` with a version = fixed there, `resolved` with version "0" = never affected
 * (no entry), `open` and `undetermined` = affected with no fix.
 */
export function parseTrackerJson(data: Uint8Array | string, file: string, limits: Limits, modified: string): Result<TrackerJsonParse, InputError> {
  const doc = parseJsonDocument(data, file, limits);
  if (!doc.ok) return doc;
  const root = doc.value;
  if (!isObject(root)) return err(new InputError({ file, expected: 'an object keyed by source package' }));
  const byCve = new Map<string, OsvRecord>();
  const skippedReleases = new Set<string>();
  for (const [pkg, cves] of Object.entries(root)) {
    if (!isObject(cves)) return err(new InputError({ file, field: pkg, expected: 'an object keyed by CVE id' }));
    for (const [cve, info] of Object.entries(cves)) {
      if (!isObject(info)) return err(new InputError({ file, field: `${pkg}.${cve}`, expected: 'an object with releases' }));
      // Entries with no release data are serialised as `"releases": []`.
      const releases = isObject(info.releases) ? info.releases : Array.isArray(info.releases) && info.releases.length === 0 ? {} : undefined;
      if (!releases) return err(new InputError({ file, field: `${pkg}.${cve}.releases`, expected: 'an object keyed by codename' }));
      const affected: OsvAffected[] = [];
      for (const [codename, rel] of Object.entries(releases)) {
        if (!isObject(rel)) return err(new InputError({ file, field: `${pkg}.${cve}.releases.${codename}`, expected: 'an object with status' }));
        const ecosystem = debianEcosystem(codename);
        if (!ecosystem) {
          skippedReleases.add(codename);
          continue;
        }
        const status = str(rel.status);
        const fixed = str(rel.fixed_version);
        const specific: Record<string, unknown> = { status };
        const urgency = str(rel.urgency);
        if (urgency) specific.urgency = urgency;
        if (rel.nodsa !== undefined) specific.nodsa = str(rel.nodsa) ?? true;
        const nodsaReason = str(rel.nodsa_reason);
        if (nodsaReason) specific.nodsa_reason = nodsaReason;
        if (status === 'resolved') {
          if (!fixed) return err(new InputError({ file, field: `${pkg}.${cve}.releases.${codename}.fixed_version`, expected: 'a version for a resolved status' }));
          if (fixed === '0') continue;
          affected.push({ package: { ecosystem, name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }], ecosystem_specific: specific });
        } else if (status === 'open' || status === 'undetermined') {
          affected.push({ package: { ecosystem, name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: specific });
        } else {
          return err(new InputError({ file, field: `${pkg}.${cve}.releases.${codename}.status`, expected: 'open, resolved or undetermined' }));
        }
      }
      if (affected.length === 0) continue;
      const id = `DEBIAN-${cve}`;
      let record = byCve.get(id);
      if (!record) {
        record = { id, modified, upstream: [cve], affected: [], references: [{ type: 'ADVISORY', url: `https://security-tracker.debian.org/tracker/${cve}` }] };
        const description = str(info.description);
        if (description) record.details = description;
        if (/^CVE-\d{4}-\d+$/.test(cve)) record.aliases = [cve];
        byCve.set(id, record);
      }
      record.affected!.push(...affected);
    }
  }
  return ok({ records: [...byCve.values()], skippedReleases });
}

export const debianTrackerJson: Source = {
  id: 'debian-tracker-json',
  version: 1,
  locate: async (dir) => ((await isFile(join(dir, TRACKER_JSON))) ? [TRACKER_JSON] : []),
  async *read(dir, files, ctx) {

    for (const rel of files) {
      const path = join(dir, rel);
      // The JSON carries no dates: records take the file's modification time as `modified`; no snapshot date is
      // claimed, since a copied mirror's file times say nothing about the data's age.
      const modified = (await stat(path)).mtime.toISOString();
      const r = parseTrackerJson(await readFile(path), path, ctx.limits, modified);
      if (!r.ok) throw r.error;
      yield { kind: 'snapshot', date: null };
      yield { kind: 'total', total: r.value.records.length };
      for (const record of r.value.records) yield { kind: 'advisory', record };
    }
  },
};
