import { InputError, LimitError, buildPurl, err, ok } from '@bulwark/core';
import { parseDocument } from 'yaml';
import { parse as parseToml } from 'smol-toml';
import type { LayerRef, Package, PackageType, PurlParts, Result } from '@bulwark/core';
import type { CatalogResult, FileInput } from './types.js';
import { isRecord } from './types.js';

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

/**
 * Builds a Package with its purl and single location, the shape every cataloger returns. Values come from untrusted
 * files and packageurl-js throws on some (a golang version "v" + non-semver, a maven purl without namespace): a bad
 * purl must not drop the package, so the purl falls back to one without version, then to a generic purl, and the
 * reason is kept in metadata.purlError.
 */
export function makePackage(p: PackageInit): Package {
  try {
    return buildPackage(p);
  } catch (e) {
    const metadata = { ...(p.metadata ?? {}), purlError: (e as Error).message };
    let pkg: Package;
    try {
      pkg = buildPackage({ ...p, version: '', metadata });
    } catch {
      pkg = buildPackage({ ...p, version: '', metadata, purl: { name: p.purl?.name ?? p.name, type: 'generic' } });
    }
    pkg.version = p.version;
    return pkg;
  }
}

function buildPackage(p: PackageInit): Package {
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

/** Refuses a file above maxBytes before any parsing (the walker checks first; this guards direct callers). */
export function checkSize(file: FileInput, maxBytes: number): Result<void, InputError> {
  if (file.content.length > maxBytes) {
    return err(new LimitError({ file: file.path, limit: `maxBytes=${maxBytes}`, message: `file is ${file.content.length} bytes, limit ${maxBytes}` }));
  }
  return ok(undefined);
}

export interface YamlLimits {
  maxDepth: number;
  maxAliasCount: number;
}

const YAML_LIMITS: YamlLimits = { maxDepth: 64, maxAliasCount: 100 };

/** Deepest block indentation (in levels of at least one space) of a YAML text: a cheap bound on nesting. */
function indentDepth(text: string): number {
  const levels: number[] = [];
  let max = 0;
  for (const line of text.split('\n')) {
    const m = /^( *)\S/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const n = m[1].length;
    while (levels.length > 0 && levels[levels.length - 1] >= n) levels.pop();
    levels.push(n);
    if (levels.length > max) max = levels.length;
  }
  return max;
}

/**
 * Parses YAML from an untrusted file with limits: nesting (flow brackets and block indentation, checked on
 * the text before parsing), alias expansion (billion-laughs documents), and any parser error as a value.
 */
export function parseYamlFile(file: FileInput, limits: Partial<YamlLimits> = {}): Result<unknown, InputError> {
  const { maxDepth, maxAliasCount } = { ...YAML_LIMITS, ...limits };
  const text = file.content.toString('utf8');
  const depth = Math.max(jsonDepth(text), indentDepth(text));
  if (depth > maxDepth) return err(new LimitError({ file: file.path, limit: `maxDepth=${maxDepth}`, message: `YAML nested ${depth} deep, limit ${maxDepth}` }));
  try {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length > 0) {
      return err(new InputError({ file: file.path, expected: 'valid YAML', message: `not valid YAML: ${doc.errors[0].message}` }));
    }
    return ok(doc.toJS({ maxAliasCount }) as unknown);
  } catch (e) {
    if (e instanceof RangeError || /excessive alias count/i.test((e as Error).message)) return err(new LimitError({ file: file.path, limit: 'YAML nesting or aliases', message: (e as Error).message }));
    return err(new InputError({ file: file.path, expected: 'valid YAML', message: `not valid YAML: ${(e as Error).message}` }));
  }
}

/** Parses a TOML lockfile with a bound on inline nesting. */
export function parseTomlFile(file: FileInput, maxDepth = 64): Result<Record<string, unknown>, InputError> {
  try {
    return ok(parseToml(file.content.toString('utf8'), { maxDepth, unsafeKeyBehaviour: 'drop' }) as Record<string, unknown>);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    return err(new InputError({ file: file.path, expected: 'valid TOML', message: `not valid TOML: ${msg}` }));
  }
}


/**
 * Catalogs the `[[package]]` tables of a TOML lockfile (Cargo.lock, poetry.lock, uv.lock): no `package` key means
 * no packages; `toPackage` returns undefined for a table that names nothing to match.
 */
export function catalogTomlPackages(
  file: FileInput,
  maxBytes: number,
  toPackage: (entry: Record<string, unknown>) => Package | undefined,
): Result<CatalogResult, InputError> {
  const size = checkSize(file, maxBytes);
  if (!size.ok) return size;
  const doc = parseTomlFile(file);
  if (!doc.ok) return doc;
  const list = doc.value.package;
  if (list === undefined) return ok({ packages: [] });
  if (!Array.isArray(list)) return err(new InputError({ file: file.path, field: 'package', expected: 'an array of tables' }));
  const packages: Package[] = [];
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    const pkg = toPackage(entry);
    if (pkg) packages.push(pkg);
  }
  return ok({ packages });
}
