import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { InputError } from '@bulwark/core';

// scrypt from Node's own crypto: memory-hard (OWASP's parameters), no native add-on to build or download.
function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export interface PasswordCost {
  /** log2 of scrypt's N (CPU/memory cost); OWASP's minimum is 17 (128 MiB with r = 8). */
  ln: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet: N = 2^17, r = 8, p = 1. */
export const DEFAULT_PASSWORD_COST: Readonly<PasswordCost> = Object.freeze({ ln: 17, r: 8, p: 1 });

const KEY_LEN = 32;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{22,}={0,2})\$([A-Za-z0-9+/]{43,}={0,2})$/;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

function maxmem(c: PasswordCost): number {
  return 128 * c.r * (2 ** c.ln + c.p + 2) + 1024 * 1024;
}

/** A PHC-format string `$scrypt$ln=17,r=8,p=1$<salt>$<key>` (base64), with a fresh 16-byte salt. */
export async function hashPassword(password: string, cost: PasswordCost = DEFAULT_PASSWORD_COST): Promise<string> {
  checkPasswordPolicy(password);
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LEN, { N: 2 ** cost.ln, r: cost.r, p: cost.p, maxmem: maxmem(cost) });
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Compares in constant time; a malformed stored hash verifies nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH) return false;
  const m = PHC.exec(stored);
  if (!m) return false;
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.ln < 10 || cost.ln > 22 || cost.r < 1 || cost.p < 1) return false;
  const expected = Buffer.from(m[5], 'base64');
  const key = await scrypt(password, Buffer.from(m[4], 'base64'), expected.length, { N: 2 ** cost.ln, r: cost.r, p: cost.p, maxmem: maxmem(cost) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Whether a stored hash was made with weaker parameters than `cost` (then it is re-hashed at the next login). */
export function needsRehash(stored: string, cost: PasswordCost = DEFAULT_PASSWORD_COST): boolean {
  const m = PHC.exec(stored);
  return !m || Number(m[1]) < cost.ln || Number(m[2]) < cost.r;
}

/** NIST SP 800-63B: length, not composition rules. */
export function checkPasswordPolicy(password: unknown): asserts password is string {
  if (typeof password !== 'string') throw new InputError({ file: 'user', field: 'password', expected: 'a string' });
  const n = [...password].length;
  if (n < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new InputError({ file: 'user', field: 'password', expected: `${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters` });
  }
}

/** A password for a generated first admin: 24 random characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
