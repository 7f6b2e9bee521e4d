import { ConfigError, ExternalError } from '@bulwark/core';
import * as client from 'openid-client';
import type { Role } from '../storage/types.js';

/** One OpenID Connect provider users of a tenant log in with (authorization code flow, PKCE, state and nonce). */
export interface OidcOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** This server's callback: `https://bulwark.example/api/v1/auth/oidc/callback`. */
  redirectUri: string;
  /** Role of users created at their first OIDC login; without it only existing users (linked by verified e-mail) may log in. */
  provisionRole?: Role;
  /** Extra scopes besides `openid email profile`. */
  scopes?: string[];
}

export interface OidcClaims {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
}

function loopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** Thin wrapper over openid-client (panva's certified relying party) holding the discovered configuration. */
export class OidcClient {
  private config?: Promise<client.Configuration>;

  constructor(readonly opts: OidcOptions) {
    const issuer = new URL(opts.issuer);
    if (issuer.protocol !== 'https:' && !loopback(issuer)) throw new ConfigError('oidc.issuer', `expected an https:// issuer, got ${opts.issuer}`);
  }

  private configuration(): Promise<client.Configuration> {
    this.config ??= (async () => {
      const issuer = new URL(this.opts.issuer);
      // Plain http is accepted only for a provider on this machine (development and tests).
      const execute = issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [];
      try {
        return await client.discovery(issuer, this.opts.clientId, this.opts.clientSecret, undefined, { execute });
      } catch (err) {
        this.config = undefined;
        throw new ExternalError({ source: this.opts.issuer, message: `OIDC discovery failed: ${(err as Error).message}`, retryable: true, cause: err });
      }
    })();
    return this.config;
  }

  /** The provider URL to redirect the browser to, and the secrets to keep until the callback. */
  async start(): Promise<{ url: string; state: string; nonce: string; codeVerifier: string }> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.opts.redirectUri,
      scope: ['openid', 'email', 'profile', ...(this.opts.scopes ?? [])].join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Exchanges the callback's code; the ID token's signature, issuer, audience, nonce and expiry are checked. */
  async finish(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<OidcClaims> {
    const config = await this.configuration();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
    const c = tokens.claims();
    if (!c) throw new Error('the provider returned no ID token');
    // Providers may keep profile claims out of the ID token (OIDC Core 5.4): then ask the UserInfo endpoint.
    const info = typeof c.email === 'string' ? c : { ...(await client.fetchUserInfo(config, tokens.access_token, c.sub)), iss: c.iss };
    return {
      issuer: c.iss,
      subject: c.sub,
      email: typeof info.email === 'string' ? info.email : undefined,
      emailVerified: info.email_verified === true,
      name: typeof info.name === 'string' ? info.name : undefined,
    };
  }
}
