import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { clientIp } from '../../http/client-ip.js';
import { ok, responses } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { APP_RATES } from '../app-rates.js';
import { AppSessionSchema, ScopeNameSchema } from '../app-schemas.js';

/** `POST /auth/token/exchange {apiKey}`: an API key becomes a short-lived `aat_` token. */
export function registerTokenExchangeRoute(app: TypedApp, ctx: AppContext): void {
  app.post(
    '/auth/token/exchange',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Exchange an API key for a 10-minute aat_ app token',
        description:
          "Optional `scopes` (canonical or legacy names) narrow the token below the key's scopes; " +
          'asking for a scope the key lacks is 400 invalid_scope.',
        body: Type.Object(
          {
            apiKey: Type.String({ minLength: 1, maxLength: 512 }),
            scopes: Type.Optional(Type.Array(ScopeNameSchema, { maxItems: 10 })),
          },
          { additionalProperties: false },
        ),
        response: responses(200, AppSessionSchema),
      },
    },
    async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, APP_RATES.tokenPerIp, clientIp(request));
      const found = await ctx.appSessions.findKey(request.body.apiKey);
      if (!found) {
        throw new AntaraError(
          'invalid_client',
          'The API key is unknown, revoked, or not an antara_live_ key.',
        );
      }
      await enforceRate(ctx.rateLimiter, reply, APP_RATES.tokenPerKey, found.key.id);
      const session = await ctx.appSessions.issue(found.key, found.app, request.body.scopes);
      reply.header('cache-control', 'no-store');
      return ok(request, ctx.clock, session);
    },
  );
}
