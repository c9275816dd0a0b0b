import type { FastifyReply, FastifyRequest } from 'fastify';
import { AntaraError } from '../errors/antara-error.js';
import { bearerToken } from '../http/bearer.js';

/** The person a message reaches, as the send path needs them. */
export interface Recipient {
  /** The person's account id: whose inbox the message lands in. */
  accountId: string;
  /** The id the sender knows the person by (for an app, the grant's userId). */
  userId: string;
  slug: string;
}

/**
 * Who sends a message. An app with an `aat_` token today; a capability token (`cap_`) is
 * another implementation of the same interface, added to the senders in register.ts.
 */
export interface Sender {
  kind: 'app' | 'capability';
  /** The app id or the capability token id. */
  id: string;
  /** Owner of Idempotency-Keys and of the sending budgets: `app:<id>` or `cap:<id>`. */
  scope: string;
  /** The app whose webhooks hear `message.delivered` and whose name the inbox shows. */
  appId: string | null;
  /**
   * The recipient `slug` reaches for this sender, or the documented refusal: 404
   * recipient_not_found, 403 grant_revoked, messages_not_granted or recipient_muted.
   */
  resolve(slug: string): Promise<Recipient>;
}

/** One kind of bearer token that may send, recognised by its prefix. */
export interface SenderKind {
  prefix: string;
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Sender>;
}

/**
 * The sender behind `Authorization: Bearer …`, by the token's prefix. Any other token (or
 * none) is 401 invalid_token; each kind throws its own 401/403 for a bad token of its kind.
 */
export function requireSender(
  kinds: readonly SenderKind[],
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Sender> {
  const token = bearerToken(request);
  const kind = token === undefined ? undefined : kinds.find((k) => token.startsWith(k.prefix));
  if (!kind) {
    const accepted = kinds.map((k) => `${k.prefix}…`).join(' or ');
    throw new AntaraError('invalid_token', `Send a live sender token: Authorization: Bearer ${accepted}`, {
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  }
  return kind.authenticate(request, reply);
}
