import { InputError, LimitError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';

/** Header tags the cataloger reads (rpm's lib/rpmtag.h). */
export const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
} as const;

const TYPE = { INT32: 4, STRING: 6, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

// rpm's own sanity limits (lib/header_internal.h: HEADER_TAGS_MAX, HEADER_DATA_MAX).
const MAX_TAGS = 0xffff;
const MAX_DATA = 256 * 1024 * 1024;

export interface RpmHeader {
  strings: Map<number, string>;
  ints: Map<number, number>;
}

function readString(data: Buffer, offset: number): string | undefined {
  const end = data.indexOf(0, offset);
  if (end < 0) return undefined;
  return data.toString('utf8', offset, end);
}

/**
 * Parses an rpm header blob as the rpmdb stores it (no lead, no magic): big-endian index count and data
 * length, 16-byte index entries (tag, type, offset, count), then the data store. Only the string and int32
 * tags in `TAG` are decoded; every offset is bounds-checked, since the blob comes from an untrusted image.
 */
export function parseRpmHeader(blob: Buffer, file: string): Result<RpmHeader, InputError> {
  const bad = (why: string): Result<RpmHeader, InputError> => err(new InputError({ file, field: 'rpm header', expected: 'an rpm header blob', message: why }));
  if (blob.length < 8) return bad('blob shorter than its 8-byte preamble');
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il > MAX_TAGS) return err(new LimitError({ file, field: 'rpm header', limit: `index entries ${MAX_TAGS}` }));
  if (dl > MAX_DATA) return err(new LimitError({ file, field: 'rpm header', limit: `data ${MAX_DATA} bytes` }));
  const dataStart = 8 + il * 16;
  if (dataStart + dl > blob.length) return bad(`index (${il} entries) and data (${dl} bytes) overrun the ${blob.length}-byte blob`);
  const data = blob.subarray(dataStart, dataStart + dl);
  const wanted = new Set<number>(Object.values(TAG));
  const strings = new Map<number, string>();
  const ints = new Map<number, number>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = blob.readInt32BE(at);
    if (!wanted.has(tag)) continue;
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readInt32BE(at + 8);
    const count = blob.readUInt32BE(at + 12);
    if (offset < 0 || offset >= dl || count === 0) return bad(`tag ${tag} points outside the data store`);
    if (type === TYPE.STRING || type === TYPE.I18NSTRING || type === TYPE.STRING_ARRAY) {
      const s = readString(data, offset);
      if (s === undefined) return bad(`tag ${tag} string is not terminated`);
      strings.set(tag, s);
    } else if (type === TYPE.INT32) {
      if (offset + 4 > dl) return bad(`tag ${tag} int32 overruns the data store`);
      ints.set(tag, data.readUInt32BE(offset));
    }
  }
  return ok({ strings, ints });
}
