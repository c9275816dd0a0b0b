import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../tokens/opaque-token.js';

/** RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is always 43 characters. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
export const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** The S256 challenge of a verifier (RFC 7636 §4.2). */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** Whether `verifier` is well formed and hashes to `challenge`. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  return CODE_VERIFIER.test(verifier) && constantTimeEqual(s256(verifier), challenge);
}
