import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Random } from '../lib/random.js';

/** An opaque credential as handed out (`token`) and as stored (`hash`). */
export interface MintedToken {
  token: string;
  hash: string;
}

/** prefix + 32 CSPRNG bytes in base64url (CONTRACT §2). */
export function mintToken(prefix: string, random: Random): MintedToken {
  const token = prefix + random.bytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** SHA-256 of the whole token, hex. Only this is stored; lookups go by it. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A token of this prefix with a plausible body; anything else is not looked up at all. */
export function looksLike(token: string, prefix: string): boolean {
  return token.startsWith(prefix) && /^[A-Za-z0-9_-]{32,128}$/.test(token.slice(prefix.length));
}

/** HMAC-SHA256 with the server secret, for short secrets such as 6-digit codes. */
export function keyedHash(secret: string, ...parts: string[]): string {
  return createHmac('sha256', secret).update(parts.join('\u0000')).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
