import { err, InputError, LimitError, ok, type Result, type VulnerabilityFinding } from '@bulwark/core';
import { jsonDepth } from '../catalogers/util.js';
import { purlMatches } from './purl-match.js';

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
const STATUSES: ReadonlySet<string> = new Set(['not_affected', 'affected', 'fixed', 'under_investigation']);

export interface VexProduct {
  /** Product identifier: a purl, or another IRI (image reference) that only subcomponents can be matched under. */
  id: string;
  purls: string[];
  subcomponents: string[];
}

export interface VexStatement {
  /** Vulnerability name and aliases ("CVE-2023-45853"); the @id IRI when it carries a recognisable id. */
  ids: string[];
  products: VexProduct[];
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  statusNotes?: string;
  timestamp?: string;
}

export interface VexDocument {
  id?: string;
  author?: string;
  timestamp?: string;
  statements: VexStatement[];
}

export const MAX_VEX_BYTES = 64 * 1024 * 1024;
const MAX_VEX_DEPTH = 32;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, k: string): string | undefined {
  return typeof o[k] === 'string' ? (o[k] as string) : undefined;
}

/** "https://www.cve.org/CVERecord?id=CVE-2015-3193", "https://nvd.nist.gov/vuln/detail/CVE-…" → the CVE/GHSA id inside. */
function idFromIri(iri: string): string | undefined {
  const m = /(CVE-\d{4}-\d{4,}|GHSA(?:-[0-9a-z]{4}){3})/i.exec(iri);
  return m ? (m[1].startsWith('ghsa') ? m[1] : m[1].toUpperCase()) : undefined;
}

function product(p: unknown, file: string, at: string): VexProduct {
  if (typeof p === 'string') return { id: p, purls: p.startsWith('pkg:') ? [p] : [], subcomponents: [] };
  if (!isObject(p)) throw new InputError({ file, field: at, expected: 'a product object' });
  const id = str(p, '@id') ?? '';
  const purls = [id.startsWith('pkg:') ? id : undefined, isObject(p.identifiers) ? str(p.identifiers, 'purl') : undefined].filter((x): x is string => !!x);
  const subs = Array.isArray(p.subcomponents) ? p.subcomponents : [];
  const subcomponents = subs.flatMap((s) => {
    if (typeof s === 'string') return [s];
    if (!isObject(s)) return [];
    return [str(s, '@id'), isObject(s.identifiers) ? str(s.identifiers, 'purl') : undefined].filter((x): x is string => !!x && x.startsWith('pkg:'));
  });
  if (!id && purls.length === 0) throw new InputError({ file, field: `${at}.@id`, expected: 'a product identifier' });
  return { id, purls, subcomponents };
}

