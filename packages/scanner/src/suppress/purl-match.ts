import { parsePurl } from '@bulwark/core';

function normVersion(v: string): string {
  return v.replace(/^v(?=\d)/, '');
}

/**
 * True when `pattern` names the package `purl`: same type, namespace and name; a pattern without a version
 * matches every version ("pkg:npm/lodash"), one with a version only that version ("v1.2" = "1.2"); qualifiers
 * in the pattern must be present with the same value.
 */
export function purlMatches(pattern: string, purl: string): boolean {
  const p = parsePurl(pattern);
  const q = parsePurl(purl);
  if (!p || !q) return false;
  if (p.type !== q.type || (p.namespace ?? '') !== (q.namespace ?? '') || p.name !== q.name) return false;
  if (p.version !== undefined && (q.version === undefined || normVersion(p.version) !== normVersion(q.version))) return false;
  for (const [k, v] of Object.entries(p.qualifiers ?? {})) if (q.qualifiers?.[k] !== v) return false;
  return true;
}
