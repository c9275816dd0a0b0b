import { Type } from 'typebox';
import { decodeCursor, encodeCursor } from '../../apps/cursor.js';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { ok, responses } from '../../http/envelope.js';
import type { TypedApp } from '../../http/typed-app.js';
import { requireUser } from '../../identity/authenticate.js';
import type { GrantRow } from '../../storage/repositories/grants.js';
import { AliasSchema, normalizeAlias } from '../app-identity.js';
import { renameAlias, revokeGrant, rotateSlug } from '../grant-changes.js';
import { PersonGrantSchema, presentPersonGrant } from '../present-grant.js';

const security = [{ bearer: [] }];
const AppIdParams = Type.Object({ appId: Type.String({ maxLength: 64 }) });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const noGrant = () => new AntaraError('not_found', 'You have no grant to this app.');

/** `/me/v1/grants`: the apps a person approved, and what they can change about each. */
export function registerMeGrantRoutes(app: TypedApp, ctx: AppContext): void {
  const deps = { db: ctx.storage.db, clock: ctx.clock, random: ctx.random };

  async function present(grant: GrantRow) {
    const owner = await ctx.repos.apps.findById(grant.app_id);
    if (!owner) throw noGrant();
    return presentPersonGrant(grant, owner);
  }
  const appIdOf = (raw: string) => {
    if (!UUID.test(raw)) throw noGrant();
    return raw.toLowerCase();
  };

  app.get(
    '/me/v1/grants',
    {
      schema: {
        tags: ['me'],
        summary: 'The apps you approved, oldest first, with the identity each one knows',
        security,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: responses(200, Type.Array(PersonGrantSchema)),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const limit = request.query.limit ?? 50;
      const rows = await ctx.repos.grants.listActiveByAccount(
        user.id,
        limit + 1,
        decodeCursor(request.query.cursor),
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const nextCursor = rows.length > limit && last ? encodeCursor(last.grant) : null;
      return ok(
        request,
        ctx.clock,
        page.map((row) => presentPersonGrant(row.grant, row.app)),
        { nextCursor },
      );
    },
  );

  app.get(
    '/me/v1/grants/:appId',
    {
      schema: {
        tags: ['me'],
        summary: 'Your grant to one app',
        security,
        params: AppIdParams,
        response: responses(200, PersonGrantSchema),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const grant = await ctx.repos.grants.findByAccountAndApp(user.id, appIdOf(request.params.appId));
      if (grant?.status !== 'active') throw noGrant();
      return ok(request, ctx.clock, await present(grant));
    },
  );

  app.patch(
    '/me/v1/grants/:appId',
    {
      schema: {
        tags: ['me'],
        summary: 'Rename the alias this app sees (null removes it)',
        description: 'The app is told with a permission.changed event (change "alias").',
        security,
        params: AppIdParams,
        body: Type.Object(
          { alias: Type.Union([AliasSchema, Type.Literal(''), Type.Null()]) },
          { additionalProperties: false },
        ),
        response: responses(200, PersonGrantSchema),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const grant = await renameAlias(
        deps,
        user.id,
        appIdOf(request.params.appId),
        normalizeAlias(request.body.alias),
      );
      return ok(request, ctx.clock, await present(grant));
    },
  );

  app.post(
    '/me/v1/grants/:appId/rotate-slug',
    {
      schema: {
        tags: ['me'],
        summary: 'Give this app a new slug for you; your userId with it stays',
        description:
          'The old slug stops reaching you at once. The app is told with a permission.changed event ' +
          '(change "slug") and can re-resolve the new slug with identity lookup.',
        security,
        params: AppIdParams,
        response: responses(200, PersonGrantSchema),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const grant = await rotateSlug(deps, user.id, appIdOf(request.params.appId));
      return ok(request, ctx.clock, await present(grant));
    },
  );

  app.delete(
    '/me/v1/grants/:appId',
    {
      schema: {
        tags: ['me'],
        summary: 'Revoke this app: every token it holds for you stops working at once',
        description: 'The app is told with a permission.changed event (change "revoked").',
        security,
        params: AppIdParams,
        response: responses(200, PersonGrantSchema),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const grant = await revokeGrant(deps, user.id, appIdOf(request.params.appId));
      return ok(request, ctx.clock, await present(grant));
    },
  );
}
