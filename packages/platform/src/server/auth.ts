import { createHash } from 'node:crypto';
import type { Role, TenantId } from '../storage/types.js';
import type { Principal } from './context.js';

/** A bearer token given to the server at start (tokens issued through the store are accepted too). */
export interface StaticToken {
  /** The secret the client sends as `Authorization: Bearer <token>`: 16–512 visible ASCII characters. */
  token: string;
  tenant: TenantId;
  role: Role;
  /** Shown in the audit log as `token:<name>`; default the first 8 hex digits of the token's sha256. */
  name?: string;
}


const TOKEN_RE = /^[\x21-\x7e]{16,512}$/;

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A failure is 401 (who are you?) unless `status` says 403 (known caller, refused: a session without its CSRF token). */
export type AuthResult = { ok: true; principal: Principal } | { ok: false; message: string; status?: 401 | 403 };

/**
 * Keeps only sha256 digests and looks them up by digest, so a lookup's timing says nothing about
 * how much of a guess matched.
 */
export class TokenRegistry {
  private readonly byDigest = new Map<string, Principal>();

  constructor(tokens: readonly StaticToken[]) {
    for (const t of tokens) {
      if (!TOKEN_RE.test(t.token)) throw new Error(`token ${t.name ?? '(unnamed)'}: expected 16–512 visible ASCII characters`);
      const d = digest(t.token);
      if (this.byDigest.has(d)) throw new Error(`token ${t.name ?? '(unnamed)'}: listed twice`);
      this.byDigest.set(d, { tenant: t.tenant, role: t.role, actor: `token:${t.name ?? d.slice(0, 8)}`, via: 'token' });
    }
  }

  /** Static tokens first, then the store's issued tokens (`lookup`), which are checked for revocation and expiry. */
  async authenticate(header: string | undefined, lookup?: (token: string) => Promise<Principal | undefined>): Promise<AuthResult> {
    if (header === undefined || header === '') return { ok: false, message: 'missing Authorization header: expected "Bearer <token>"' };
    const m = /^Bearer ([^\s]+)$/i.exec(header);
    if (!m || !TOKEN_RE.test(m[1])) return { ok: false, message: 'malformed Authorization header: expected "Bearer <token>"' };
    const p = this.byDigest.get(digest(m[1])) ?? (lookup ? await lookup(m[1]) : undefined);
    if (!p) return { ok: false, message: 'invalid token' };
    return { ok: true, principal: p };
  }
}

/** Roles allowed to write: ingest scans (CI and agents use developer tokens) and change finding status. */
export const CAN_INGEST: readonly Role[] = ['admin', 'analyst', 'developer'];
export const CAN_TRIAGE: readonly Role[] = ['admin', 'analyst'];
/** Every role may read (auditors only read). */
export const READ_ROLES: readonly Role[] = ['admin', 'analyst', 'developer', 'auditor'];
/** Tenant administration: users, tokens, alert destinations, retention. */
export const ADMIN_ONLY: readonly Role[] = ['admin'];
