import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AppIdentitySchema } from '../../grants/app-identity.js';
import { clientIp } from '../../http/client-ip.js';
import { ok, responses } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { requireUser } from '../authenticate.js';
import { OpaqueTokenSchema, ScopeListSchema, UserProfileSchema, UserSessionSchema } from '../schemas.js';

const REFRESH_RATE = { name: 'refresh:ip', limit: 120, windowMs: 60_000 };
const INTROSPECT_RATE = { name: 'introspect:ip', limit: 6000, windowMs: 60_000 };

/**
 * Response of POST /auth/introspect. Inactive tokens answer only `active: false`;
 * domains that add token kinds add their optional fields here.
 */
export const IntrospectionSchema = Type.Object({
  active: Type.Boolean(),
  sessionType: Type.Optional(Type.String()),
  audience: Type.Optional(Type.String()),
  scopes: Type.Optional(ScopeListSchema),
  exp: Type.Optional(Type.Integer()),
  iat: Type.Optional(Type.Integer()),
  user: Type.Optional(UserProfileSchema),
  app: Type.Optional(Type.Object({ appId: Type.String(), name: Type.String() })),
  apiKey: Type.Optional(Type.Object({ keyId: Type.String(), prefix: Type.String() })),
  /** `oit_` tokens: the per-app identity the app knows (never the account's `user`). */
  identity: Type.Optional(AppIdentitySchema),
});

export function registerSessionAuthRoutes(app: TypedApp, ctx: AppContext): void {
  app.post(
    '/auth/refresh',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Rotate a urt_ refresh token into a new uat_ session',
        body: Type.Object({ refreshToken: OpaqueTokenSchema }, { additionalProperties: false }),
        response: responses(200, UserSessionSchema),
      },
    },
    async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, REFRESH_RATE, clientIp(request));
      reply.header('cache-control', 'no-store');
      return ok(request, ctx.clock, await ctx.sessions.refresh(request.body.refreshToken));
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'End the session of the bearer uat_ token (and its refresh token)',
        response: responses(200, Type.Object({ loggedOut: Type.Boolean() })),
      },
    },
    async (request) => {
      const { session } = await requireUser(ctx, request);
      await ctx.sessions.revoke(session.id);
      return ok(request, ctx.clock, { loggedOut: true });
    },
  );

  app.post(
    '/auth/introspect',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Is this token active, and what does it carry?',
        body: Type.Object({ token: Type.String({ maxLength: 512 }) }, { additionalProperties: false }),
        response: responses(200, IntrospectionSchema),
      },
    },
    async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, INTROSPECT_RATE, clientIp(request));
      const { token } = request.body;
      const introspector = ctx.introspectors.find((i) => token.startsWith(i.prefix));
      const result = introspector ? await introspector.introspect(token) : null;
      return ok(request, ctx.clock, result ?? { active: false });
    },
  );
}
