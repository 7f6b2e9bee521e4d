// One upload (tenant, scan, findings) as the messages that carry it: JSON, gzip, cut into parts that each fit the
// NATS server's max_payload. Pure apart from zlib and sha256; no NATS or SQL here.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { InputError, LimitError } from '@bulwark/core';
import type { FindingInput, ScanInput, TenantId } from '../storage/types.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Header names of an ingest message (NATS headers, case-insensitive on the wire). */
export const HEADERS = {
  tenant: 'Bulwark-Tenant',
  /** The scan id, URI-encoded (header values must stay on one line). */
  scan: 'Bulwark-Scan',
  /** "i/n", 0-based: "0/1" for an upload carried by one message. */
  part: 'Bulwark-Part',
  /** sha256 (hex) of the whole compressed upload: names this upload across its parts. */
  digest: 'Bulwark-Digest',
  /** Set on dead letters: why the worker gave up, and after how many deliveries. */
  error: 'Bulwark-Error',
  deliveries: 'Bulwark-Deliveries',
} as const;

/** Largest decompressed upload a worker accepts (V8 cannot hold a longer string anyway). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** What one upload carries once assembled. */
export interface ScanEnvelope {
  v: 1;
  tenant: TenantId;
  scan: ScanInput;
  findings: FindingInput[];
}

/** One message's worth of an upload. */
export interface ScanPart {
  tenant: TenantId;
  scanId: string;
  digest: string;
  /** 0 … count-1. */
  index: number;
  count: number;
  data: Uint8Array;
}

const FILE = 'ingest message';

/** Serializes, compresses and cuts an upload into parts of at most `maxPartBytes` bytes each (at least one part). */
export async function splitScan(tenant: TenantId, scan: ScanInput, findings: FindingInput[], maxPartBytes: number): Promise<ScanPart[]> {
  if (!Number.isInteger(maxPartBytes) || maxPartBytes < 1) throw new RangeError(`maxPartBytes must be a positive integer, got ${maxPartBytes}`);
  const envelope: ScanEnvelope = { v: 1, tenant, scan, findings };
  const packed = await gzipAsync(Buffer.from(JSON.stringify(envelope), 'utf8'), { level: 1 });
  const digest = createHash('sha256').update(packed).digest('hex');
  const count = Math.max(1, Math.ceil(packed.length / maxPartBytes));
  const parts: ScanPart[] = [];
  for (let i = 0; i < count; i++) {
    parts.push({ tenant, scanId: scan.id, digest, index: i, count, data: packed.subarray(i * maxPartBytes, (i + 1) * maxPartBytes) });
  }
  return parts;
}

/**
 * Joins the parts of one upload (any order, repeats allowed), checks they are complete and match their digest, and
 * returns the upload. A missing, foreign or corrupt part is an InputError: retrying cannot fix it.
 */
