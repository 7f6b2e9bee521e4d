import { createHash, randomBytes } from 'node:crypto';
import { InputError } from '@bulwark/core';
import type { Row, SqlDriver, SqlConn } from '../storage/driver.js';
import { ROLES, type Role, type TenantId } from '../storage/types.js';
import { DEFAULT_PASSWORD_COST, hashPassword, needsRehash, verifyPassword, type PasswordCost } from './password.js';

export interface User {
  id: number;
  tenant: TenantId;
  email: string;
  name: string;
  role: Role;
  /** Asset groups the user is limited to; empty = the whole tenant. */
  assetGroups: number[];
  hasPassword: boolean;
  oidc?: { issuer: string; subject: string };
  createdAt: string;
  lastLoginAt?: string;
  disabledAt?: string;
}

export interface UserInput {
  email: string;
  name?: string;
  role: Role;
  /** Omit for OIDC-only users. */
  password?: string;
  assetGroups?: number[];
}

export interface UserUpdate {
  name?: string;
  role?: Role;
  disabled?: boolean;
  assetGroups?: number[];
  password?: string;
}

export interface SessionInfo {
  sessionId: number;
  user: User;
  csrfHash: string;
}

export interface IdentityOptions {
  passwordCost?: PasswordCost;
  /** Failed passwords in a row before the account locks; default 10. */
  maxFailedLogins?: number;
  /** How long a locked account stays locked; default 15 minutes. */
  lockoutMs?: number;
  /** Session lifetime; default 12 hours (idle sessions end after `idleMs`, default 2 hours). */
  sessionTtlMs?: number;
  idleMs?: number;
}

/** A tenant as its administrators see it (`GET /api/v1/tenants`). */
export interface TenantSummary {
  id: TenantId;
  /** Lowercase URL-safe name, unique, fixed at creation: "default", "team-blue". */
  slug: string;
  /** Display name; its admins may change it. */
  name: string;
  createdAt: string;
  /** Users of the tenant, disabled ones included. */
  users: number;
  /** Findings of the tenant with status open. */
  openFindings: number;
}

/** A new tenant and its first administrator. */
export interface TenantCreate {
  slug: string;
  name: string;
  admin: { email: string; name?: string };
}

export type LoginResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'locked' | 'disabled' };

const EMAIL = /^[^\s@]{1,128}@[^\s@]{1,253}$/;
const USER_COLS = 'id, tenant_id, email, name, role, password_hash, oidc_issuer, oidc_subject, created_at, disabled_at, last_login_at';

export function sha256(v: string): string {
  return createHash('sha256').update(v).digest('hex');
}

function fail(field: string, expected: string): never {
  throw new InputError({ file: 'user', field, expected });
}

function email(v: unknown): string {
  if (typeof v !== 'string' || !EMAIL.test(v)) fail('email', 'an e-mail address');
  return v.toLowerCase();
}

function role(v: unknown): Role {
  if (typeof v !== 'string' || !(ROLES as readonly string[]).includes(v)) fail('role', `one of ${ROLES.join(', ')}`);
  return v as Role;
}

function name(v: unknown, fallback: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || v.length === 0 || v.length > 256 || v.includes('\0')) fail('name', 'a name of 1–256 characters');
  return v;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

function tenantSlug(v: unknown): string {
  if (typeof v !== 'string' || !SLUG.test(v)) throw new InputError({ file: 'tenant', field: 'slug', expected: 'lowercase letters, digits and dashes (at most 63), starting with a letter or digit' });
  return v;
}

function tenantName(v: unknown): string {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > 256 || v.includes('\0')) throw new InputError({ file: 'tenant', field: 'name', expected: 'a name of 1–256 characters' });
  return v.trim();
}

function toSummary(r: Row): TenantSummary {
  return { id: Number(r.id), slug: r.slug as string, name: r.name as string, createdAt: r.created_at as string, users: Number(r.users), openFindings: Number(r.open_findings) };
}

