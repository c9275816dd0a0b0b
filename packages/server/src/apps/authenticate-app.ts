import type { Scope } from '@antara/protocol';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import { bearerToken } from '../http/bearer.js';
import type { AppTokenWithApp } from '../storage/repositories/app-tokens.js';
import { scopesOf } from './app-sessions.js';

/**
 * The one declared-scope check of every `/app/v1/*` route: a live `aat_` bearer holding
 * `scope`. Missing, malformed, expired or revoked is 401 invalid_token; a token without the
 * scope is 403 insufficient_scope naming it.
 */
export async function requireAppToken(
  ctx: AppContext,
  request: FastifyRequest,
  scope: Scope,
): Promise<AppTokenWithApp> {
  const token = bearerToken(request);
  const found = token ? await ctx.appSessions.authenticate(token) : null;
  if (!found) {
    throw new AntaraError('invalid_token', 'Send a live aat_ app token: Authorization: Bearer aat_…', {
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  }
  if (!scopesOf(found.token.scopes).includes(scope)) {
    throw new AntaraError('insufficient_scope', `This call needs the scope ${scope}.`, {
      details: { requiredScope: scope },
      headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
    });
  }
  return found;
}
