import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { ok, responses } from '../../http/envelope.js';
import type { TypedApp } from '../../http/typed-app.js';
import { requireUser } from '../../identity/authenticate.js';
import { createApp, deleteApp, updateApp } from '../app-registry.js';
import {
  AppIdParamsSchema,
  AppNameSchema,
  AppSchema,
  HomepageUrlSchema,
  RedirectUrisSchema,
} from '../app-schemas.js';
import { requireOwnedApp } from '../owned-app.js';
import { presentApp } from '../presenters.js';

const security = [{ bearer: [] }];

/** `/dev/v1/apps`: a developer registers, lists, reads, changes and deletes their apps. */
export function registerDevAppRoutes(app: TypedApp, ctx: AppContext): void {
  app.post(
    '/dev/v1/apps',
    {
      schema: {
        tags: ['developer'],
        summary: 'Register an app; its appId is also its OAuth client_id',
        security,
        body: Type.Object(
          {
            name: AppNameSchema,
            redirectUris: RedirectUrisSchema,
            homepageUrl: Type.Optional(Type.Union([HomepageUrlSchema, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: responses(201, AppSchema),
      },
    },
    async (request, reply) => {
      const { user } = await requireUser(ctx, request);
      const created = await createApp(ctx, user, request.body, { userId: user.id, via: 'api' });
      reply.status(201);
      return ok(request, ctx.clock, presentApp(created));
    },
  );

  app.get(
    '/dev/v1/apps',
    {
      schema: {
        tags: ['developer'],
        summary: 'The apps you own, oldest first (at most 50, so one page)',
        security,
        response: responses(200, Type.Array(AppSchema)),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const apps = await ctx.repos.apps.listByOwner(user.id);
      return ok(request, ctx.clock, apps.map(presentApp), { nextCursor: null });
    },
  );

  app.get(
    '/dev/v1/apps/:appId',
    {
      schema: {
        tags: ['developer'],
        summary: 'One of your apps',
        security,
        params: AppIdParamsSchema,
        response: responses(200, AppSchema),
      },
    },
    async (request) => {
      const { app: found } = await requireOwnedApp(ctx, request, request.params.appId);
      return ok(request, ctx.clock, presentApp(found));
    },
  );

  app.patch(
    '/dev/v1/apps/:appId',
    {
      schema: {
        tags: ['developer'],
        summary: 'Change the name, redirect URIs (replaced as a whole) or homepage (null clears it)',
        security,
        params: AppIdParamsSchema,
        body: Type.Object(
          {
            name: Type.Optional(AppNameSchema),
            redirectUris: Type.Optional(RedirectUrisSchema),
            homepageUrl: Type.Optional(Type.Union([HomepageUrlSchema, Type.Null()])),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: responses(200, AppSchema),
      },
    },
    async (request) => {
      const { user, app: found } = await requireOwnedApp(ctx, request, request.params.appId);
      const updated = await updateApp(ctx, found, request.body, { userId: user.id, via: 'api' });
      return ok(request, ctx.clock, presentApp(updated));
    },
  );

  app.delete(
    '/dev/v1/apps/:appId',
    {
      schema: {
        tags: ['developer'],
        summary: 'Delete an app: every key, app token and grant it holds stops working at once',
        security,
        params: AppIdParamsSchema,
        response: responses(200, Type.Object({ appId: Type.String(), deleted: Type.Literal(true) })),
      },
    },
    async (request) => {
      const { user, app: found } = await requireOwnedApp(ctx, request, request.params.appId);
      await deleteApp(ctx, found, { userId: user.id, via: 'api' });
      return ok(request, ctx.clock, { appId: found.id, deleted: true as const });
    },
  );
}
