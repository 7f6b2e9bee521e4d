import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { OsvRecord } from '@bulwark/core';

// Raw deflate at level 6 shrinks the OSV JSON about 3-4× (it is mostly repeated keys and prose) for
// ~15 µs per record on import and a few µs to read back; see store/README.md for the measured sizes.
export function encodeRecord(record: OsvRecord): Buffer {
  return deflateRawSync(Buffer.from(JSON.stringify(record)), { level: 6 });
}

export function decodeRecord(blob: Buffer | string): OsvRecord {
  return JSON.parse(typeof blob === 'string' ? blob : inflateRawSync(blob).toString('utf8')) as OsvRecord;
}

export function encodeJson(value: unknown): Buffer {
  return deflateRawSync(Buffer.from(JSON.stringify(value)), { level: 6 });
}

export function decodeJson<T>(blob: Buffer | string): T {
  return JSON.parse(typeof blob === 'string' ? blob : inflateRawSync(blob).toString('utf8')) as T;
}
