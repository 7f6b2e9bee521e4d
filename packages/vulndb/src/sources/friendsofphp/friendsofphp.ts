import { join } from 'node:path';
import { InputError, err, ok, type Limits, type OsvEvent, type OsvRange, type OsvRecord, type Result } from '@bulwark/core';
import { listFiles, zipEntries } from '../archive.js';
import { isObject, isoDate, parseYamlDocument, str, strings } from '../parse.js';
import type { Source, SourceItem } from '../types.js';

const CONSTRAINT_RE = /^\s*(>=|<=|>|<|=)?\s*v?([0-9][0-9A-Za-z.+-]*)\s*$/;

/** Where an advisory sits: <vendor>/<package>/<file>.yaml (optionally under an archive's top folder). */
export function friendsOfPhpPath(entry: string): { pkg: string; base: string } | undefined {
  const parts = entry.split('/');
  if (parts.length < 3 || !/\.ya?ml$/.test(parts[parts.length - 1])) return undefined;
  const [vendor, name, file] = parts.slice(-3);
  if (vendor.startsWith('.') || vendor.endsWith('-master') || vendor.endsWith('-main')) return undefined;
  return { pkg: `${vendor}/${name}`, base: file.replace(/\.ya?ml$/, '') };
}

/** One branch's AND-ed constraints ([">=2.0.0", "<2.0.17"]) as OSV events. */
function branchEvents(constraints: string[]): OsvEvent[] | undefined {
  let introduced = '0';
  let end: OsvEvent | undefined;
  for (const c of constraints.flatMap((x) => x.split(','))) {
    const m = CONSTRAINT_RE.exec(c);
    if (!m) return undefined;
    const [, op = '=', v] = m;
    if (op === '>=' || op === '>') introduced = v; // ">" is rare upstream; one version too many rather than one missed
    else if (op === '<') end = { fixed: v };
    else if (op === '<=') end = { last_affected: v };
    else return [{ introduced: v }, { last_affected: v }];
  }
  return end ? [{ introduced }, end] : [{ introduced }];
}

/**
 * A FriendsOfPHP advisory (https://github.com/FriendsOfPHP/security-advisories): `title`, `link`, `cve`,
 * `branches: {name: {time, versions: [constraints]}}`, `reference: composer://vendor/package` → one
 * Packagist record with one ECOSYSTEM range per branch.
 */
export function parseFriendsOfPhp(data: Uint8Array | string, file: string, where: { pkg: string; base: string }, limits: Limits): Result<OsvRecord, InputError> {
  const doc = parseYamlDocument(data, file, limits);
  if (!doc.ok) return doc;
  const y = doc.value;
  if (!isObject(y) || !isObject(y.branches)) return err(new InputError({ file, field: 'branches', expected: 'a FriendsOfPHP advisory with branches' }));
  const ref = str(y.reference);
  const name = ref?.startsWith('composer://') ? ref.slice('composer://'.length).trim() : where.pkg;
  const ranges: OsvRange[] = [];
  const times: string[] = [];
  for (const [branch, b] of Object.entries(y.branches)) {
    if (!isObject(b)) return err(new InputError({ file, field: `branches.${branch}`, expected: 'an object with versions' }));
    const events = branchEvents(strings(b.versions));
    if (!events) return err(new InputError({ file, field: `branches.${branch}.versions`, expected: 'composer constraints like ">=1.0", "<1.2.3"' }));
    ranges.push({ type: 'ECOSYSTEM', events, database_specific: { branch } });
    const t = isoDate(b.time);
    if (t) times.push(t);
  }
  times.sort();
  const modified = times[times.length - 1] ?? new Date(0).toISOString();
  const record: OsvRecord = {
    id: `FRIENDSOFPHP-${where.pkg}/${where.base}`,
    modified,
    affected: [{ package: { ecosystem: 'Packagist', name, purl: `pkg:composer/${name}` }, ranges }],
    references: [],
  };
  if (times.length > 0) record.published = times[0];
  const cve = str(y.cve);
  if (cve && cve !== '~') record.aliases = [cve];
  const title = str(y.title);
  if (title) record.summary = title;
  const link = str(y.link);
  if (link) record.references!.push({ type: 'ADVISORY', url: link });
  return ok(record);
}

export const friendsOfPhp: Source = {
  id: 'friendsofphp',
  version: 1,
  locate: (dir) => listFiles(dir, 'packagist', (rel) => /^packagist\/security-advisories[^/]*\.zip$/.test(rel)),
  async *read(dir, files, ctx): AsyncGenerator<SourceItem> {
    for (const rel of files) {
      const path = join(dir, rel);
      for await (const e of zipEntries(path, ctx.limits, (n) => friendsOfPhpPath(n) !== undefined)) {
        const file = `${path}!${e.name}`;
        const r = parseFriendsOfPhp(e.data, file, friendsOfPhpPath(e.name)!, ctx.limits);
        if (r.ok) yield { kind: 'advisory', record: r.value };
        else ctx.warn(`skipped FriendsOfPHP advisory: ${r.error.message}`, { file });
      }
    }
  },
};
