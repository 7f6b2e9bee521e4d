import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { baseName, checkSize, makePackage } from '../../util.js';

const ID = 'ruby/gemfile-lock';
const MAX_BYTES = 16 * 1024 * 1024;

type Source = 'rubygems' | 'git' | 'path';
const SOURCES: Record<string, Source> = { GEM: 'rubygems', GIT: 'git', PATH: 'path' };
const KNOWN_SECTIONS = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE', 'PLATFORMS', 'DEPENDENCIES', 'RUBY VERSION', 'BUNDLED WITH', 'CHECKSUMS']);

/** Bundler's own spec-line pattern: the version stops at the first `-`, the rest is the platform. */
const SPEC = /^ {4}([^ ()]+) \(([^-()]+)(?:-([^()]+))?\)$/;

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  const size = checkSize(file, MAX_BYTES);
  if (!size.ok) return size;
  const packages: Package[] = [];
  let section: string | undefined;
  let sawSection = false;
  let remote: string | undefined;
  let inSpecs = false;
  const lines = file.content.toString('utf8').split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    if (!line.startsWith(' ')) {
      section = line.trim();
      if (KNOWN_SECTIONS.has(section)) sawSection = true;
      remote = undefined;
      inSpecs = false;
      continue;
    }
    const source = section ? SOURCES[section] : undefined;
    if (!source) continue;
    const field = /^ {2}([a-z_]+):\s*(.*)$/.exec(line);
    if (field) {
      if (field[1] === 'remote') remote = field[2];
      inSpecs = field[1] === 'specs';
      continue;
    }
    if (!inSpecs) continue;
    const m = SPEC.exec(line);
    if (!m) continue; // dependency lines (six spaces) and anything else
    const [, name, version, platform] = m;
    const metadata: Record<string, unknown> = { source, line: i + 1 };
    if (remote) metadata.remote = remote;
    if (platform) metadata.platform = platform;
    if (source === 'path') metadata.local = true;
    packages.push(
      makePackage({
        name,
        version,
        type: 'gem',
        ecosystem: 'RubyGems',
        foundBy: ID,
        path: file.path,
        layer: file.layer,
        purl: platform ? { name, qualifiers: { platform } } : undefined,
        metadata,
      }),
    );
  }
  if (!sawSection) return err(new InputError({ file: file.path, expected: 'Gemfile.lock sections (GEM, PLATFORMS, DEPENDENCIES...)' }));
  return ok({ packages });
}

/** Bundler lockfiles: every spec under GEM, GIT and PATH sources, platform suffixes split off the version. */
export const gemfileLock: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    const b = baseName(path);
    return b === 'Gemfile.lock' || b === 'gems.locked';
  },
  catalog,
};