export async function assembleScan(parts: readonly ScanPart[], maxInflatedBytes = MAX_UPLOAD_BYTES): Promise<ScanEnvelope> {
  if (parts.length === 0) throw new InputError({ file: FILE, field: 'parts', expected: 'at least one part' });
  const { digest, count, tenant, scanId } = parts[0];
  const byIndex = new Map<number, ScanPart>();
  for (const p of parts) {
    if (p.digest !== digest || p.count !== count || p.tenant !== tenant || p.scanId !== scanId) {
      throw new InputError({ file: FILE, field: 'parts', message: `part ${p.index}/${p.count} of ${p.digest} mixed with parts of ${digest}` });
    }
    byIndex.set(p.index, p);
  }
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0 || byIndex.size !== count) {
    throw new InputError({ file: FILE, field: 'parts', message: `upload ${digest} is missing parts ${missing.join(', ')} of ${count}` });
  }
  const packed = Buffer.concat(Array.from({ length: count }, (_, i) => byIndex.get(i)!.data));
  const actual = createHash('sha256').update(packed).digest('hex');
  if (actual !== digest) throw new InputError({ file: FILE, field: HEADERS.digest, message: `upload ${digest} assembled to sha256 ${actual}` });
  let json: Buffer;
  try {
    json = await gunzipAsync(packed, { maxOutputLength: maxInflatedBytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new LimitError({ file: FILE, field: 'body', limit: `${maxInflatedBytes} bytes`, message: `upload ${digest} inflates past ${maxInflatedBytes} bytes` });
    }
    throw new InputError({ file: FILE, field: 'body', message: `upload ${digest} is not gzip: ${(e as Error).message}`, cause: e });
  }
  let env: unknown;
  try {
    env = JSON.parse(json.toString('utf8'));
  } catch (e) {
    throw new InputError({ file: FILE, field: 'body', message: `upload ${digest} is not JSON: ${(e as Error).message}`, cause: e });
  }
  const e = env as Partial<ScanEnvelope> | null;
  if (!e || typeof e !== 'object' || e.v !== 1 || !e.scan || typeof e.scan !== 'object' || !Array.isArray(e.findings)) {
    throw new InputError({ file: FILE, field: 'body', expected: '{v: 1, tenant, scan, findings[]}' });
  }
  if (e.tenant !== tenant || e.scan.id !== scanId) {
    throw new InputError({ file: FILE, field: 'body', message: `upload ${digest} holds tenant ${String(e.tenant)} scan "${String(e.scan.id)}", its headers say tenant ${tenant} scan "${scanId}"` });
  }
  return e as ScanEnvelope;
}

/** The headers that describe a part (values are single-line ASCII). */
export function partHeaders(p: ScanPart): Record<string, string> {
  return {
    [HEADERS.tenant]: String(p.tenant),
    [HEADERS.scan]: encodeURIComponent(p.scanId),
    [HEADERS.part]: `${p.index}/${p.count}`,
    [HEADERS.digest]: p.digest,
  };
}

/** The JetStream message id of a part: the stream drops a second publish of it within its duplicate window. */
export function partMessageId(p: Pick<ScanPart, 'digest' | 'index'>): string {
  return `${p.digest}.${p.index}`;
}

/** Reads a part back from a message's headers and body; an InputError names the header that is wrong. */
export function partFromMessage(header: (name: string) => string | undefined, data: Uint8Array): ScanPart {
  const get = (name: string, pattern: RegExp, expected: string): string => {
    const v = header(name);
    if (v === undefined || !pattern.test(v)) throw new InputError({ file: FILE, field: name, expected });
    return v;
  };
  const tenant = Number(get(HEADERS.tenant, /^[1-9]\d{0,15}$/, 'a tenant id'));
  let scanId: string;
  try {
    scanId = decodeURIComponent(get(HEADERS.scan, /^\S{1,3000}$/, 'a URI-encoded scan id'));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file: FILE, field: HEADERS.scan, expected: 'a URI-encoded scan id' });
  }
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(get(HEADERS.part, /^\d{1,6}\/\d{1,6}$/, '"i/n" with 0 <= i < n'));
  const index = Number(m![1]);
  const count = Number(m![2]);
  if (count < 1 || index >= count) throw new InputError({ file: FILE, field: HEADERS.part, expected: '"i/n" with 0 <= i < n' });
  const digest = get(HEADERS.digest, /^[0-9a-f]{64}$/, 'a sha256 in hex');
  return { tenant, scanId, digest, index, count, data };
}

/** Largest part body that, with its headers, stays under the server's max_payload. */
export function partBudget(maxPayload: number, scanId: string): number {
  const headers = Object.entries(partHeaders({ tenant: Number.MAX_SAFE_INTEGER, scanId, digest: '0'.repeat(64), index: 999_999, count: 999_999, data: new Uint8Array() }));
  // NATS/1.0 line, "Name: value\r\n" per header, Nats-Msg-Id, and slack for the client's own framing.
  const overhead = 12 + headers.reduce((n, [k, v]) => n + k.length + v.length + 4, 0) + 'Nats-Msg-Id: '.length + 64 + 12 + 256;
  return maxPayload - overhead;
}
