import { ExternalError } from '@bulwark/core';
import nodemailer from 'nodemailer';
import { plainText } from '../format.js';
import { defineDestination, MASK } from '../types.js';

export interface EmailConfig {
  host: string;
  port: number;
  /** 'tls': implicit TLS (port 465); 'starttls' (default): plain then STARTTLS, refused without it; 'none': never TLS. */
  security?: 'tls' | 'starttls' | 'none';
  username?: string;
  password?: string;
  from: string;
  to: string[];
}

const address = { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^\\s@<>,;"]+@[^\\s@<>,;"]+$', description: 'an email address (name@domain)' } as const;

/** nodemailer's codes for trouble a later attempt may not meet (network, timeouts, a garbled reply). */
const RETRYABLE_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROTOCOL', 'EMAXLIMIT', 'EPROXY']);

/** 4xx SMTP replies and connection trouble are retried; 5xx replies, refused credentials and TLS failures are final. */
function classify(e: unknown): boolean {
  const err = e as { responseCode?: number; code?: string };
  if (typeof err.responseCode === 'number') return err.responseCode < 500;
  return err.code !== undefined && RETRYABLE_CODES.has(err.code);
}

/** Email over SMTP (nodemailer), plain text. */
export const email = defineDestination<EmailConfig>({
  kind: 'email',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'port', 'from', 'to'],
    properties: {
      host: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$', description: 'a host name or IP address' },
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      security: { type: 'string', enum: ['tls', 'starttls', 'none'] },
      username: { type: 'string', minLength: 1, maxLength: 320 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      from: address,
      to: { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: address },
    },
  },
  secretFields: ['password'],
  mask(c) {
    return c.password === undefined ? { ...c } : { ...c, password: MASK };
  },
  async send(c, alert, ctx) {
    const security = c.security ?? 'starttls';
    const transport = nodemailer.createTransport({
      host: c.host,
      port: c.port,
      secure: security === 'tls',
      requireTLS: security === 'starttls',
      ignoreTLS: security === 'none',
      auth: c.username === undefined ? undefined : { user: c.username, pass: c.password ?? '' },
      connectionTimeout: ctx.timeoutMs,
      greetingTimeout: ctx.timeoutMs,
      socketTimeout: ctx.timeoutMs,
    });
    try {
      await transport.sendMail({
        from: c.from,
        to: c.to,
        subject: alert.title.replace(/[\r\n]+/g, ' ').slice(0, 250),
        text: plainText(alert, 200),
        headers: ctx.deliveryId === undefined ? {} : { 'X-Bulwark-Delivery': String(ctx.deliveryId) },
      });
    } catch (e) {
      throw new ExternalError({ source: `email ${c.host}:${c.port}`, message: (e as Error).message, retryable: classify(e), cause: e });
    } finally {
      transport.close();
    }
  },
});
