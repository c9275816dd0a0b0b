import { TOKEN_PREFIXES } from '@antara/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { OAuthErrorSchema, speaksOAuthWire } from '../../errors/oauth-dialect.js';
import { clientIp } from '../../http/client-ip.js';
import { Envelope, ErrorSchema, ok } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { hashToken, looksLike } from '../../tokens/opaque-token.js';
import { authenticateAccessToken } from '../access-token.js';
import { callerApp } from '../caller-app.js';
import { OAUTH_RATES } from '../rates.js';

const BodySchema = Type.Object(
  {
    token: Type.String({ maxLength: 512 }),
    token_type_hint: Type.Optional(Type.String({ maxLength: 64 })),
    client_id: Type.Optional(Type.String({ maxLength: 100 })),
    client_secret: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: true },
);

/**
 * `POST /oauth/revoke` (RFC 7009). An `oit_` token dies alone; an `ort_` token takes its
 * whole family (every access and refresh token from the same authorization) with it.
 * Unknown tokens, and tokens of other apps, get the same 200 and change nothing.
 */
export function registerRevokeRoute(app: TypedApp, ctx: AppContext): void {
  app.post(
    '/oauth/revoke',
    {
      config: { errorDialect: 'oauth' },
      schema: {
        tags: ['oauth'],
        summary: 'Revoke an oit_ or ort_ token of the calling app (RFC 7009)',
        body: BodySchema,
        response: {
          200: Type.Union([Envelope(Type.Object({})), Type.Object({})]),
          '4xx': Type.Union([ErrorSchema, OAuthErrorSchema]),
          '5xx': Type.Union([ErrorSchema, OAuthErrorSchema]),
        },
      },
    },
    async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, OAUTH_RATES.revokePerIp, clientIp(request));
      const caller = await callerApp(ctx, request, request.body, { allowPublic: true });
      const { token } = request.body;
      const now = ctx.clock.now();
      if (token.startsWith(TOKEN_PREFIXES.oauthIdentity)) {
        const live = await authenticateAccessToken(ctx, token);
        if (live && live.app.id === caller.id) await ctx.repos.oauthTokens.revokeAccess(live.token.id, now);
      } else if (looksLike(token, TOKEN_PREFIXES.oauthRefresh)) {
        const found = await ctx.repos.oauthTokens.findRefreshByHash(hashToken(token));
        if (found && found.family.app_id === caller.id)
          await ctx.repos.oauthTokens.revokeFamily(found.family.id, now);
      }
      reply.header('cache-control', 'no-store');
      return speaksOAuthWire(request) ? {} : ok(request, ctx.clock, {});
    },
  );
}
