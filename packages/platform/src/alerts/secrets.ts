// Destination secrets at rest: sealed with AES-256-GCM when the server has an alert secret key, so a database dump
// alone does not hand out webhook secrets, SMTP passwords or chat robot URLs. Without a key they are stored as
// given (the schema's "sealed by the server" is then the operator's choice of disk encryption).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigError } from '@bulwark/core';

const PREFIX = 'sealed:v1:';

/** A key of at least 32 characters (e.g. `openssl rand -base64 32`); stretched to 256 bits with SHA-256. */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    if (secretKey.length < 32) throw new ConfigError('alerts.secretKey', 'expected at least 32 characters of random text');
    this.key = createHash('sha256').update(`bulwark-alert-secrets\0${secretKey}`).digest();
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
  }

  open(sealed: string): string {
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    } catch {
      throw new ConfigError('alerts.secretKey', 'a destination secret does not open with the configured key (was the key changed?)');
    }
  }
}

export function isSealed(v: unknown): v is string {
  return typeof v === 'string' && v.startsWith(PREFIX);
}

/** The config with its secret fields sealed (unchanged without a box). */
export function sealFields(config: Record<string, unknown>, fields: readonly string[], box: SecretBox | undefined): Record<string, unknown> {
  if (!box) return config;
  const out = { ...config };
  for (const f of fields) if (typeof out[f] === 'string' && !isSealed(out[f])) out[f] = box.seal(out[f] as string);
  return out;
}

/** The config with sealed fields opened; a sealed value without a box is a configuration error. */
export function openFields(config: Record<string, unknown>, box: SecretBox | undefined, what: string): Record<string, unknown> {
  const out = { ...config };
  for (const [k, v] of Object.entries(out)) {
    if (!isSealed(v)) continue;
    if (!box) throw new ConfigError('alerts.secretKey', `${what} has sealed secrets but no alert secret key is configured`);
    out[k] = box.open(v);
  }
  return out;
}
