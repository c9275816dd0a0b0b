import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { clientIp } from '../../http/client-ip.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { SIGN_IN_RATES } from '../../identity/routes/email-auth.js';
import { ChallengeIdSchema, EmailSchema } from '../../identity/schemas.js';
import { normalizeEmail } from '../../identity/user-profile.js';
import { errorAlert } from '../alert.js';
import { CsrfFieldSchema, csrfToken, requireCsrf } from '../csrf.js';
import { sendPage } from '../layout.js';
import { afterSignIn, NextPathSchema, safeNext } from '../next-path.js';
import { PAGE, PAGE_OR_REDIRECT, PAGE_RESPONSE } from '../page-schemas.js';
import { siteUser, startWebSession } from '../web-session.js';
import { type CodeFormModel, codeForm, type EmailFormModel, emailForm } from './sign-in-views.js';

const isError = (error: unknown, ...codes: string[]): error is AntaraError =>
  error instanceof AntaraError && codes.includes(error.code);

/** GET / (the email form), POST /sign-in (mail a code), POST /sign-in/verify (check it). */
export function registerSignInRoutes(app: TypedApp, ctx: AppContext): void {
  const emailPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    model: Omit<EmailFormModel, 'csrf'>,
    status = 200,
  ) =>
    sendPage(
      reply,
      { title: 'Sign in', body: emailForm({ csrf: csrfToken(ctx, request, reply), ...model }) },
      status,
    );
  const codePage = (
    request: FastifyRequest,
    reply: FastifyReply,
    model: Omit<CodeFormModel, 'csrf'>,
    status = 200,
  ) =>
    sendPage(
      reply,
      { title: 'Check your mail', body: codeForm({ csrf: csrfToken(ctx, request, reply), ...model }) },
      status,
    );

  app.get(
    '/',
    {
      config: { errorDialect: 'html' },
      schema: {
        ...PAGE,
        summary: 'The sign-in page, or a redirect for someone already signed in',
        querystring: Type.Object({ next: Type.Optional(NextPathSchema) }),
        response: PAGE_OR_REDIRECT,
      },
    },
    async (request, reply) => {
      const next = safeNext(request.query.next);
      if (await siteUser(ctx, request)) return reply.redirect(afterSignIn(next), 303);
      return emailPage(request, reply, { next });
    },
  );

  app.post(
    '/sign-in',
    {
      config: { errorDialect: 'html' },
      preValidation: requireCsrf(ctx),
      schema: {
        ...PAGE,
        summary: 'Mail a sign-in code and show the form for it',
        body: Type.Object(
          {
            _csrf: CsrfFieldSchema,
            email: Type.String({ maxLength: 320 }),
            next: Type.Optional(NextPathSchema),
          },
          { additionalProperties: false },
        ),
        response: PAGE_RESPONSE,
      },
    },
    async (request, reply) => {
      const next = safeNext(request.body.next);
      const email = request.body.email.trim();
      const again = (message: string, status: number) =>
        emailPage(request, reply, { email, next, alert: errorAlert(message) }, status);
      if (!Value.Check(EmailSchema, email)) return again('That does not look like an email address.', 400);
      try {
        await enforceRate(ctx.rateLimiter, reply, SIGN_IN_RATES.startPerIp, clientIp(request));
        await enforceRate(ctx.rateLimiter, reply, SIGN_IN_RATES.startPerAddress, normalizeEmail(email));
        const { challengeId } = await ctx.emailLogin.start(email, { next });
        return codePage(request, reply, { challengeId, email, next });
      } catch (error) {
        if (!isError(error, 'rate_limited')) throw error;
        const wait = error.extra.retryAfter ?? 60;
        reply.header('retry-after', String(wait));
        return again(
          `Please wait ${wait} second${wait === 1 ? '' : 's'} before asking for another code. ` +
            'If we sent you one a moment ago, it is already in your mail.',
          429,
        );
      }
    },
  );

  app.post(
    '/sign-in/verify',
    {
      config: { errorDialect: 'html' },
      preValidation: requireCsrf(ctx),
      schema: {
        ...PAGE,
        summary: 'Check the code, set the session cookie and go on',
        body: Type.Object(
          {
            _csrf: CsrfFieldSchema,
            challengeId: ChallengeIdSchema,
            email: Type.String({ maxLength: 320 }),
            code: Type.String({ maxLength: 32 }),
            next: Type.Optional(NextPathSchema),
          },
          { additionalProperties: false },
        ),
        response: PAGE_OR_REDIRECT,
      },
    },
    async (request, reply) => {
      const { challengeId, email } = request.body;
      const next = safeNext(request.body.next);
      const code = request.body.code.replace(/\s+/g, '');
      const retry = (message: string) =>
        codePage(request, reply, { challengeId, email, next, alert: errorAlert(message) }, 400);
      if (!/^[0-9]{6}$/.test(code)) return retry('Type the 6 digits from the mail.');
      await enforceRate(ctx.rateLimiter, reply, SIGN_IN_RATES.verifyPerIp, clientIp(request));
      try {
        const user = await ctx.emailLogin.verifyCodeForSite(challengeId, code);
        await startWebSession(ctx, request, reply, user);
        return reply.redirect(afterSignIn(next), 303);
      } catch (error) {
        if (isError(error, 'invalid_code')) return retry(error.message);
        if (!isError(error, 'code_expired', 'challenge_locked')) throw error;
        const alert = errorAlert(`${error.message} Ask for a new code below.`);
        return emailPage(request, reply, { email, next, alert }, 400);
      }
    },
  );
}
