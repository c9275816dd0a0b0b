import { TOKEN_PREFIXES } from '@antara/protocol';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import { bearerToken } from '../http/bearer.js';
import type { AppRow } from '../storage/repositories/apps.js';
import { authenticateClient } from './client-auth.js';

/**
 * The app calling `/oauth/introspect` or `/oauth/revoke`: by `Bearer aat_…`, by its API key
 * as client secret, or (where `allowPublic`) by `client_id` alone.
 */
export async function callerApp(
  ctx: AppContext,
  request: FastifyRequest,
  body: { client_id?: string; client_secret?: string },
  { allowPublic }: { allowPublic: boolean },
): Promise<AppRow> {
  const bearer = bearerToken(request);
  if (bearer !== undefined) {
    const found = bearer.startsWith(TOKEN_PREFIXES.appAccess)
      ? await ctx.appSessions.authenticate(bearer)
      : null;
    if (!found) {
      throw new AntaraError('invalid_token', 'Send a live aat_ app token, or the client credentials.', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    if (body.client_id !== undefined && body.client_id.toLowerCase() !== found.app.id) {
      throw new AntaraError('invalid_client', 'client_id is not the app of the bearer token.');
    }
    return found.app;
  }
  return authenticateClient(ctx, request, body, { secretRequired: !allowPublic });
}
