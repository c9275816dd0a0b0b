import { Type } from 'typebox';
import { requireAppToken } from '../../apps/authenticate-app.js';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { ok, responses } from '../../http/envelope.js';
import type { TypedApp } from '../../http/typed-app.js';
import { grantScopesOf } from '../../storage/repositories/grants.js';
import { presentAppIdentity } from '../app-identity.js';

const LookupSchema = Type.Object({
  userId: Type.String(),
  slug: Type.String(),
  alias: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Optional(Type.String()),
  trustLevel: Type.String(),
  verified: Type.Boolean(),
  status: Type.Literal('active'),
  scopes: Type.Array(Type.String()),
});

/**
 * `POST /app/v1/identity/lookup {userId}`: an app re-resolves the current slug and alias of a
 * person it knows by the per-app userId (after a slug rotation, say). Anyone without a live
 * grant to this app, and any other app's userId, is the same 404.
 */
export function registerIdentityLookupRoute(app: TypedApp, ctx: AppContext): void {
  app.post(
    '/app/v1/identity/lookup',
    {
      schema: {
        tags: ['app'],
        summary: 'The current slug, alias and trust of a person by their per-app userId',
        security: [{ bearer: [] }],
        body: Type.Object({ userId: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
        response: responses(200, LookupSchema),
      },
    },
    async (request, reply) => {
      const { app: caller } = await requireAppToken(ctx, request, 'identity.read', reply);
      const userId = request.body.userId.toLowerCase();
      const found = /^[0-9a-f-]{36}$/.test(userId)
        ? await ctx.repos.grants.findActiveForApp(userId, caller.id)
        : undefined;
      if (!found)
        throw new AntaraError('not_found', 'No person with this userId has a live grant to your app.');
      const scopes = grantScopesOf(found.grant);
      return ok(request, ctx.clock, {
        ...presentAppIdentity(found.grant, found.account, scopes),
        status: 'active' as const,
        scopes,
      });
    },
  );
}