// Counted per tenant through the (tenant_id, …) indexes of users and findings (findings_status_priority).
const TENANT_SUMMARY = `SELECT t.id, t.slug, t.name, t.created_at,
  (SELECT count(*) FROM users u WHERE u.tenant_id = t.id) AS users,
  (SELECT count(*) FROM findings f WHERE f.tenant_id = t.id AND f.status = 'open') AS open_findings
FROM tenants t`;

function groupIds(v: unknown): number[] {
  if (!Array.isArray(v) || v.length > 1000) fail('assetGroups', 'an array of at most 1000 asset group ids');
  return [...new Set(v.map((g, i) => (typeof g === 'number' && Number.isSafeInteger(g) && g > 0 ? g : fail(`assetGroups[${i}]`, 'a positive integer id'))))];
}

/**
 * Users, sessions and OIDC logins over the platform schema. Every read and write is tenant-scoped: a user id of
 * another tenant behaves as a missing one.
 */
export class IdentityRepository {
  private readonly cost: PasswordCost;
  private readonly maxFailed: number;
  private readonly lockoutMs: number;
  readonly sessionTtlMs: number;
  private readonly idleMs: number;
  private readonly dummyHash: string;

  constructor(
    private readonly db: SqlDriver,
    opts: IdentityOptions = {},
  ) {
    this.cost = opts.passwordCost ?? DEFAULT_PASSWORD_COST;
    this.maxFailed = opts.maxFailedLogins ?? 10;
    this.lockoutMs = opts.lockoutMs ?? 15 * 60_000;
    this.sessionTtlMs = opts.sessionTtlMs ?? 12 * 3600_000;
    this.idleMs = opts.idleMs ?? 2 * 3600_000;
    // Verified against when the account does not exist, so both paths cost one scrypt of the same parameters.
    this.dummyHash = `$scrypt$ln=${this.cost.ln},r=${this.cost.r},p=${this.cost.p}$${randomBytes(16).toString('base64')}$${randomBytes(32).toString('base64')}`;
  }

  private async toUser(conn: SqlConn, r: Row): Promise<User> {
    const groups = await conn.all<{ group_id: number }>('SELECT group_id FROM user_asset_groups WHERE user_id = ? ORDER BY group_id', [r.id as number]);
    return {
      id: Number(r.id),
      tenant: Number(r.tenant_id),
      email: r.email as string,
      name: r.name as string,
      role: r.role as Role,
      assetGroups: groups.map((g) => Number(g.group_id)),
      hasPassword: r.password_hash !== null,
      ...(r.oidc_issuer ? { oidc: { issuer: r.oidc_issuer as string, subject: r.oidc_subject as string } } : {}),
      createdAt: r.created_at as string,
      ...(r.last_login_at ? { lastLoginAt: r.last_login_at as string } : {}),
      ...(r.disabled_at ? { disabledAt: r.disabled_at as string } : {}),
    };
  }

  private async setGroups(tx: SqlConn, tenant: TenantId, userId: number, groups: number[]): Promise<void> {
    if (groups.length > 0) {
      const owned = await tx.all<{ id: number }>(`SELECT id FROM asset_groups WHERE tenant_id = ? AND id IN (${groups.map(() => '?').join(', ')})`, [tenant, ...groups]);
      const have = new Set(owned.map((o) => Number(o.id)));
      const missing = groups.find((g) => !have.has(g));
      if (missing !== undefined) throw new InputError({ file: 'user', field: 'assetGroups', message: `no asset group ${missing}` });
    }
    await tx.run('DELETE FROM user_asset_groups WHERE user_id = ?', [userId]);
    for (const g of groups) await tx.run('INSERT INTO user_asset_groups (user_id, group_id) VALUES (?, ?)', [userId, g]);
  }

