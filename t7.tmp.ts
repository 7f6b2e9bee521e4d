import { DEFAULT_LIMITS } from '@bulwark/core';
import { zipEntries } from './packages/vulndb/src/sources/archive.js';
import { encodeRecord } from './packages/vulndb/src/store/codec.js';
let t0 = Date.now(); let n = 0; const bufs: Buffer[] = [];
for await (const e of zipEntries('/work/shared/vulndb/osv/Go/all.zip', DEFAULT_LIMITS)) { n++; bufs.push(e.data); }
console.log('zip read', n, Date.now() - t0);
t0 = Date.now(); const recs = bufs.map((b) => JSON.parse(b.toString())); console.log('parse', Date.now() - t0);
t0 = Date.now(); for (const r of recs) encodeRecord(r); console.log('encode', Date.now() - t0);
