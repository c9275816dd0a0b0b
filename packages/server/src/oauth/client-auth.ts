import type { FastifyRequest } from 'fastify';
import { readClientCredentials } from '../apps/client-credentials.js';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import type { AppRow } from '../storage/repositories/apps.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const unknownClient = (message?: string) =>
  new AntaraError('invalid_client', message, {
    headers: { 'www-authenticate': 'Basic realm="antara", charset="UTF-8"' },
  });

/**
 * The app calling `/oauth/token`, `/oauth/introspect` or `/oauth/revoke`. Antara's apps are
 * public clients (PKCE, no secret): `client_id` alone names them (RFC 6749 §2.3, `none`).
 * An app may also authenticate with its API key as client secret, in the body or with HTTP
 * Basic; then a wrong secret is refused rather than ignored.
 */
export async function authenticateClient(
  ctx: AppContext,
  request: FastifyRequest,
  body: { client_id?: string; client_secret?: string } | null,
  { secretRequired = false }: { secretRequired?: boolean } = {},
): Promise<AppRow> {
  const hasBasic = /^basic\b/i.test(request.headers.authorization ?? '');
  if (hasBasic || body?.client_secret || secretRequired) {
    const credentials = readClientCredentials(request, body);
    const found = UUID.test(credentials.clientId)
      ? await ctx.appSessions.findKey(credentials.clientSecret, credentials.clientId.toLowerCase())
      : null;
    if (!found) throw unknownClient('The client_id and client_secret do not match a live API key.');
    return found.app;
  }
  const clientId = body?.client_id;
  if (!clientId || !UUID.test(clientId)) throw unknownClient('client_id is missing or is not an app id.');
  const app = await ctx.repos.apps.findById(clientId.toLowerCase());
  if (!app || app.moderation_state === 'disabled') throw unknownClient('No app has this client_id.');
  return app;
}
