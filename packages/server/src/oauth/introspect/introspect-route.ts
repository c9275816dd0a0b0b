import { TOKEN_PREFIXES } from '@antara/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { OAuthErrorSchema, speaksOAuthWire } from '../../errors/oauth-dialect.js';
import { clientIp } from '../../http/client-ip.js';
import { Envelope, ErrorSchema, ok } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { toSeconds } from '../../lib/clock.js';
import type { AppRow } from '../../storage/repositories/apps.js';
import { hashToken, looksLike } from '../../tokens/opaque-token.js';
import { authenticateAccessToken, scopesOfToken } from '../access-token.js';
import { callerApp } from '../caller-app.js';
import { issuerOf } from '../issuer.js';
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

/** RFC 7662 §2.2. An inactive token is exactly `{active: false}`. */
const IntrospectionSchema = Type.Object({
  active: Type.Boolean(),
  scope: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  token_type: Type.Optional(Type.String()),
  exp: Type.Optional(Type.Integer()),
  iat: Type.Optional(Type.Integer()),
  sub: Type.Optional(Type.String()),
  aud: Type.Optional(Type.String()),
  iss: Type.Optional(Type.String()),
  slug: Type.Optional(Type.String()),
});

type Introspection = { active: boolean } & Record<string, unknown>;

async function introspect(ctx: AppContext, caller: AppRow, token: string): Promise<Introspection> {
  const inactive = { active: false };
  if (token.startsWith(TOKEN_PREFIXES.oauthIdentity)) {
    const live = await authenticateAccessToken(ctx, token);
    if (!live || live.app.id !== caller.id) return inactive;
    return {
      active: true,
      scope: scopesOfToken(live).join(' '),
      client_id: live.app.id,
      token_type: 'Bearer',
      exp: toSeconds(live.token.expires_at),
      iat: toSeconds(live.token.created_at),
      sub: live.grant.id,
      aud: live.app.id,
      iss: issuerOf(ctx.config),
      slug: live.grant.slug,
    };
  }
  if (looksLike(token, TOKEN_PREFIXES.oauthRefresh)) {
    const found = await ctx.repos.oauthTokens.findRefreshByHash(hashToken(token));
    const now = ctx.clock.now();
    if (
      !found ||
      found.family.app_id !== caller.id ||
      found.family.revoked_at !== null ||
      found.refresh.used_at !== null ||
      found.refresh.expires_at <= now
    ) {
      return inactive;
    }
    const grant = await ctx.repos.grants.findById(found.family.grant_id);
    if (grant?.status !== 'active') return inactive;
    return {
      active: true,
      scope: (JSON.parse(found.family.scopes) as string[]).join(' '),
      client_id: caller.id,
      token_type: 'refresh_token',
      exp: toSeconds(found.refresh.expires_at),
      iat: toSeconds(found.refresh.created_at),
      sub: grant.id,
      aud: caller.id,
      iss: issuerOf(ctx.config),
      slug: grant.slug,
    };
  }
  return inactive;
}

/**
 * `POST /oauth/introspect` (RFC 7662) for an app's own `oit_` and `ort_` tokens. The caller
 * authenticates with `Bearer aat_…` or its API key; a token of another app, like any token
 * that is not live, is `{"active": false}` and nothing more.
 */
export function registerIntrospectRoute(app: TypedApp, ctx: AppContext): void {
  app.post(
    '/oauth/introspect',
    {
      config: { errorDialect: 'oauth' },
      schema: {
        tags: ['oauth'],
        summary: 'Token introspection for the app that holds the token (RFC 7662)',
        body: BodySchema,
        response: {
          200: Type.Union([Envelope(IntrospectionSchema), IntrospectionSchema]),
          '4xx': Type.Union([ErrorSchema, OAuthErrorSchema]),
          '5xx': Type.Union([ErrorSchema, OAuthErrorSchema]),
        },
      },
    },
    async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, OAUTH_RATES.introspectPerIp, clientIp(request));
      const caller = await callerApp(ctx, request, request.body, { allowPublic: false });
      const result = await introspect(ctx, caller, request.body.token);
      reply.header('cache-control', 'no-store');
      return speaksOAuthWire(request) ? result : ok(request, ctx.clock, result);
    },
  );
}
