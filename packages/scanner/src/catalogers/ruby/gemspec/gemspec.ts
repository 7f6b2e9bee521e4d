import { InputError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { checkSize, makePackage } from '../../util.js';

const ID = 'ruby/gemspec';
const MAX_BYTES = 4 * 1024 * 1024;

// One Ruby string literal as RubyGems writes them: "x", 'x', %q{x} / %q<x> / %q(x) / %q[x], optionally .freeze.
const LITERAL = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|%q\{([^}]*)\}|%q<([^>]*)>|%q\(([^)]*)\)|%q\[([^\]]*)\]/g;

function literals(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(LITERAL)) out.push(m.slice(1).find((g) => g !== undefined) ?? '');
  return out;
}

/** The single literal assigned on the line, when the whole right-hand side is one literal (not a constant or call). */
function literalValue(rhs: string): string | undefined {
  const m = /^\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|%q\{[^}]*\}|%q<[^>]*>|%q\([^)]*\)|%q\[[^\]]*\])(?:\.freeze)?\s*(?:#.*|if .*)?$/.exec(rhs);
  if (!m) return undefined;
  return literals(m[1])[0];
}

export interface GemspecFacts {
  name?: string;
  version?: string;
  licenses: string[];
  platform?: string;
}

/**
 * Reads the assignments RubyGems writes into installed specifications (`s.name = "rack".freeze`), by regex: the file
 * is Ruby and is never evaluated. Only literal values count; `s.version = Foo::VERSION` is not a version.
 */
export function parseGemspec(text: string): GemspecFacts {
  const facts: GemspecFacts = { licenses: [] };
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\w+\.(name|version|licenses?|platform)\s*=(.*)$/.exec(line);
    if (!m) continue;
    const [, key, rhs] = m;
    if (key === 'license' || key === 'licenses') {
      // Only the part before a trailing comment: `s.licenses = ["MIT"] # note`.
      const value = rhs.replace(/\]\s*#.*$/, ']');
      for (const l of literals(value)) if (l !== '' && !facts.licenses.includes(l)) facts.licenses.push(l);
      continue;
    }
    const v = literalValue(rhs);
    if (v === undefined || v === '') continue;
    if (key === 'name' && facts.name === undefined) facts.name = v;
    else if (key === 'version' && facts.version === undefined) facts.version = v;
    else if (key === 'platform' && facts.platform === undefined) facts.platform = v;
  }
  return facts;
}

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  const size = checkSize(file, MAX_BYTES);
  if (!size.ok) return size;
  const facts = parseGemspec(file.content.toString('utf8'));
  if (!facts.name) return err(new InputError({ file: file.path, field: 'name', expected: 'a literal s.name assignment' }));
  if (!facts.version) return err(new InputError({ file: file.path, field: 'version', expected: 'a literal s.version assignment' }));
  const platform = facts.platform && facts.platform !== 'ruby' ? facts.platform : undefined;
  return ok({
    packages: [
      makePackage({
        name: facts.name,
        version: facts.version,
        type: 'gem',
        ecosystem: 'RubyGems',
        foundBy: ID,
        path: file.path,
        layer: file.layer,
        purl: platform ? { name: facts.name, qualifiers: { platform } } : undefined,
        licenses: facts.licenses,
        metadata: platform ? { platform } : {},
      }),
    ],
  });
}

/** Installed gems: the specifications RubyGems writes under `<gem home>/specifications/` (and `specifications/default/`). */
export const gemspec: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return /(^|\/)specifications\/(default\/)?[^/]+\.gemspec$/.test(path);
  },
  catalog,
};
