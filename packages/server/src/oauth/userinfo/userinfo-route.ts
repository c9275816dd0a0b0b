import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { presentAppIdentity } from '../../grants/app-identity.js';
import { bearerToken } from '../../http/bearer.js';
import { clientIp } from '../../http/client-ip.js';
import { ErrorSchema } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { authenticateAccessToken, scopesOfToken } from '../access-token.js';
import { OAUTH_RATES } from '../rates.js';

const UserinfoSchema = Type.Object({
  sub: Type.String(),
  slug: Type.String(),
  alias: Type.Union([Type.String(), Type.Null()]),
  name: Type.Optional(Type.String()),
  trust_level: Type.String(),
  verified: Type.Boolean(),
});

/**
 * `GET|POST /oauth/userinfo` (OIDC Core §5.3) with `Bearer oit_…`: the per-app identity as
 * claims. `sub` is the grant's userId, the same `sub` as in the id_token.
 */
export function registerUserinfoRoute(app: TypedApp, ctx: AppContext): void {
  app.route({
    method: ['GET', 'POST'],
    url: '/oauth/userinfo',
    schema: {
      tags: ['oauth'],
      summary: 'Claims about the person behind an oit_ token (per-app identity only)',
      response: { 200: UserinfoSchema, '4xx': ErrorSchema, '5xx': ErrorSchema },
    },
    handler: async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, OAUTH_RATES.userinfoPerIp, clientIp(request));
      const token = bearerToken(request);
      const live = token ? await authenticateAccessToken(ctx, token) : null;
      if (!live) {
        throw new AntaraError('invalid_token', 'Send a live oit_ token: Authorization: Bearer oit_…', {
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
      const identity = presentAppIdentity(live.grant, live.account, scopesOfToken(live));
      reply.header('cache-control', 'no-store');
      return {
        sub: identity.userId,
        slug: identity.slug,
        alias: identity.alias,
        ...(identity.displayName !== undefined ? { name: identity.displayName } : {}),
        trust_level: identity.trustLevel,
        verified: identity.verified,
      };
    },
  });
}
