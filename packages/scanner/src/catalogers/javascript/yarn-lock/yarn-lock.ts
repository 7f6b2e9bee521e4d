import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import { isRecord } from '../../types.js';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { baseName, checkSize, parseYamlFile } from '../../util.js';
import { isNpmName, isVersion, npmPackage, splitSpec } from '../common.js';

const MAX_ENTRIES = 500_000;

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  return t;
}

/** The package a v1 entry header names: `"a@^1", "a@^1.2"` → a; aliases `a-cjs@npm:a@^4` → a. */
function v1Name(header: string): string | undefined {
  const first = header.slice(0, -1).split(/,\s*/)[0];
  if (!first) return undefined;
  const spec = splitSpec(unquote(first));
  if (!spec) return undefined;
  // file:, link: and workspace sources are the project's own code, not registry packages.
  if (/^(file|link|portal|workspace):/.test(spec.range)) return undefined;
  if (spec.range.startsWith('npm:')) {
    const real = splitSpec(spec.range.slice(4));
    return real?.name ?? spec.range.slice(4);
  }
  return spec.name;
}

/** yarn v1's own format (https://classic.yarnpkg.com/lang/en/docs/yarn-lock/): headers at column 0, fields indented. */
export function parseYarnV1(text: string): { name: string; version: string }[] {
  const out: { name: string; version: string }[] = [];
  let current: string | undefined;
  for (const line of text.split('\n')) {
    if (out.length >= MAX_ENTRIES) break;
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      current = line.trimEnd().endsWith(':') ? v1Name(line.trimEnd()) : undefined;
      continue;
    }
    const m = /^ {2}version:? +(.+)$/.exec(line);
    if (m && current) {
      const version = unquote(m[1]);
      if (isNpmName(current) && isVersion(version)) out.push({ name: current, version });
      current = undefined;
    }
  }
  return out;
}

/** yarn berry (YAML): entries resolved from the npm registry; workspaces, patches, links, portals and git/URL sources excluded. */
export function parseYarnBerry(doc: Record<string, unknown>): { name: string; version: string }[] {
  const out: { name: string; version: string }[] = [];
  for (const [key, raw] of Object.entries(doc)) {
    if (out.length >= MAX_ENTRIES) break;
    if (key === '__metadata' || !isRecord(raw) || raw.linkType === 'soft') continue;
    const resolution = typeof raw.resolution === 'string' ? raw.resolution : key.split(',')[0].trim();
    const m = /^(@?[^@]+)@([a-z+-]+):(.*)$/.exec(resolution);
    if (!m || m[2] !== 'npm') continue;
    const version = typeof raw.version === 'string' ? raw.version : m[3];
    if (isNpmName(m[1]) && isVersion(version)) out.push({ name: m[1], version });
  }
  return out;
}

function packagesOf(entries: { name: string; version: string }[], file: FileInput, foundBy: string, format: string): Package[] {
  const seen = new Set<string>();
  const out: Package[] = [];
  for (const e of entries) {
    const k = `${e.name}@${e.version}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(npmPackage({ name: e.name, version: e.version, foundBy, file, metadata: { lockfile: format } }));
  }
  return out;
}

export const yarnLock: Cataloger = {
  id: 'javascript/yarn-lock',
  version: 1,
  maxBytes: 128 * 1024 * 1024,
  matches(path) {
    return baseName(path) === 'yarn.lock' && !path.includes('node_modules/');
  },
  catalog(file): Result<CatalogResult, InputError> {
    const size = checkSize(file, this.maxBytes);
    if (!size.ok) return size;
    const text = file.content.toString('utf8');
    if (/^__metadata:/m.test(text)) {
      const doc = parseYamlFile(file);
      if (!doc.ok) return doc;
      if (!isRecord(doc.value) || !isRecord(doc.value.__metadata)) {
        return err(new InputError({ file: file.path, field: '__metadata', expected: 'a yarn berry lockfile mapping' }));
      }
      return ok({ packages: packagesOf(parseYarnBerry(doc.value), file, this.id, 'berry') });
    }
    if (!/^# yarn lockfile v1\s*$/m.test(text.slice(0, 1024))) {
      return err(new InputError({ file: file.path, expected: 'a "# yarn lockfile v1" header or a berry __metadata entry' }));
    }
    if (text.includes('\0')) return err(new InputError({ file: file.path, expected: 'a text file', message: 'binary content' }));
    return ok({ packages: packagesOf(parseYarnV1(text), file, this.id, 'v1') });
  },
};