  async createUser(tenant: TenantId, input: UserInput): Promise<User> {
    const e = email(input?.email);
    const r = role(input.role);
    const n = name(input.name, e);
    const groups = input.assetGroups === undefined ? [] : groupIds(input.assetGroups);
    const hash = input.password === undefined ? null : await hashPassword(input.password, this.cost);
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<Row>(
        `INSERT INTO users (tenant_id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, email) DO NOTHING RETURNING ${USER_COLS}`,
        [tenant, e, n, r, hash, new Date().toISOString()],
      );
      if (rows.length === 0) throw new InputError({ file: 'user', field: 'email', message: `a user ${e} already exists` });
      await this.setGroups(tx, tenant, Number(rows[0].id), groups);
      return this.toUser(tx, rows[0]);
    });
  }

  async getUser(tenant: TenantId, id: number): Promise<User | undefined> {
    const rows = await this.db.all<Row>(`SELECT ${USER_COLS} FROM users WHERE tenant_id = ? AND id = ?`, [tenant, id]);
    return rows[0] && this.toUser(this.db, rows[0]);
  }

  async listUsers(tenant: TenantId): Promise<User[]> {
    const rows = await this.db.all<Row>(`SELECT ${USER_COLS} FROM users WHERE tenant_id = ? ORDER BY id`, [tenant]);
    return Promise.all(rows.map((r) => this.toUser(this.db, r)));
  }

  async countUsers(tenant: TenantId): Promise<number> {
    const rows = await this.db.all<{ n: number }>('SELECT count(*) AS n FROM users WHERE tenant_id = ?', [tenant]);
    return Number(rows[0].n);
  }

  async updateUser(tenant: TenantId, id: number, change: UserUpdate): Promise<User | undefined> {
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    const set = (sql: string, v: string | null): void => {
      sets.push(sql);
      params.push(v);
    };
    if (change.name !== undefined) set('name = ?', name(change.name, ''));
    if (change.role !== undefined) set('role = ?', role(change.role));
    if (change.disabled !== undefined) set('disabled_at = ?', change.disabled ? new Date().toISOString() : null);
    if (change.password !== undefined) set('password_hash = ?, failed_logins = 0, locked_until = NULL', await hashPassword(change.password, this.cost));
    const groups = change.assetGroups === undefined ? undefined : groupIds(change.assetGroups);
    return this.db.transaction(async (tx) => {
      const exists = await tx.all('SELECT 1 AS x FROM users WHERE tenant_id = ? AND id = ?', [tenant, id]);
      if (exists.length === 0) return undefined;
      if (sets.length > 0) await tx.run(`UPDATE users SET ${sets.join(', ')} WHERE tenant_id = ? AND id = ?`, [...params, tenant, id]);
      if (groups !== undefined) await this.setGroups(tx, tenant, id, groups);
      // A disabled user, a new role, scope or password ends the user's sessions.
      if (change.disabled || change.role !== undefined || groups !== undefined || change.password !== undefined) {
        await tx.run('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [new Date().toISOString(), id]);
      }
      const rows = await tx.all<Row>(`SELECT ${USER_COLS} FROM users WHERE tenant_id = ? AND id = ?`, [tenant, id]);
      return this.toUser(tx, rows[0]);
    });
  }

  /**
   * Checks a password. Unknown accounts cost one scrypt too, so timing does not tell which e-mails exist; after
   * `maxFailedLogins` failures in a row the account locks for `lockoutMs`.
   */
  async login(tenant: TenantId, emailAddress: string, password: string, now = new Date()): Promise<LoginResult> {
    const e = typeof emailAddress === 'string' ? emailAddress.toLowerCase() : '';
    const rows = await this.db.all<Row>(`SELECT ${USER_COLS}, failed_logins, locked_until FROM users WHERE tenant_id = ? AND email = ?`, [tenant, e]);
    const r = rows[0];
    if (!r || r.password_hash === null) {
      await verifyPassword(password, this.dummyHash);
      return { ok: false, reason: 'invalid' };
    }
    if (r.locked_until && (r.locked_until as string) > now.toISOString()) return { ok: false, reason: 'locked' };
    const good = await verifyPassword(password, r.password_hash as string);
    if (!good) {
      const failed = Number(r.failed_logins) + 1;
      const lock = failed >= this.maxFailed ? new Date(now.getTime() + this.lockoutMs).toISOString() : null;
      await this.db.run('UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?', [lock ? 0 : failed, lock, r.id as number]);
      return { ok: false, reason: lock ? 'locked' : 'invalid' };
    }
    if (r.disabled_at) return { ok: false, reason: 'disabled' };
    const rehash = needsRehash(r.password_hash as string, this.cost) ? await hashPassword(password, this.cost) : null;
    await this.db.run(`UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?${rehash ? ', password_hash = ?' : ''} WHERE id = ?`, [
      now.toISOString(),
      ...(rehash ? [rehash] : []),
      r.id as number,
    ]);
    return { ok: true, user: await this.toUser(this.db, r) };
  }

  /** Starts a session; returns the cookie secret and the CSRF token (both shown once, stored hashed). */
  async createSession(user: User, meta: { ip?: string; userAgent?: string } = {}, now = new Date()): Promise<{ token: string; csrf: string; expiresAt: string }> {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.sessionTtlMs).toISOString();
    await this.db.run(
      'INSERT INTO sessions (tenant_id, user_id, token_hash, csrf_hash, created_at, expires_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [user.tenant, user.id, sha256(token), sha256(csrf), now.toISOString(), expiresAt, now.toISOString(), meta.ip?.slice(0, 64) ?? null, meta.userAgent?.slice(0, 512) ?? null],
    );
    return { token, csrf, expiresAt };
  }

  /** The live session of a cookie secret (not revoked, not expired, not idle, user enabled); refreshes last seen. */
  async resolveSession(token: string, now = new Date()): Promise<SessionInfo | undefined> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const idleCutoff = new Date(now.getTime() - this.idleMs).toISOString();
    const rows = await this.db.all<Row>(
      `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ? AND last_seen_at > ? RETURNING id, user_id, tenant_id, csrf_hash`,
      [now.toISOString(), sha256(token), now.toISOString(), idleCutoff],
    );
    if (rows.length === 0) return undefined;
    const user = await this.getUser(Number(rows[0].tenant_id), Number(rows[0].user_id));
    if (!user || user.disabledAt) return undefined;
    return { sessionId: Number(rows[0].id), user, csrfHash: rows[0].csrf_hash as string };
  }

  async revokeSession(sessionId: number): Promise<void> {
    await this.db.run('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [new Date().toISOString(), sessionId]);
  }

  // ------------------------------------------------------------------ tenants

  /**
   * The platform tenant: the first one created, i.e. the `default` tenant `bulwark server` bootstraps on an empty
   * store. Its admins are the platform's administrators (they list, create and rename every tenant).
   */
  async platformTenant(): Promise<TenantId | undefined> {
    const rows = await this.db.all<Row>('SELECT min(id) AS id FROM tenants');
    return rows[0]?.id === null || rows[0]?.id === undefined ? undefined : Number(rows[0].id);
  }

  /** Every tenant with its counts, oldest first; or only tenant `only` (empty when it does not exist). */
  async listTenants(only?: TenantId): Promise<TenantSummary[]> {
    const rows = only === undefined ? await this.db.all<Row>(`${TENANT_SUMMARY} ORDER BY t.id`) : await this.db.all<Row>(`${TENANT_SUMMARY} WHERE t.id = ?`, [only]);
    return rows.map(toSummary);
  }

  /**
   * Creates a tenant and its first admin (with this password) in one transaction; undefined when the slug is
   * taken. Input errors name the field: slug, name, admin.email, admin.name.
   */
  async createTenant(input: TenantCreate, password: string): Promise<{ tenant: TenantSummary; admin: User } | undefined> {
    const slug = tenantSlug(input?.slug);
    const tname = tenantName(input.name);
    let adminEmail: string;
    let adminName: string;
    try {
      adminEmail = email(input.admin?.email);
      adminName = name(input.admin.name, adminEmail);
    } catch (e) {
      if (e instanceof InputError) throw new InputError({ file: 'tenant', field: `admin.${e.field ?? 'email'}`, expected: e.expected, cause: e });
      throw e;
    }
    const hash = await hashPassword(password, this.cost);
    return this.db.transaction(async (tx) => {
      const now = new Date().toISOString();
      const t = await tx.all<Row>('INSERT INTO tenants (slug, name, created_at) VALUES (?, ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING id', [slug, tname, now]);
      if (t.length === 0) return undefined;
      const id = Number(t[0].id);
      const u = await tx.all<Row>(`INSERT INTO users (tenant_id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, 'admin', ?, ?) RETURNING ${USER_COLS}`, [id, adminEmail, adminName, hash, now]);
      const admin = await this.toUser(tx, u[0]);
      const summary = await tx.all<Row>(`${TENANT_SUMMARY} WHERE t.id = ?`, [id]);
      return { tenant: toSummary(summary[0]), admin };
    });
  }

  /** Changes a tenant's display name (its slug stays); undefined when there is no such tenant. */
  async renameTenant(id: TenantId, newName: string): Promise<TenantSummary | undefined> {
    const n = tenantName(newName);
    const changed = await this.db.all<Row>('UPDATE tenants SET name = ? WHERE id = ? RETURNING id', [n, id]);
    if (changed.length === 0) return undefined;
    return (await this.listTenants(id))[0];
  }

  // ------------------------------------------------------------------ OIDC

  async saveOidcLogin(state: string, v: { tenant: TenantId; nonce: string; codeVerifier: string; returnTo: string }, ttlMs = 10 * 60_000): Promise<void> {
    const now = new Date();
    await this.db.run('DELETE FROM oidc_logins WHERE expires_at < ?', [now.toISOString()]);
    await this.db.run('INSERT INTO oidc_logins (state_hash, tenant_id, nonce, code_verifier, return_to, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      sha256(state),
      v.tenant,
      v.nonce,
      v.codeVerifier,
      v.returnTo,
      now.toISOString(),
      new Date(now.getTime() + ttlMs).toISOString(),
    ]);
  }

  /** Returns and deletes a pending login: a state works once. */
  async takeOidcLogin(state: string): Promise<{ tenant: TenantId; nonce: string; codeVerifier: string; returnTo: string } | undefined> {
    const rows = await this.db.all<Row>('DELETE FROM oidc_logins WHERE state_hash = ? AND expires_at > ? RETURNING tenant_id, nonce, code_verifier, return_to', [
      sha256(state),
      new Date().toISOString(),
    ]);
    const r = rows[0];
    return r && { tenant: Number(r.tenant_id), nonce: r.nonce as string, codeVerifier: r.code_verifier as string, returnTo: r.return_to as string };
  }

  /**
   * The user an OIDC identity logs in as: the one linked to (issuer, subject); else the tenant's user with the
   * same verified e-mail, which gets linked; else a new user with `provisionRole` when given (just-in-time).
   */
  async oidcUser(
    tenant: TenantId,
    claims: { issuer: string; subject: string; email?: string; emailVerified?: boolean; name?: string },
    provisionRole?: Role,
  ): Promise<User | undefined> {
    return this.db.transaction(async (tx) => {
      const linked = await tx.all<Row>(`SELECT ${USER_COLS} FROM users WHERE oidc_issuer = ? AND oidc_subject = ?`, [claims.issuer, claims.subject]);
      let row: Row | undefined = linked[0];
      if (row && Number(row.tenant_id) !== tenant) return undefined;
      if (!row && claims.email && claims.emailVerified) {
        const e = claims.email.toLowerCase();
        const byEmail = await tx.all<Row>(`SELECT ${USER_COLS} FROM users WHERE tenant_id = ? AND email = ? AND oidc_issuer IS NULL`, [tenant, e]);
        if (byEmail[0]) {
          await tx.run('UPDATE users SET oidc_issuer = ?, oidc_subject = ? WHERE id = ?', [claims.issuer, claims.subject, byEmail[0].id as number]);
          row = byEmail[0];
        } else if (provisionRole) {
          const created = await tx.all<Row>(
            `INSERT INTO users (tenant_id, email, name, role, oidc_issuer, oidc_subject, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${USER_COLS}`,
            [tenant, e, (claims.name ?? e).slice(0, 256), provisionRole, claims.issuer, claims.subject, new Date().toISOString()],
          );
          row = created[0];
        }
      }
      if (!row || row.disabled_at) return undefined;
      await tx.run('UPDATE users SET last_login_at = ? WHERE id = ?', [new Date().toISOString(), row.id as number]);
      return this.toUser(tx, row);
    });
  }
}
