import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { Envelope, ok, responses } from '../../http/envelope.js';
import type { TypedApp } from '../../http/typed-app.js';
import { requireUser } from '../../identity/authenticate.js';
import { toSeconds } from '../../lib/clock.js';
import { type Inbox, presentMessage, presentReport } from '../inbox.js';
import {
  AppIdParamsSchema,
  InboxMessageSchema,
  InboxQuerySchema,
  MessageIdParamsSchema,
  MutedAppSchema,
  MuteSchema,
  ReportBodySchema,
  ReportSchema,
} from '../schemas.js';

const security = [{ bearer: [] }];

/** `/me/v1/messages…` and `/me/v1/apps/:appId/mute`: the person's inbox over the API. */
export function registerInboxRoutes(app: TypedApp, ctx: AppContext, inbox: Inbox): void {
  app.get(
    '/me/v1/messages',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Your messages, newest first; filter by app or unread',
        security,
        querystring: InboxQuerySchema,
        response: responses(200, Type.Array(InboxMessageSchema)),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const { limit = 20, ...filters } = request.query;
      const { messages, nextCursor } = await inbox.list(user.id, { limit, ...filters });
      return ok(request, ctx.clock, messages.map(presentMessage), { nextCursor });
    },
  );

  app.get(
    '/me/v1/messages/:messageId',
    {
      schema: {
        tags: ['inbox'],
        summary: 'One of your messages (reading it does not mark it read)',
        security,
        params: MessageIdParamsSchema,
        response: responses(200, InboxMessageSchema),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      return ok(request, ctx.clock, presentMessage(await inbox.find(user.id, request.params.messageId)));
    },
  );

  app.patch(
    '/me/v1/messages/:messageId',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Mark a message read or unread',
        security,
        params: MessageIdParamsSchema,
        body: Type.Object({ read: Type.Boolean() }, { additionalProperties: false }),
        response: responses(200, InboxMessageSchema),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const updated = await inbox.setRead(user.id, request.params.messageId, request.body.read);
      return ok(request, ctx.clock, presentMessage(updated));
    },
  );

  app.delete(
    '/me/v1/messages/:messageId',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Delete a message from your inbox',
        security,
        params: MessageIdParamsSchema,
        response: responses(200, Type.Object({ messageId: Type.String(), deleted: Type.Literal(true) })),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      await inbox.remove(user.id, request.params.messageId);
      return ok(request, ctx.clock, { messageId: request.params.messageId, deleted: true as const });
    },
  );

  app.post(
    '/me/v1/messages/:messageId/report',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Report a message (once per message); kept for the trust model',
        security,
        params: MessageIdParamsSchema,
        body: ReportBodySchema,
        response: { ...responses(201, ReportSchema), 200: Envelope(ReportSchema) },
      },
    },
    async (request, reply) => {
      const { user } = await requireUser(ctx, request);
      const { reason, note } = request.body;
      const { report, created } = await inbox.report(user.id, request.params.messageId, reason, note);
      reply.status(created ? 201 : 200);
      return ok(request, ctx.clock, presentReport(report));
    },
  );

  app.post(
    '/me/v1/apps/:appId/mute',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Mute an app: its messages to you are refused (403 recipient_muted)',
        security,
        params: AppIdParamsSchema,
        response: responses(200, MuteSchema),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const app = await inbox.findApp(request.params.appId);
      const mutedAt = await inbox.mute(user.id, app.id);
      return ok(request, ctx.clock, { appId: app.id, muted: true, mutedAt: toSeconds(mutedAt) });
    },
  );

  app.delete(
    '/me/v1/apps/:appId/mute',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Unmute an app',
        security,
        params: AppIdParamsSchema,
        response: responses(200, MuteSchema),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const app = await inbox.findApp(request.params.appId);
      await inbox.unmute(user.id, app.id);
      return ok(request, ctx.clock, { appId: app.id, muted: false, mutedAt: null });
    },
  );

  app.get(
    '/me/v1/mutes',
    {
      schema: {
        tags: ['inbox'],
        summary: 'The apps you muted',
        security,
        response: responses(200, Type.Array(MutedAppSchema)),
      },
    },
    async (request) => {
      const { user } = await requireUser(ctx, request);
      const muted = await ctx.repos.messageMutes.listByUser(user.id);
      return ok(
        request,
        ctx.clock,
        muted.map((m) => ({ ...m, mutedAt: toSeconds(m.mutedAt) })),
        { nextCursor: null },
      );
    },
  );
}
