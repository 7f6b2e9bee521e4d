import { InputError, LimitError, buildPurl, err, ok } from '@bulwark/core';
import type { LayerRef, Package, PackageType, PurlParts, Result } from '@bulwark/core';
import type { FileInput } from './types.js';

/** Parses JSON from a file, refusing documents nested deeper than `maxDepth` (stack-exhaustion inputs). */
export function parseJsonFile(file: FileInput, maxDepth = 256): Result<unknown, InputError> {
  const text = file.content.toString('utf8');
  const depth = jsonDepth(text);
  if (depth > maxDepth) return err(new LimitError({ file: file.path, limit: `maxDepth=${maxDepth}`, message: `JSON nested ${depth} deep, limit ${maxDepth}` }));
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(new InputError({ file: file.path, expected: 'valid JSON', message: `not valid JSON: ${(e as Error).message}` }));
  }
}

/** Bracket nesting depth of a JSON text, ignoring brackets inside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash escape
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

export interface PackageInit {
  name: string;
  version: string;
  type: PackageType;
  ecosystem: string;
  foundBy: string;
  path: string;
  layer?: LayerRef | undefined;
  purl?: Omit<PurlParts, 'type' | 'version'> & { type?: string };
  source?: { name: string; version?: string };
  licenses?: string[];
  metadata?: Record<string, unknown>;
}

/** Builds a Package with its purl and single location, the shape every cataloger returns. */
export function makePackage(p: PackageInit): Package {
  const purl = buildPurl({
    type: p.purl?.type ?? p.type,
    namespace: p.purl?.namespace,
    name: p.purl?.name ?? p.name,
    version: p.version,
    qualifiers: p.purl?.qualifiers,
    subpath: p.purl?.subpath,
  });
  const pkg: Package = {
    name: p.name,
    version: p.version,
    type: p.type,
    ecosystem: p.ecosystem,
    purl,
    licenses: p.licenses ?? [],
    locations: [p.layer ? { path: p.path, layer: p.layer } : { path: p.path }],
    foundBy: p.foundBy,
  };
  if (p.source) pkg.source = p.source;
  if (p.metadata) pkg.metadata = p.metadata;
  return pkg;
}

/** Basename of a slash path. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}
