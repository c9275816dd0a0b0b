import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { ok, responses } from '../../http/envelope.js';
import type { TypedApp } from '../../http/typed-app.js';
import { AppIdParamsSchema, AuditEntrySchema, PageQuerySchema } from '../app-schemas.js';
import { decodeCursor, pageOf } from '../cursor.js';
import { requireOwnedApp } from '../owned-app.js';
import { presentAudit } from '../presenters.js';

export function registerDevAuditRoutes(app: TypedApp, ctx: AppContext): void {
  app.get(
    '/dev/v1/apps/:appId/audit',
    {
      schema: {
        tags: ['developer'],
        summary: 'Who changed the app and its keys, and when; newest first',
        security: [{ bearer: [] }],
        params: AppIdParamsSchema,
        querystring: PageQuerySchema,
        response: responses(200, Type.Array(AuditEntrySchema)),
      },
    },
    async (request) => {
      const { app: found } = await requireOwnedApp(ctx, request, request.params.appId);
      const limit = request.query.limit ?? 50;
      const rows = await ctx.repos.auditLog.listByApp(
        found.id,
        limit + 1,
        decodeCursor(request.query.cursor),
      );
      const { page, nextCursor } = pageOf(rows, limit);
      return ok(request, ctx.clock, page.map(presentAudit), { nextCursor });
    },
  );
}
