import type { Migration } from '../storage/schema.js';

/** Login sessions, pending OIDC logins and per-account lockout (version 2). */
export const IDENTITY_MIGRATIONS: readonly Migration[] = [
  {
    version: 2,
    sql: `
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;
ALTER TABLE users ADD COLUMN last_login_at TEXT;

-- A browser session: the cookie carries a random secret, only its SHA-256 is stored, with the CSRF token's.
CREATE TABLE sessions (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  token_hash TEXT NOT NULL UNIQUE,
  csrf_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  revoked_at TEXT,
  ip TEXT,
  user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- An OIDC login between the redirect to the provider and its callback (state, nonce, PKCE verifier).
CREATE TABLE oidc_logins (
  state_hash TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  return_to TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
`,
  },
];
