import { createHash } from 'node:crypto';
import { AntaraError, invalidRequest } from '../errors/antara-error.js';
import type { MessageContent } from './message-input.js';
import { MESSAGE_LIMITS } from './policy.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The `Idempotency-Key` header: required (400 idempotency_key_required when missing or
 * empty), at most 255 printable ASCII characters (400 invalid_request otherwise).
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header.join(', ') : header;
  const key = value?.trim();
  if (!key) throw new AntaraError('idempotency_key_required');
  if (key.length > MESSAGE_LIMITS.idempotencyKeyMaxLength) {
    throw invalidRequest(
      `The Idempotency-Key is longer than ${MESSAGE_LIMITS.idempotencyKeyMaxLength} characters.`,
    );
  }
  if (!PRINTABLE_ASCII.test(key)) {
    throw invalidRequest('The Idempotency-Key may hold printable ASCII characters only (a UUID works).');
  }
  return key;
}

/**
 * The fingerprint of a send request: SHA-256 of its canonical content, so `{slug}` and the
 * equivalent `{to}` are the same request, and key order or a blank subject do not matter.
 */
export function fingerprintOf(content: MessageContent): string {
  return createHash('sha256')
    .update(JSON.stringify([content.slug, content.subject, content.body]))
    .digest('hex');
}

export const inProgress = () =>
  new AntaraError('idempotency_request_in_progress', undefined, { headers: { 'retry-after': '1' } });
export const reused = () => new AntaraError('idempotency_key_reused');
