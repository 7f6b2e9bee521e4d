import { parse as parseYaml } from 'yaml';
import { err, InputError, LimitError, ok, type Result, type VulnerabilityFinding } from '@bulwark/core';
import { purlMatches } from './purl-match.js';

/** One entry of a .bulwarkignore file. */
export interface IgnoreRule {
  /** Vulnerability id or any alias of it; absent = every vulnerability of the named packages. */
  id?: string;
  /** Only findings in these packages (purl, version optional). */
  purls: string[];
  /** Only findings whose package sits at one of these paths. */
  paths: string[];
  /** Last day the rule applies (YYYY-MM-DD, UTC). */
  expires?: string;
  reason?: string;
  /** The ignore file it came from. */
  file: string;
  /** Where it was written, for warnings: "file:line" or "file: vulnerabilities[2]". */
  at: string;
}

export const MAX_IGNORE_FILE_BYTES = 1024 * 1024;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(s: string): boolean {
  return DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

function parseLines(text: string, file: string): Result<IgnoreRule[], InputError> {
  const rules: IgnoreRule[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i].indexOf('#');
    const body = (hash >= 0 ? lines[i].slice(0, hash) : lines[i]).trim();
    const comment = hash >= 0 ? lines[i].slice(hash + 1).trim() : '';
    if (!body) continue;
    const rule: IgnoreRule = { purls: [], paths: [], file, at: `${file}:${i + 1}` };
    for (const tok of body.split(/\s+/)) {
      if (tok.startsWith('exp:')) {
        const d = tok.slice(4);
        if (!validDate(d)) return err(new InputError({ file, field: `line ${i + 1}`, expected: 'exp:YYYY-MM-DD' }));
        rule.expires = d;
      } else if (tok.startsWith('pkg:')) rule.purls.push(tok);
      else if (rule.id === undefined) rule.id = tok;
      else return err(new InputError({ file, field: `line ${i + 1}`, expected: 'ID [pkg:...] [exp:YYYY-MM-DD] [# reason]', message: `unexpected "${tok.slice(0, 80)}"` }));
    }
    if (comment) rule.reason = comment;
    rules.push(rule);
  }
  return ok(rules);
}

function strings(v: unknown, file: string, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new InputError({ file, field, expected: 'a list of strings' });
  return v;
}

function optString(o: Record<string, unknown>, key: string, file: string, field: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v !== 'string') throw new InputError({ file, field: `${field}.${key}`, expected: 'a string' });
  return v;
}

function parseYamlRules(doc: Record<string, unknown>, file: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const section of ['vulnerabilities', 'packages'] as const) {
    const list = doc[section];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new InputError({ file, field: section, expected: 'a list' });
    list.forEach((e, i) => {
      const at = `${section}[${i}]`;
      if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new InputError({ file, field: at, expected: 'a mapping' });
      const o = e as Record<string, unknown>;
      const id = optString(o, 'id', file, at);
      const purls = [...strings(o.purls, file, `${at}.purls`), ...(optString(o, 'purl', file, at) ? [optString(o, 'purl', file, at) as string] : [])];
      if (section === 'vulnerabilities' && !id) throw new InputError({ file, field: `${at}.id`, expected: 'a vulnerability id' });
      if (section === 'packages' && purls.length === 0) throw new InputError({ file, field: `${at}.purl`, expected: 'a purl' });
      const expires = optString(o, 'expired_at', file, at) ?? optString(o, 'exp', file, at) ?? optString(o, 'expires', file, at);
      if (expires !== undefined && !validDate(expires)) throw new InputError({ file, field: `${at}.expired_at`, expected: 'YYYY-MM-DD' });
      const reason = optString(o, 'statement', file, at) ?? optString(o, 'reason', file, at);
      const rule: IgnoreRule = { purls, paths: strings(o.paths, file, `${at}.paths`), file, at: `${file}: ${at}` };
      if (id) rule.id = id;
      if (expires) rule.expires = expires;
      if (reason) rule.reason = reason;
      rules.push(rule);
    });
  }
  return rules;
}

/**
 * Parses a .bulwarkignore: YAML (`vulnerabilities: [{id, purls, paths, statement, expired_at}]`,
 * `packages: [{purl, reason}]`, Trivy's .trivyignore.yaml shape) or plain lines (`ID [pkg:...] [exp:YYYY-MM-DD] [# reason]`).
 */
export function parseIgnoreFile(content: string | Buffer, file: string, maxBytes = MAX_IGNORE_FILE_BYTES): Result<IgnoreRule[], InputError> {
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > maxBytes) return err(new LimitError({ file, limit: `maxBytes=${maxBytes}` }));
  const text = typeof content === 'string' ? content : content.toString('utf8');
  if (!/^(vulnerabilities|packages)\s*:/m.test(text)) return parseLines(text, file);
  let doc: unknown;
  try {
    // maxAliasCount bounds alias expansion ("billion laughs").
    doc = parseYaml(text, { maxAliasCount: 100, prettyErrors: false });
  } catch (e) {
    return err(new InputError({ file, expected: 'YAML', message: `not valid YAML: ${(e as Error).message.split('\n')[0]}` }));
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return err(new InputError({ file, expected: 'a YAML mapping with vulnerabilities/packages' }));
  try {
    return ok(parseYamlRules(doc as Record<string, unknown>, file));
  } catch (e) {
    if (e instanceof InputError) return err(e);
    throw e;
  }
}

function pathMatches(rulePath: string, path: string): boolean {
  const a = rulePath.replace(/^\.?\/+/, '');
  const b = path.replace(/^\/+/, '');
  return a === b || b.startsWith(a.endsWith('/') ? a : `${a}/`);
}

export function ruleMatches(rule: IgnoreRule, f: VulnerabilityFinding): boolean {
  if (rule.id !== undefined && rule.id !== f.id && !f.aliases.includes(rule.id)) return false;
  if (rule.purls.length > 0 && !rule.purls.some((p) => purlMatches(p, f.package.purl))) return false;
  if (rule.paths.length > 0 && !rule.paths.some((p) => f.package.locations.some((l) => pathMatches(p, l.path)))) return false;
  return true;
}

/** Past its expiry day (the rule applies through the whole expiry day, UTC). */
export function isExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expires !== undefined && now.toISOString().slice(0, 10) > rule.expires;
}

/**
 * Marks matching findings suppressed (by: 'ignore-file'); expired rules stop applying and produce a warning.
 * Findings already suppressed keep their first suppression. Returns new finding objects; input untouched.
 */
export function applyIgnoreRules(
  findings: VulnerabilityFinding[],
  rules: IgnoreRule[],
  opts: { now?: Date; source?: string } = {},
): { findings: VulnerabilityFinding[]; warnings: string[] } {
  const now = opts.now ?? new Date();
  const warnings: string[] = [];
  const active: IgnoreRule[] = [];
  for (const r of rules) {
    if (isExpired(r, now)) warnings.push(`${r.at}: ignore rule${r.id ? ` for ${r.id}` : ''} expired on ${r.expires}; no longer applied`);
    else active.push(r);
  }
  const out = findings.map((f) => {
    if (f.suppressed) return f;
    const r = active.find((x) => ruleMatches(x, f));
    if (!r) return f;
    const suppressed: VulnerabilityFinding['suppressed'] = { by: 'ignore-file', source: opts.source ?? r.file };
    if (r.reason) suppressed.reason = r.reason;
    return { ...f, suppressed };
  });
  return { findings: out, warnings };
}
