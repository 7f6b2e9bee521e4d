import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, err, ok, type KevInfo, type Limits, type Result } from '@bulwark/core';
import { isFile } from '../archive.js';
import { isObject, parseJsonDocument, str } from '../parse.js';
import type { Source } from '../types.js';

export const KEV_FILE = 'kev/known_exploited_vulnerabilities.json';

export interface KevCatalog {
  catalogVersion?: string;
  /** ISO timestamp of the catalog release. */
  dateReleased?: string;
  entries: { cve: string; info: KevInfo }[];
}

const CVE_RE = /^CVE-\d{4}-\d{4,}$/;

/** CISA KEV catalog JSON (https://www.cisa.gov/known-exploited-vulnerabilities-catalog). */
export function parseKev(data: Uint8Array | string, file: string, limits: Limits): Result<KevCatalog, InputError> {
  const doc = parseJsonDocument(data, file, limits);
  if (!doc.ok) return doc;
  const root = doc.value;
  if (!isObject(root) || !Array.isArray(root.vulnerabilities)) {
    return err(new InputError({ file, field: 'vulnerabilities', expected: 'the CISA KEV catalog (an object with a vulnerabilities array)' }));
  }
  const entries: KevCatalog['entries'] = [];
  for (const [i, v] of root.vulnerabilities.entries()) {
    const cve = isObject(v) ? str(v.cveID)?.trim() : undefined;
    const dateAdded = isObject(v) ? str(v.dateAdded) : undefined;
    if (!isObject(v) || !cve || !CVE_RE.test(cve) || !dateAdded) {
      return err(new InputError({ file, field: `vulnerabilities[${i}]`, expected: 'an entry with cveID (CVE-YYYY-N) and dateAdded' }));
    }
    const info: KevInfo = { dateAdded };
    const due = str(v.dueDate);
    if (due) info.dueDate = due;
    const ransom = str(v.knownRansomwareCampaignUse);
    if (ransom) info.knownRansomwareCampaignUse = ransom;
    const action = str(v.requiredAction);
    if (action) info.requiredAction = action;
    entries.push({ cve, info });
  }
  const out: KevCatalog = { entries };
  const cv = str(root.catalogVersion);
  if (cv) out.catalogVersion = cv;
  const released = str(root.dateReleased);
  if (released && !Number.isNaN(Date.parse(released))) out.dateReleased = new Date(released).toISOString();
  return ok(out);
}

export const kev: Source = {
  id: 'kev',
  version: 1,
  locate: async (dir) => ((await isFile(join(dir, KEV_FILE))) ? [KEV_FILE] : []),
  async *read(dir, files, ctx) {
    for (const rel of files) {
      const path = join(dir, rel);
      const r = parseKev(await readFile(path), path, ctx.limits);
      if (!r.ok) throw r.error;
      yield { kind: 'total', total: r.value.entries.length };
      if (r.value.dateReleased) yield { kind: 'snapshot', date: r.value.dateReleased };
      for (const e of r.value.entries) yield { kind: 'kev', cve: e.cve, info: e.info };
    }
  },
};
