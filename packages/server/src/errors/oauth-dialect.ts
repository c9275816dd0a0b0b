import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AntaraError } from './antara-error.js';

/**
 * The RFC 6749 §5.2 error body. `retryAfter` and `requestId` ride along on 429s, which no
 * OAuth error code describes, so a client can still back off as the envelope tells it to.
 */
export interface OAuthErrorBody {
  error: string;
  error_description: string;
  retryAfter?: number;
  requestId?: string;
}

/** OAuthErrorBody as a response schema, beside the envelope's ErrorSchema on OAuth routes. */
export const OAuthErrorSchema = Type.Object({
  error: Type.String(),
  error_description: Type.String(),
  retryAfter: Type.Optional(Type.Integer()),
  requestId: Type.Optional(Type.String()),
});

// Our codes whose RFC 6749 / 6750 name differs; every other code keeps its own name and
// status, so that invalid_client, invalid_grant, invalid_scope, unsupported_grant_type and
// friends pass through unchanged.
const RFC_NAMES: Readonly<Record<string, string>> = {
  invalid_json: 'invalid_request',
  unsupported_media_type: 'invalid_request',
  payload_too_large: 'invalid_request',
  internal_error: 'server_error',
  service_unavailable: 'temporarily_unavailable',
};

/**
 * True when the caller speaks the OAuth wire format rather than the Antara envelope: a
 * form-encoded body (what every OAuth client library sends to a token endpoint) or HTTP
 * Basic client authentication (CONTRACT §3).
 */
export function speaksOAuthWire(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  if (type?.toLowerCase().startsWith('application/x-www-form-urlencoded')) return true;
  return /^basic /i.test(request.headers.authorization ?? '');
}

export function oauthErrorBody(error: AntaraError, requestId: string): OAuthErrorBody {
  const body: OAuthErrorBody = {
    error: RFC_NAMES[error.code] ?? error.code,
    error_description: error.message,
  };
  if (error.extra.retryAfter !== undefined) {
    body.retryAfter = error.extra.retryAfter;
    body.requestId = requestId;
  }
  return body;
}

/**
 * Renders an error in the RFC 6749 §5.2 shape. A 401 always names the Basic scheme, as
 * §5.2 and RFC 9110 §15.5.2 require, unless the error brought its own challenge.
 */
export function sendOAuthError(error: AntaraError, request: FastifyRequest, reply: FastifyReply) {
  reply.status(error.status);
  reply.header('cache-control', 'no-store');
  reply.header('pragma', 'no-cache');
  if (error.extra.retryAfter !== undefined) reply.header('retry-after', String(error.extra.retryAfter));
  if (error.status === 401) reply.header('www-authenticate', 'Basic realm="antara", charset="UTF-8"');
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) reply.header(name, value);
  return reply
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(oauthErrorBody(error, request.id));
}
