import { createHash } from 'node:crypto';

/** prev_hash of the first record of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  tenantId: number;
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  /** Canonical JSON text exactly as stored. */
  details: string;
  prevHash: string;
}

/** sha256 over every stored field of the record and the previous hash: changing, removing or reordering a record breaks the chain. */
export function auditHash(r: HashedFields): string {
  const canonical = JSON.stringify(['bulwark-audit-v1', r.tenantId, r.seq, r.at, r.actor, r.action, r.target, r.details, r.prevHash]);
  return createHash('sha256').update(canonical).digest('hex');
}
