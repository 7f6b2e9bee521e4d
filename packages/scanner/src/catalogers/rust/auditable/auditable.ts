import { inflateSync } from 'node:zlib';
import { InputError, LimitError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { Cataloger } from '../../types.js';
import { isRecord } from '../../types.js';
import { makePackage, parseJsonFile } from '../../util.js';
import { findSection, isElf, parseElf, sectionData } from '../../binary/elf.js';
import { openUpx, readUpxSection } from '../../binary/upx/upx.js';

const ID = 'rust/auditable';
const MiB = 1024 * 1024;
/** cargo-auditable itself caps the decompressed JSON at 8 MiB by default (auditable-info `Limits`). */
const MAX_JSON = 8 * MiB;
const MAX_PACKAGES = 100_000;
const SECTION = '.dep-v0';

/**
 * Binaries built with `cargo auditable`: the `.dep-v0` ELF section holds zlib-compressed JSON
 * `{"packages":[{name, version, source, kind?, dependencies?, root?}], "format"?}` listing the crates linked in.
 */
export const rustAuditable: Cataloger = {
  id: ID,
  // 2: `.dep-v0` read from UPX-packed executables (metadata.packer).
  version: 2,
  maxBytes: 512 * MiB,
  matches(path, info) {
    return info.size >= 64 && info.size <= 512 * MiB && ((info.mode & 0o111) !== 0 || path.endsWith('.so'));
  },
  catalog(file) {
    if (!isElf(file.content)) return ok({ packages: [] });
    const elf = parseElf(file.content, file.path);
    if (!elf.ok) return elf;
    const sec = findSection(elf.value, SECTION);
    const raw = sec ? sectionData(elf.value, sec) : packedSection(file.content, file.path);
    if (!raw.ok) return raw;
    if (!raw.value) return ok({ packages: [] });
    let json: Buffer;
    try {
      json = inflateSync(raw.value, { maxOutputLength: MAX_JSON });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return err(new LimitError({ file: file.path, field: SECTION, limit: `decompressed ${MAX_JSON} bytes` }));
      return err(new InputError({ file: file.path, field: SECTION, expected: 'zlib-compressed data', cause: e }));
    }
    const doc = parseJsonFile({ ...file, content: json }, 16);
    if (!doc.ok) return doc;
    const found = auditPackages(doc.value, file.path, file.layer);
    if (found.ok && !sec) for (const p of found.value.packages) p.metadata = { ...p.metadata, packer: 'upx' };
    return found;
  },
};

/** A UPX-packed ELF keeps the section header table and `.dep-v0` in the gap after the last segment: unpack just those. */
function packedSection(data: Buffer, path: string): Result<Buffer | undefined, InputError> {
  const image = openUpx(data, path);
  if (!image.ok) return image;
  return image.value ? readUpxSection(image.value, SECTION) : ok(undefined);
}

function auditPackages(doc: unknown, path: string, layer: Parameters<typeof makePackage>[0]['layer']): Result<{ packages: Package[] }, InputError> {
  const bad = (field: string, expected: string): Result<never, InputError> => err(new InputError({ file: path, field: `${SECTION} ${field}`, expected }));
  if (!isRecord(doc) || !Array.isArray(doc.packages)) return bad('packages', 'an array');
  const list: unknown[] = doc.packages;
  if (list.length > MAX_PACKAGES) return err(new LimitError({ file: path, field: `${SECTION} packages`, limit: `packages=${MAX_PACKAGES}` }));
  const format = typeof doc.format === 'number' ? doc.format : 0;
  const packages: Package[] = [];
  for (const [i, p] of list.entries()) {
    if (!isRecord(p) || typeof p.name !== 'string' || typeof p.version !== 'string' || p.name === '' || p.version === '') return bad(`packages[${i}]`, 'name and version strings');
    const source = typeof p.source === 'string' ? p.source : isRecord(p.source) && typeof p.source.Other === 'string' ? p.source.Other : 'unknown';
    const kind = p.kind === 'build' ? 'build' : 'runtime';
    const meta: Record<string, unknown> = { source, kind, format };
    if (p.root === true) meta.root = true;
    if (Array.isArray(p.dependencies)) {
      const deps = p.dependencies.filter((d): d is number => Number.isInteger(d) && d >= 0 && d < list.length);
      const names = deps.map((d) => {
        const q = list[d];
        return isRecord(q) ? `${String(q.name)}@${String(q.version)}` : String(d);
      });
      if (names.length > 0) meta.dependencies = names;
    }
    packages.push(makePackage({ name: p.name, version: p.version, type: 'cargo', ecosystem: 'crates.io', foundBy: ID, path, layer, metadata: meta }));
  }
  return ok({ packages });
}
