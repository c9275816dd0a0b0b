import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { clientIp } from '../../http/client-ip.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { MagicQuerySchema, SIGN_IN_RATES } from '../../identity/routes/email-auth.js';
import { CsrfFieldSchema, csrfToken, requireCsrf } from '../csrf.js';
import { sendPage } from '../layout.js';
import { afterSignIn, NextPathSchema, safeNext } from '../next-path.js';
import { PAGE, PAGE_RESPONSE, REDIRECT_RESPONSE } from '../page-schemas.js';
import { startWebSession } from '../web-session.js';
import { magicConfirm } from './sign-in-views.js';

// One message for every dead link: the page does not say which part was wrong, and shows
// no address, so a guessed or stale link tells its holder nothing.
const deadLink = () =>
  new AntaraError(
    'code_expired',
    'This sign-in link has expired, was used already, or is not valid. Ask for a new code.',
  );

/**
 * GET /auth/email/magic, the link in the sign-in mail, asks "Sign in as …?" and changes
 * nothing; POST /auth/email/magic, the button on that page, signs the browser in.
 * Why two steps: mail scanners fetch every link of a mail before the person opens it, and a
 * link that signed in on GET would be spent (or worse, used) by the scanner.
 */
export function registerMagicLinkRoute(app: TypedApp, ctx: AppContext): void {
  app.get(
    '/auth/email/magic',
    {
      config: { errorDialect: 'html' },
      schema: {
        ...PAGE,
        summary: 'Open the magic link from the sign-in mail: a page that asks to confirm',
        // Extra query parameters are tolerated: mail clients like to append their own.
        querystring: Type.Object({ ...MagicQuerySchema.properties, next: Type.Optional(NextPathSchema) }),
        response: PAGE_RESPONSE,
      },
    },
    async (request, reply) => {
      const { challenge, token } = request.query;
      const next = safeNext(request.query.next);
      await enforceRate(ctx.rateLimiter, reply, SIGN_IN_RATES.verifyPerIp, clientIp(request));
      const pending = await ctx.emailLogin.checkMagic(challenge, token);
      if (!pending) throw deadLink();
      return sendPage(reply, {
        title: 'Confirm sign-in',
        body: magicConfirm({
          csrf: csrfToken(ctx, request, reply),
          challengeId: challenge,
          token,
          email: pending.email,
          next,
        }),
      });
    },
  );

  app.post(
    '/auth/email/magic',
    {
      config: { errorDialect: 'html' },
      preValidation: requireCsrf(ctx),
      schema: {
        ...PAGE,
        summary: 'Confirm the magic link: sign the browser in and go on',
        body: Type.Object(
          { _csrf: CsrfFieldSchema, ...MagicQuerySchema.properties, next: Type.Optional(NextPathSchema) },
          { additionalProperties: false },
        ),
        response: REDIRECT_RESPONSE,
      },
    },
    async (request, reply) => {
      const { challenge, token } = request.body;
      const next = safeNext(request.body.next);
      await enforceRate(ctx.rateLimiter, reply, SIGN_IN_RATES.verifyPerIp, clientIp(request));
      try {
        const user = await ctx.emailLogin.verifyMagic(challenge, token);
        await startWebSession(ctx, request, reply, user);
      } catch (error) {
        const dead =
          error instanceof AntaraError &&
          (error.code === 'invalid_code' ||
            error.code === 'code_expired' ||
            error.code === 'challenge_locked');
        throw dead ? deadLink() : error;
      }
      return reply.redirect(afterSignIn(next), 303);
    },
  );
}
