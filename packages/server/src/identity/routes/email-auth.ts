import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { clientIp } from '../../http/client-ip.js';
import { ok, responses } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { ChallengeIdSchema, EmailSchema, OpaqueTokenSchema, UserSessionSchema } from '../schemas.js';
import { normalizeEmail } from '../user-profile.js';

export const SIGN_IN_RATES = {
  startPerIp: { name: 'email-start:ip', limit: 20, windowMs: 10 * 60_000 },
  startPerAddress: { name: 'email-start:address', limit: 10, windowMs: 60 * 60_000 },
  verifyPerIp: { name: 'email-verify:ip', limit: 60, windowMs: 10 * 60_000 },
  exchangePerIp: { name: 'exchange-code:ip', limit: 60, windowMs: 10 * 60_000 },
} as const;

export function registerEmailAuthRoutes(app: TypedApp, ctx: AppContext): void {
  app.post(
    '/auth/email/start',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Send a 6-digit code and a magic link to an address',
        description:
          'Answers the same whether or not the address has an account. One mail per address per 60 s.',
        body: Type.Object({ email: EmailSchema }, { additionalProperties: false }),
        response: responses(
          200,
          Type.Object({ challengeId: Type.String(), expiresIn: Type.Integer(), resendAfter: Type.Integer() }),
        ),
      },
    },
    async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, SIGN_IN_RATES.startPerIp, clientIp(request));
      await enforceRate(
        ctx.rateLimiter,
        reply,
        SIGN_IN_RATES.startPerAddress,
        normalizeEmail(request.body.email),
      );
      return ok(request, ctx.clock, await ctx.emailLogin.start(request.body.email));
    },
  );

  app.post(
    '/auth/email/verify',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Check the 6-digit code; returns the one-time code for /auth/exchange-code',
        body: Type.Object(
          { challengeId: ChallengeIdSchema, code: Type.String({ pattern: '^[0-9]{6}$' }) },
          { additionalProperties: false },
        ),
        response: responses(200, Type.Object({ code: Type.String(), expiresIn: Type.Integer() })),
      },
    },
    async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, SIGN_IN_RATES.verifyPerIp, clientIp(request));
      const { code } = await ctx.emailLogin.verifyCode(request.body.challengeId, request.body.code);
      return ok(request, ctx.clock, { code, expiresIn: 120 });
    },
  );

  app.post(
    '/auth/exchange-code',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Exchange the verified code for a uat_ session',
        body: Type.Object({ code: OpaqueTokenSchema }, { additionalProperties: false }),
        response: responses(200, UserSessionSchema),
      },
    },
    async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, SIGN_IN_RATES.exchangePerIp, clientIp(request));
      const user = await ctx.emailLogin.consumeExchange(request.body.code);
      reply.header('cache-control', 'no-store');
      return ok(request, ctx.clock, await ctx.sessions.issue(user));
    },
  );
}

export const MagicQuerySchema = Type.Object({ challenge: ChallengeIdSchema, token: OpaqueTokenSchema });
