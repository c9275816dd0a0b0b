import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { connectedAppsSection } from '../../grants/pages/connected-apps.js';
import type { TypedApp } from '../../http/typed-app.js';
import { changeProfile } from '../../identity/profile-changes.js';
import { DisplayNameSchema, HandleSchema } from '../../identity/schemas.js';
import type { UserRow } from '../../storage/repositories/users.js';
import { type Alert, errorAlert, noteAlert } from '../alert.js';
import { CsrfFieldSchema, csrfToken, requireCsrf } from '../csrf.js';
import { html } from '../html.js';
import { sendPage } from '../layout.js';
import { PAGE, PAGE_OR_REDIRECT, REDIRECT_RESPONSE } from '../page-schemas.js';
import { endWebSession, siteUser } from '../web-session.js';
import { presentAccount } from './account-presenter.js';
import { accountView } from './account-view.js';

const HANDLE_RULE =
  'A handle is 3 to 32 lower-case letters, digits or hyphens, and starts and ends with a letter or digit.';
const DISPLAY_NAME_RULE = 'A display name is 1 to 80 characters, without control characters.';

/** GET /account, POST /account/profile and POST /sign-out. */
export function registerAccountRoutes(app: TypedApp, ctx: AppContext): void {
  async function showAccount(
    request: FastifyRequest,
    reply: FastifyReply,
    user: UserRow,
    options: { form?: { displayName: string; primarySlug: string }; alert?: Alert; status?: number } = {},
  ) {
    const account = presentAccount(user);
    const form = options.form ?? { displayName: account.displayName, primarySlug: account.handle };
    const csrf = csrfToken(ctx, request, reply);
    // The "Connected apps" section belongs to the grants domain (src/grants/pages/).
    const body = html`${accountView({ account, csrf, form, alert: options.alert })}${await connectedAppsSection(ctx, request, user.id, csrf)}`;
    return sendPage(
      reply,
      { title: 'Your account', body, nav: { csrf, current: 'account' } },
      options.status,
    );
  }

  app.get(
    '/account',
    {
      config: { errorDialect: 'html' },
      schema: {
        ...PAGE,
        summary: 'The signed-in person: handle, display name, trust level',
        querystring: Type.Object({ saved: Type.Optional(Type.Literal('1')) }),
        response: PAGE_OR_REDIRECT,
      },
    },
    async (request, reply) => {
      const current = await siteUser(ctx, request);
      if (!current) return reply.redirect('/', 303);
      const alert = request.query.saved ? noteAlert('Your profile is saved.') : undefined;
      return showAccount(request, reply, current.user, { alert });
    },
  );

  app.post(
    '/account/profile',
    {
      config: { errorDialect: 'html' },
      preValidation: requireCsrf(ctx),
      schema: {
        ...PAGE,
        summary: 'Change the display name and primary handle (the rules of PATCH /me/v1/profile)',
        body: Type.Object(
          {
            _csrf: CsrfFieldSchema,
            displayName: Type.String({ maxLength: 320 }),
            primarySlug: Type.String({ maxLength: 320 }),
          },
          { additionalProperties: false },
        ),
        response: PAGE_OR_REDIRECT,
      },
    },
    async (request, reply) => {
      const current = await siteUser(ctx, request);
      if (!current) return reply.redirect('/', 303);
      const form = {
        displayName: request.body.displayName.trim(),
        primarySlug: request.body.primarySlug.trim().toLowerCase(),
      };
      const refuse = (message: string, status: number) =>
        showAccount(request, reply, current.user, { form, alert: errorAlert(message), status });
      if (!Value.Check(DisplayNameSchema, form.displayName)) return refuse(DISPLAY_NAME_RULE, 400);
      if (!Value.Check(HandleSchema, form.primarySlug)) return refuse(HANDLE_RULE, 400);
      try {
        await changeProfile(ctx.repos.users, ctx.clock, current.user, form);
      } catch (error) {
        if (error instanceof AntaraError && error.code === 'handle_taken') {
          return refuse(`The handle "${form.primarySlug}" is taken; pick another.`, 409);
        }
        throw error;
      }
      return reply.redirect('/account?saved=1', 303);
    },
  );

  app.post(
    '/sign-out',
    {
      config: { errorDialect: 'html' },
      preValidation: requireCsrf(ctx),
      schema: {
        ...PAGE,
        summary: 'End the session of this browser',
        body: Type.Object({ _csrf: CsrfFieldSchema }, { additionalProperties: false }),
        response: REDIRECT_RESPONSE,
      },
    },
    async (request, reply) => {
      await endWebSession(ctx, request, reply);
      return reply.redirect('/', 303);
    },
  );
}
