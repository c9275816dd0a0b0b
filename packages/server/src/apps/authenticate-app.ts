import type { Scope } from '@antara/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import { bearerToken } from '../http/bearer.js';
import { enforceRate } from '../http/rate-limit.js';
import type { AppTokenWithApp } from '../storage/repositories/app-tokens.js';
import { APP_RATES } from './app-rates.js';
import { scopesOf } from './app-sessions.js';

/**
 * The one declared-scope check of every `/app/v1/*` route: a live `aat_` bearer holding
 * `scope`. Missing, malformed, expired or revoked is 401 invalid_token; a token without the
 * scope is 403 insufficient_scope naming it. Each token has its own rate budget
 * (APP_RATES.apiPerToken); pass the reply so that successes carry the RateLimit headers.
 *
 * @example const { app } = await requireAppToken(ctx, request, 'messages.send', reply);
 */
export async function requireAppToken(
  ctx: AppContext,
  request: FastifyRequest,
  scope: Scope,
  reply?: FastifyReply,
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
  await enforceRate(ctx.rateLimiter, reply, APP_RATES.apiPerToken, found.token.id);
  return found;
}
