import { createHmac } from 'node:crypto';
import { TOKEN_PREFIXES } from '@antara/protocol';
import type { Random } from '../lib/random.js';

/** Bytes of entropy in a new signing secret (Standard Webhooks allows 24 to 64). */
export const SECRET_BYTES = 32;

/** A new `whsec_` secret: the prefix and base64 of random bytes, as Standard Webhooks libraries expect. */
export function newSigningSecret(random: Random): string {
  return TOKEN_PREFIXES.webhookSecret + random.bytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key inside a `whsec_` secret. */
export function secretKey(secret: string): Buffer {
  const body = secret.startsWith(TOKEN_PREFIXES.webhookSecret)
    ? secret.slice(TOKEN_PREFIXES.webhookSecret.length)
    : secret;
  return Buffer.from(body, 'base64');
}

/**
 * One `v1,<base64>` signature: HMAC-SHA256 over `id.timestamp.body`.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 */
export function sign(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${webhookId}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers; one signature per live secret. */
export function signedHeaders(
  secrets: readonly string[],
  webhookId: string,
  timestampSeconds: number,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => sign(s, webhookId, timestampSeconds, body)).join(' '),
  };
}
