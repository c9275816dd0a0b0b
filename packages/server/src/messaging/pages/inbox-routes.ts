import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import type { TypedApp } from '../../http/typed-app.js';
import { type Alert, noteAlert } from '../../pages/alert.js';
import { CsrfFieldSchema, csrfToken, requireCsrf } from '../../pages/csrf.js';
import { sendPage } from '../../pages/layout.js';
import { PAGE, PAGE_OR_REDIRECT, REDIRECT_RESPONSE } from '../../pages/page-schemas.js';
import { siteUser } from '../../pages/web-session.js';
import type { SessionWithUser } from '../../storage/repositories/user-sessions.js';
import type { Inbox } from '../inbox.js';
import { INBOX_PAGE } from '../policy.js';
import { AppIdParamsSchema, MessageIdParamsSchema, ReportReasonSchema } from '../schemas.js';
import { inboxListView, messageView, titleOf } from './inbox-views.js';

const DONE = {
  muted: 'The app is muted: its messages to you will be refused.',
  unmuted: 'The app is unmuted.',
  deleted: 'The message is deleted.',
  unread: 'The message is marked unread.',
  reported: 'Thank you. Your report is recorded.',
} as const;
type Done = keyof typeof DONE;
const DoneSchema = Type.Union((Object.keys(DONE) as Done[]).map((d) => Type.Literal(d)));
const alertFor = (done: Done | undefined): Alert | undefined => (done ? noteAlert(DONE[done]) : undefined);

const config = { errorDialect: 'html' as const };

/**
 * The inbox on the site, for a person signed in with the session cookie: GET /inbox (by app,
 * unread only) and GET /inbox/messages/:id (marks it read), with forms to mark unread,
 * delete, mute or unmute the app and report the message. Forms answer with a 303.
 */
export function registerInboxPages(app: TypedApp, ctx: AppContext, inbox: Inbox): void {
  async function signedIn(request: FastifyRequest, reply: FastifyReply): Promise<SessionWithUser | null> {
    const current = await siteUser(ctx, request);
    if (!current) {
      const next = request.method === 'GET' ? request.url : '/inbox';
      void reply.redirect(`/?next=${encodeURIComponent(next)}`, 303);
    }
    return current;
  }

  app.get(
    '/inbox',
    {
      config,
      schema: {
        ...PAGE,
        summary: 'Your messages, by app',
        querystring: Type.Object(
          {
            app: Type.Optional(Type.String({ maxLength: 64 })),
            unread: Type.Optional(Type.Literal('1')),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
            done: Type.Optional(DoneSchema),
          },
          { additionalProperties: false },
        ),
        response: PAGE_OR_REDIRECT,
      },
    },
    async (request, reply) => {
      const current = await signedIn(request, reply);
      if (!current) return reply;
      const { user } = current;
      const { app: appId, unread, cursor, done } = request.query;
      const filterApp = appId === undefined ? undefined : await inbox.findApp(appId);
      const [apps, muted, page] = await Promise.all([
        ctx.repos.messages.countByApp(user.id),
        ctx.repos.messageMutes.listByUser(user.id),
        inbox.list(user.id, {
          limit: INBOX_PAGE.defaultLimit,
          cursor,
          appId: filterApp?.id,
          unread: unread === '1',
        }),
      ]);
      const query = new URLSearchParams();
      if (filterApp) query.set('app', filterApp.id);
      if (unread) query.set('unread', '1');
      if (page.nextCursor) query.set('cursor', page.nextCursor);
      const csrf = csrfToken(ctx, request, reply);
      const body = inboxListView({
        csrf,
        apps,
        mutedAppIds: new Set(muted.map((m) => m.appId)),
        messages: page.messages,
        app: filterApp && { id: filterApp.id, name: filterApp.name },
        unreadOnly: unread === '1',
        olderHref: page.nextCursor ? `/inbox?${query}` : null,
        alert: alertFor(done),
      });
      return sendPage(reply, {
        title: filterApp ? `Messages from ${filterApp.name}` : 'Inbox',
        body,
        nav: { csrf, current: 'inbox' },
      });
    },
  );

  app.get(
    '/inbox/messages/:messageId',
    {
      config,
      schema: {
        ...PAGE,
        summary: 'One message; opening it marks it read',
        params: MessageIdParamsSchema,
        querystring: Type.Object({ done: Type.Optional(DoneSchema) }, { additionalProperties: false }),
        response: PAGE_OR_REDIRECT,
      },
    },
    async (request, reply) => {
      const current = await signedIn(request, reply);
      if (!current) return reply;
      const { user } = current;
      const item = await inbox.setRead(user.id, request.params.messageId, true);
      const appId = item.message.app_id;
      const [mutedAt, report] = await Promise.all([
        appId ? ctx.repos.messageMutes.find(user.id, appId) : undefined,
        ctx.repos.messageReports.findByMessageAndUser(item.message.id, user.id),
      ]);
      const csrf = csrfToken(ctx, request, reply);
      const body = messageView({
        csrf,
        item,
        muted: mutedAt !== undefined,
        reported: report !== undefined,
        alert: alertFor(request.query.done),
      });
      return sendPage(reply, { title: titleOf(item.message) || 'Message', body, nav: { csrf } });
    },
  );

  const formPost = { config, preValidation: requireCsrf(ctx) };
  const CsrfOnly = Type.Object({ _csrf: CsrfFieldSchema }, { additionalProperties: false });

  app.post(
    '/inbox/messages/:messageId/unread',
    {
      ...formPost,
      schema: { ...PAGE, params: MessageIdParamsSchema, body: CsrfOnly, response: REDIRECT_RESPONSE },
    },
    async (request, reply) => {
      const current = await signedIn(request, reply);
      if (!current) return reply;
      await inbox.setRead(current.user.id, request.params.messageId, false);
      return reply.redirect('/inbox?done=unread', 303);
    },
  );

  app.post(
    '/inbox/messages/:messageId/delete',
    {
      ...formPost,
      schema: { ...PAGE, params: MessageIdParamsSchema, body: CsrfOnly, response: REDIRECT_RESPONSE },
    },
    async (request, reply) => {
      const current = await signedIn(request, reply);
      if (!current) return reply;
      await inbox.remove(current.user.id, request.params.messageId);
      return reply.redirect('/inbox?done=deleted', 303);
    },
  );

  app.post(
    '/inbox/messages/:messageId/report',
    {
      ...formPost,
      schema: {
        ...PAGE,
        params: MessageIdParamsSchema,
        body: Type.Object(
          {
            _csrf: CsrfFieldSchema,
            reason: ReportReasonSchema,
            note: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: REDIRECT_RESPONSE,
      },
    },
    async (request, reply) => {
      const current = await signedIn(request, reply);
      if (!current) return reply;
      const { messageId } = request.params;
      await inbox.report(current.user.id, messageId, request.body.reason, request.body.note);
      return reply.redirect(`/inbox/messages/${messageId}?done=reported`, 303);
    },
  );

  for (const action of ['mute', 'unmute'] as const) {
    app.post(
      `/inbox/apps/:appId/${action}`,
      {
        ...formPost,
        schema: { ...PAGE, params: AppIdParamsSchema, body: CsrfOnly, response: REDIRECT_RESPONSE },
      },
      async (request, reply) => {
        const current = await signedIn(request, reply);
        if (!current) return reply;
        const found = await inbox.findApp(request.params.appId);
        if (action === 'mute') await inbox.mute(current.user.id, found.id);
        else await inbox.unmute(current.user.id, found.id);
        return reply.redirect(`/inbox?app=${found.id}&done=${action}d`, 303);
      },
    );
  }
}
