import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { ok, responses } from '../../http/envelope.js';
import type { TypedApp } from '../../http/typed-app.js';
import { createApiKey, revokeApiKey } from '../api-keys.js';
import {
  ApiKeySchema,
  AppIdParamsSchema,
  CreatedApiKeySchema,
  KeyNameSchema,
  PageQuerySchema,
  ScopeNameSchema,
} from '../app-schemas.js';
import { decodeCursor, pageOf } from '../cursor.js';
import { requireOwnedApp } from '../owned-app.js';
import { presentKey } from '../presenters.js';

const security = [{ bearer: [] }];
const KeyParamsSchema = Type.Object({
  ...AppIdParamsSchema.properties,
  keyId: Type.String({ maxLength: 64 }),
});

/** `/dev/v1/apps/:appId/keys`: API keys, shown in full once, then only by prefix. */
export function registerDevKeyRoutes(app: TypedApp, ctx: AppContext): void {
  app.post(
    '/dev/v1/apps/:appId/keys',
    {
      schema: {
        tags: ['developer'],
        summary: 'Create an API key; the full antara_live_… key is in this response only',
        description:
          'Scopes default to every app scope (identity.read, messages.send, ai.chat); legacy names ' +
          'identify and message are accepted and stored canonically.',
        security,
        params: AppIdParamsSchema,
        // Why the null: a POST without a body (all defaults) reaches validation as null.
        body: Type.Union([
          Type.Object(
            {
              name: Type.Optional(KeyNameSchema),
              scopes: Type.Optional(Type.Array(ScopeNameSchema, { minItems: 1, maxItems: 10 })),
            },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
        response: responses(201, CreatedApiKeySchema),
      },
    },
    async (request, reply) => {
      const { user, app: found } = await requireOwnedApp(ctx, request, request.params.appId);
      const { key, apiKey } = await createApiKey(ctx, found, request.body ?? {}, {
        userId: user.id,
        via: 'api',
      });
      reply.status(201).header('cache-control', 'no-store');
      return ok(request, ctx.clock, { ...presentKey(key), apiKey });
    },
  );

  app.get(
    '/dev/v1/apps/:appId/keys',
    {
      schema: {
        tags: ['developer'],
        summary: 'The keys of an app, live and revoked, newest first',
        security,
        params: AppIdParamsSchema,
        querystring: PageQuerySchema,
        response: responses(200, Type.Array(ApiKeySchema)),
      },
    },
    async (request) => {
      const { app: found } = await requireOwnedApp(ctx, request, request.params.appId);
      const limit = request.query.limit ?? 50;
      const rows = await ctx.repos.apiKeys.listByApp(found.id, limit + 1, decodeCursor(request.query.cursor));
      const { page, nextCursor } = pageOf(rows, limit);
      return ok(request, ctx.clock, page.map(presentKey), { nextCursor });
    },
  );

  app.get(
    '/dev/v1/apps/:appId/keys/:keyId',
    {
      schema: {
        tags: ['developer'],
        summary: 'One key of an app (never its secret)',
        security,
        params: KeyParamsSchema,
        response: responses(200, ApiKeySchema),
      },
    },
    async (request) => {
      const { app: found } = await requireOwnedApp(ctx, request, request.params.appId);
      const key = await ctx.repos.apiKeys.findById(request.params.keyId);
      if (!key || key.app_id !== found.id) throw new AntaraError('not_found', 'No such API key.');
      return ok(request, ctx.clock, presentKey(key));
    },
  );

  app.delete(
    '/dev/v1/apps/:appId/keys/:keyId',
    {
      schema: {
        tags: ['developer'],
        summary: 'Revoke a key: it and every app token minted from it stop working at once',
        security,
        params: KeyParamsSchema,
        response: responses(200, ApiKeySchema),
      },
    },
    async (request) => {
      const { user, app: found } = await requireOwnedApp(ctx, request, request.params.appId);
      const key = await revokeApiKey(ctx, found, request.params.keyId, { userId: user.id, via: 'api' });
      return ok(request, ctx.clock, presentKey(key));
    },
  );
}
