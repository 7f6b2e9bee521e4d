import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, err, ok, type Limits, type OsvRecord, type Result } from '@bulwark/core';
import { listFiles } from '../archive.js';
import { isObject, parseJsonDocument, parseYamlDocument, str } from '../parse.js';
import type { Source } from '../types.js';

export interface SecdbFix {
  /** "Alpine:v3.11" */
  ecosystem: string;
  /** Package (origin) name. */
  name: string;
  /** Advisory id as listed: CVE-…, XSA-…, GHSA-…. */
  vuln: string;
  /** First fixed apk version; "0" means the package was never affected. */
  fixed: string;
}

const ID_RE = /^[A-Z][A-Z0-9]*-[\w.:-]+$/;

/**
 * One secdb document (https://secdb.alpinelinux.org/, formerly alpinelinux/alpine-secdb), YAML or JSON:
 * `{distroversion, reponame, packages: [{pkg: {name, secfixes: {<fixed version>: [ids]}}}]}`.
 */
export function parseSecdb(data: Uint8Array | string, file: string, limits: Limits): Result<SecdbFix[], InputError> {
  // failsafe: secfixes keys are versions, and "1.10" must not become the number 1.1.
  const doc = file.endsWith('.json') ? parseJsonDocument(data, file, limits) : parseYamlDocument(data, file, limits, 'failsafe');
  if (!doc.ok) return doc;
  const root = doc.value;
  const release = isObject(root) ? str(root.distroversion)?.trim() : undefined;
  // An empty `packages:` is null in YAML (and "" under the failsafe schema).
  const packages = isObject(root) && (root.packages === null || root.packages === '') ? [] : isObject(root) ? root.packages : undefined;
  if (!isObject(root) || !release || !/^(v\d+\.\d+|edge)$/.test(release) || !Array.isArray(packages)) {
    return err(new InputError({ file, field: 'distroversion', expected: 'a secdb document with distroversion "v3.N" and a packages list' }));
  }
  const ecosystem = `Alpine:${release}`;
  const out: SecdbFix[] = [];
  for (const [i, p] of packages.entries()) {
    const pkg = isObject(p) ? p.pkg : undefined;
    const name = isObject(pkg) ? str(pkg.name)?.trim() : undefined;
    if (!isObject(pkg) || !name) return err(new InputError({ file, field: `packages[${i}].pkg.name`, expected: 'a package name' }));
    if (pkg.secfixes === undefined || pkg.secfixes === null || pkg.secfixes === '') continue;
    if (!isObject(pkg.secfixes)) return err(new InputError({ file, field: `packages[${i}].pkg.secfixes`, expected: 'a map of version → ids' }));
    for (const [fixed, ids] of Object.entries(pkg.secfixes)) {
      const list = Array.isArray(ids) ? ids : ids === null || ids === '' ? [] : [ids];
      for (const raw of list) {
        const s = str(raw);
        if (s === undefined) continue;
        // Entries are "CVE-2019-1234", sometimes several per line or with a note: keep the id tokens.
        for (const vuln of s.split(/[\s,]+/).filter((t) => ID_RE.test(t))) out.push({ ecosystem, name, vuln, fixed: fixed.trim() });
      }
    }
  }
  return ok(out);
}

/** Groups fixes into one OSV record per advisory id ("ALPINE-CVE-…"), one affected entry per release and package. */
export function secdbRecords(fixes: readonly SecdbFix[], modified: string): OsvRecord[] {
  const byId = new Map<string, OsvRecord>();
  const seen = new Set<string>();
  for (const f of fixes) {
    if (f.fixed === '0') continue;
    const key = `${f.vuln}\0${f.ecosystem}\0${f.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const id = `ALPINE-${f.vuln}`;
    let r = byId.get(id);
    if (!r) {
      r = { id, modified, aliases: [f.vuln], upstream: [f.vuln], affected: [] };
      byId.set(id, r);
    }
    r.affected!.push({ package: { ecosystem: f.ecosystem, name: f.name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: f.fixed }] }] });
  }
  return [...byId.values()];
}

export const alpineSecdb: Source = {
  id: 'alpine-secdb',
  version: 1,
  locate: (dir) => listFiles(dir, 'alpine/secdb', (rel) => /^alpine\/secdb\/(v\d+\.\d+|edge)\/[\w-]+\.(ya?ml|json)$/.test(rel)),
  async *read(dir, files, ctx) {
    const fixes: SecdbFix[] = [];
    let newest = 0;
    for (const rel of files) {
      const path = join(dir, rel);
      const r = parseSecdb(await readFile(path), path, ctx.limits);
      if (!r.ok) throw r.error;
      fixes.push(...r.value);
      newest = Math.max(newest, (await stat(path)).mtime.getTime());
    }
    // secdb carries no dates: records take the newest file's modification time as `modified`, but no snapshot
    // date is claimed (a copied mirror's file times say nothing about the data's age).
    const modified = new Date(newest).toISOString();
    yield { kind: 'snapshot', date: null };
    for (const record of secdbRecords(fixes, modified)) yield { kind: 'advisory', record };
  },
};