/** Parses an OpenVEX document (v0.2.0; the v0.0.x string forms of vulnerability/products are accepted). */
export function parseOpenVex(content: string | Buffer, file: string, maxBytes = MAX_VEX_BYTES): Result<VexDocument, InputError> {
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > maxBytes) return err(new LimitError({ file, limit: `maxBytes=${maxBytes}` }));
  const text = typeof content === 'string' ? content : content.toString('utf8');
  if (jsonDepth(text) > MAX_VEX_DEPTH) return err(new LimitError({ file, limit: `maxDepth=${MAX_VEX_DEPTH}` }));
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return err(new InputError({ file, expected: 'JSON', message: `not valid JSON: ${(e as Error).message}` }));
  }
  try {
    if (!isObject(doc)) throw new InputError({ file, field: '$', expected: 'an OpenVEX document object' });
    const ctx = doc['@context'];
    if (typeof ctx !== 'string' || !ctx.startsWith('https://openvex.dev/ns')) throw new InputError({ file, field: '@context', expected: 'https://openvex.dev/ns/v0.2.0' });
    if (!Array.isArray(doc.statements)) throw new InputError({ file, field: 'statements', expected: 'a list of statements' });
    const statements = doc.statements.map((s, i): VexStatement => {
      const at = `statements[${i}]`;
      if (!isObject(s)) throw new InputError({ file, field: at, expected: 'a statement object' });
      const status = s.status;
      if (typeof status !== 'string' || !STATUSES.has(status)) throw new InputError({ file, field: `${at}.status`, expected: 'not_affected, affected, fixed or under_investigation' });
      const v = s.vulnerability;
      const ids: string[] = [];
      if (typeof v === 'string') ids.push(idFromIri(v) ?? v);
      else if (isObject(v)) {
        const name = str(v, 'name');
        if (name) ids.push(name);
        const iri = str(v, '@id');
        const fromIri = iri ? idFromIri(iri) : undefined;
        if (fromIri) ids.push(fromIri);
        if (Array.isArray(v.aliases)) ids.push(...v.aliases.filter((a): a is string => typeof a === 'string'));
      }
      if (ids.length === 0) throw new InputError({ file, field: `${at}.vulnerability.name`, expected: 'a vulnerability name' });
      if (!Array.isArray(s.products)) throw new InputError({ file, field: `${at}.products`, expected: 'a list of products' });
      const st: VexStatement = { ids: [...new Set(ids)], products: s.products.map((p, j) => product(p, file, `${at}.products[${j}]`)), status: status as VexStatus };
      const justification = str(s, 'justification');
      if (status === 'not_affected' && !justification && !str(s, 'impact_statement')) {
        throw new InputError({ file, field: `${at}.justification`, expected: 'a justification or impact_statement for not_affected' });
      }
      if (justification) st.justification = justification;
      const impact = str(s, 'impact_statement');
      if (impact) st.impactStatement = impact;
      const notes = str(s, 'status_notes');
      if (notes) st.statusNotes = notes;
      const ts = str(s, 'timestamp');
      if (ts) st.timestamp = ts;
      return st;
    });
    const out: VexDocument = { statements };
    if (typeof doc['@id'] === 'string') out.id = doc['@id'];
    if (typeof doc.author === 'string') out.author = doc.author;
    if (typeof doc.timestamp === 'string') out.timestamp = doc.timestamp;
    return ok(out);
  } catch (e) {
    if (e instanceof InputError) return err(e);
    throw e;
  }
}

/** Statuses that take a finding off the list; 'affected' and 'under_investigation' leave it shown. */
const SUPPRESSING: ReadonlySet<VexStatus> = new Set(['not_affected', 'fixed']);

export interface VexApplyOptions {
  /** Identifiers of the scanned artifact (image reference, image id, purl): subcomponents count under these products. */
  targetIds?: string[];
  /** Name of the VEX file, kept in the suppression. */
  source?: string;
}

function statementApplies(s: VexStatement, f: VulnerabilityFinding, targetIds: string[] | undefined): boolean {
  if (!s.ids.some((id) => id === f.id || f.aliases.includes(id))) return false;
  return s.products.some((p) => {
    if (p.purls.some((purl) => purlMatches(purl, f.package.purl))) return true;
    if (p.subcomponents.length === 0) return false;
    // A subcomponent counts when its product is the scanned artifact (or when we were not told what that is).
    const productIsTarget = !targetIds || targetIds.includes(p.id) || p.purls.some((x) => targetIds.includes(x));
    return productIsTarget && p.subcomponents.some((sc) => purlMatches(sc, f.package.purl));
  });
}

/**
 * Applies VEX statements: the last applicable statement (by timestamp, then document order) decides; not_affected
 * and fixed mark the finding suppressed (by: 'vex') with status and justification.
 */
export function applyVex(findings: VulnerabilityFinding[], docs: VexDocument[], opts: VexApplyOptions = {}): VulnerabilityFinding[] {
  const statements = docs.flatMap((d) => d.statements.map((s) => ({ ...s, timestamp: s.timestamp ?? d.timestamp ?? '' })));
  // Stable sort: equal timestamps keep document order, so "later in the document wins" too.
  const ordered = statements.map((s, i) => ({ s, i })).sort((a, b) => (a.s.timestamp < b.s.timestamp ? -1 : a.s.timestamp > b.s.timestamp ? 1 : a.i - b.i)).map((x) => x.s);
  return findings.map((f) => {
    if (f.suppressed) return f;
    let last: VexStatement | undefined;
    for (const s of ordered) if (statementApplies(s, f, opts.targetIds)) last = s;
    if (!last || !SUPPRESSING.has(last.status)) return f;
    const suppressed: VulnerabilityFinding['suppressed'] = { by: 'vex', status: last.status };
    if (last.justification) suppressed.justification = last.justification;
    const reason = last.impactStatement ?? last.statusNotes;
    if (reason) suppressed.reason = reason;
    if (opts.source) suppressed.source = opts.source;
    return { ...f, suppressed };
  });
}
