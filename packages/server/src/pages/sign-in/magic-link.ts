import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { clientIp } from '../../http/client-ip.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { MagicQuerySchema, SIGN_IN_RATES } from '../../identity/routes/email-auth.js';
import { afterSignIn, NextPathSchema, safeNext } from '../next-path.js';
import { PAGE, REDIRECT_RESPONSE } from '../page-schemas.js';
import { startWebSession } from '../web-session.js';

const DEAD_LINK = 'This sign-in link has expired, was used already, or is not valid. Ask for a new code.';

/** GET /auth/email/magic: the link in the sign-in mail. Signs the browser in and goes on. */
export function registerMagicLinkRoute(app: TypedApp, ctx: AppContext): void {
  app.get(
    '/auth/email/magic',
    {
      config: { errorDialect: 'html' },
      schema: {
        ...PAGE,
        summary: 'Open the magic link from the sign-in mail',
        // Extra query parameters are tolerated: mail clients like to append their own.
        querystring: Type.Object({ ...MagicQuerySchema.properties, next: Type.Optional(NextPathSchema) }),
        response: REDIRECT_RESPONSE,
      },
    },
    async (request, reply) => {
      const { challenge, token } = request.query;
      const next = safeNext(request.query.next);
      await enforceRate(ctx.rateLimiter, reply, SIGN_IN_RATES.verifyPerIp, clientIp(request));
      try {
        const user = await ctx.emailLogin.verifyMagic(challenge, token);
        await startWebSession(ctx, request, reply, user);
      } catch (error) {
        if (
          error instanceof AntaraError &&
          (error.code === 'invalid_code' ||
            error.code === 'code_expired' ||
            error.code === 'challenge_locked')
        ) {
          // One message for every dead link: the page does not say which part was wrong.
          throw new AntaraError('code_expired', DEAD_LINK);
        }
        throw error;
      }
      return reply.redirect(afterSignIn(next), 303);
    },
  );
}
