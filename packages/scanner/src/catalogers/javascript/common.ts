import type { Package } from '@bulwark/core';
import type { FileInput } from '../types.js';
import { makePackage } from '../util.js';

/** npm's package name rules, loosely: non-empty, at most 214 characters, no whitespace, "@scope/name" shape when scoped. */
export function isNpmName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 214 || /\s/.test(name)) return false;
  if (name.startsWith('@')) return /^@[^/]+\/[^/]+$/.test(name);
  return !name.includes('/');
}

export function isVersion(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 256 && !/\s/.test(v);
}

/** An npm package with its purl (scope as the purl namespace: pkg:npm/%40babel/core@7.0.0). */
export function npmPackage(p: {
  name: string;
  version: string;
  foundBy: string;
  file: FileInput;
  licenses?: string[];
  metadata?: Record<string, unknown>;
}): Package {
  const slash = p.name.startsWith('@') ? p.name.indexOf('/') : -1;
  const init: Parameters<typeof makePackage>[0] = {
    name: p.name,
    version: p.version,
    type: 'npm',
    ecosystem: 'npm',
    foundBy: p.foundBy,
    path: p.file.path,
    layer: p.file.layer,
    purl: slash > 0 ? { namespace: p.name.slice(0, slash), name: p.name.slice(slash + 1) } : { name: p.name },
    licenses: p.licenses ?? [],
  };
  if (p.metadata && Object.keys(p.metadata).length > 0) init.metadata = p.metadata;
  return makePackage(init);
}

/** Splits "name@range" at the version separator (the first "@" after a leading scope "@"). */
export function splitSpec(spec: string): { name: string; range: string } | undefined {
  const at = spec.indexOf('@', 1);
  if (at <= 0) return undefined;
  return { name: spec.slice(0, at), range: spec.slice(at + 1) };
}
