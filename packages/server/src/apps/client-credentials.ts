import type { FastifyRequest } from 'fastify';
import { AntaraError, invalidRequest } from '../errors/antara-error.js';

/** A client id and secret, and how the client sent them (RFC 6749 §2.3.1). */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  method: 'client_secret_basic' | 'client_secret_post';
}

const BASIC = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i;

const failed = (message: string) =>
  new AntaraError('invalid_client', message, {
    headers: { 'www-authenticate': 'Basic realm="antara", charset="UTF-8"' },
  });

/** application/x-www-form-urlencoded decoding, which RFC 6749 §2.3.1 applies inside Basic. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    throw failed('The HTTP Basic credentials are not properly percent-encoded.');
  }
}

/**
 * Reads client credentials from HTTP Basic or from the body's `client_id` and
 * `client_secret`, never both (RFC 6749 §2.3). Nothing usable is 401 invalid_client, since
 * no client authenticated. Empty body values count as absent (RFC 6749 §3.2).
 */
export function readClientCredentials(
  request: FastifyRequest,
  body: { client_id?: string | undefined; client_secret?: string | undefined } | null,
): ClientCredentials {
  const bodyId = body?.client_id || undefined;
  const bodySecret = body?.client_secret || undefined;
  const header = request.headers.authorization;
  if (header !== undefined && /^basic\b/i.test(header)) {
    const match = BASIC.exec(header);
    const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0)
      throw failed('The HTTP Basic credentials are malformed; send base64(client_id:client_secret).');
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (bodySecret !== undefined) {
      throw invalidRequest('Send the client secret once: in HTTP Basic or in the body, not both.');
    }
    if (bodyId !== undefined && bodyId !== clientId) {
      throw invalidRequest('client_id in the body differs from the one in HTTP Basic.');
    }
    return { clientId, clientSecret, method: 'client_secret_basic' };
  }
  if (bodyId === undefined || bodySecret === undefined) {
    throw failed('Send client_id and client_secret (the API key), in the body or with HTTP Basic.');
  }
  return { clientId: bodyId, clientSecret: bodySecret, method: 'client_secret_post' };
}
