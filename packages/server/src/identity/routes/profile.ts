import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { ok, responses } from '../../http/envelope.js';
import type { TypedApp } from '../../http/typed-app.js';
import { requireUser } from '../authenticate.js';
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
      const { primarySlug, displayName } = request.body;
      if (primarySlug !== undefined && primarySlug !== user.primary_slug) {
        const holder = await ctx.repos.users.findByPrimarySlug(primarySlug);
        if (holder) throw new AntaraError('handle_taken');
      }
      let updated: Awaited<ReturnType<typeof ctx.repos.users.updateById>>;
      try {
        updated = await ctx.repos.users.updateById(user.id, {
          ...(primarySlug !== undefined ? { primary_slug: primarySlug } : {}),
          ...(displayName !== undefined ? { display_name: displayName.trim() } : {}),
          updated_at: ctx.clock.now(),
        });
      } catch (error) {
        // Two people racing for one handle: the unique index decides.
        if (/unique|duplicate/i.test((error as Error).message)) throw new AntaraError('handle_taken');
        throw error;
      }
      if (!updated) throw new AntaraError('invalid_token');
      return ok(request, ctx.clock, presentUser(updated));
    },
  );
}
