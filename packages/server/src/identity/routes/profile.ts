import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { ok, responses } from '../../http/envelope.js';
import type { TypedApp } from '../../http/typed-app.js';
import { requireUser } from '../authenticate.js';
import { changeProfile } from '../profile-changes.js';
import { DisplayNameSchema, HandleSchema, UserProfileSchema } from '../schemas.js';
import { presentUser } from '../user-profile.js';

export function registerProfileRoutes(app: TypedApp, ctx: AppContext): void {
  app.get(
    '/me/v1/profile',
    {
      schema: { tags: ['me'], summary: 'The signed-in person', response: responses(200, UserProfileSchema) },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      return ok(request, ctx.clock, presentUser(user));
    },
  );

  app.patch(
    '/me/v1/profile',
    {
      schema: {
        tags: ['me'],
        summary: 'Change the primary handle or display name',
        body: Type.Object(
          { primarySlug: Type.Optional(HandleSchema), displayName: Type.Optional(DisplayNameSchema) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: responses(200, UserProfileSchema),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const updated = await changeProfile(ctx.repos.users, ctx.clock, user, request.body);
      return ok(request, ctx.clock, presentUser(updated));
    },
  );
}
