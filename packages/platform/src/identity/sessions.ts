import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthResult } from '../server/auth.js';
import { sha256, type IdentityRepository, type User } from './repository.js';

export const SESSION_COOKIE = 'bulwark_session';
/** Readable by the console's scripts, which echo it in the `x-csrf-token` header (double submit, bound to the session). */
export const CSRF_COOKIE = 'bulwark_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CookieOptions {
  /** Send cookies with `Secure` (default true; browsers treat http://localhost as secure). */
  secure: boolean;
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function principalOf(user: User) {
  return {
    tenant: user.tenant,
    role: user.role,
    actor: `user:${user.id}`,
    userId: user.id,
    ...(user.assetGroups.length > 0 ? { assetGroups: user.assetGroups } : {}),
    via: 'session' as const,
  };
}

/**
 * Resolves the session cookie of a request without an Authorization header. Unsafe methods must carry the
 * session's CSRF token in `x-csrf-token`; cookies are also SameSite=Lax, so a cross-site form post carries none.
 */
export function sessionAuthenticator(repo: IdentityRepository) {
  return async (req: FastifyRequest): Promise<(AuthResult & { sessionId?: number }) | undefined> => {
    const token = req.cookies?.[SESSION_COOKIE];
    if (!token) return undefined;
    const s = await repo.resolveSession(token);
    if (!s) return { ok: false, message: 'session expired or signed out: log in again' };
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers[CSRF_HEADER];
      if (typeof header !== 'string' || header.length > 128 || !sameHash(sha256(header), s.csrfHash)) {
        return { ok: false, status: 403, message: `missing or wrong ${CSRF_HEADER} header: send the CSRF token given at login` };
      }
    }
    req.sessionId = s.sessionId;
    return { ok: true, principal: principalOf(s.user) };
  };
}

export function setSessionCookies(reply: FastifyReply, s: { token: string; csrf: string; expiresAt: string }, opts: CookieOptions): void {
  const expires = new Date(s.expiresAt);
  reply.setCookie(SESSION_COOKIE, s.token, { path: '/', httpOnly: true, secure: opts.secure, sameSite: 'lax', expires });
  reply.setCookie(CSRF_COOKIE, s.csrf, { path: '/', httpOnly: false, secure: opts.secure, sameSite: 'strict', expires });
}

export function clearSessionCookies(reply: FastifyReply, opts: CookieOptions): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure: opts.secure, sameSite: 'lax' });
  reply.clearCookie(CSRF_COOKIE, { path: '/', secure: opts.secure, sameSite: 'strict' });
}

declare module 'fastify' {
  interface FastifyRequest {
    sessionId?: number;
  }
}
