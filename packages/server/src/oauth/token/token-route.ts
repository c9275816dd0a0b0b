import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { OAuthErrorSchema, speaksOAuthWire } from '../../errors/oauth-dialect.js';
import { clientIp } from '../../http/client-ip.js';
import { Envelope, ErrorSchema, ok } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { authenticateClient } from '../client-auth.js';
import { OAUTH_RATES } from '../rates.js';
import type { OAuthServices } from '../services.js';
import { GRANT_TYPES } from './grants/index.js';
import { TokenBodySchema } from './token-body.js';
import { RfcTokenSchema, rfcToken, TokenDataSchema, tokenData } from './token-response.js';

/**
 * `POST /oauth/token`. A form-encoded request (what every OAuth library sends) gets the
 * RFC 6749 §5.1 answer and §5.2 errors; a JSON request gets the Antara envelope with the
 * per-app identity. Nothing here may be cached (RFC 6749 §5.1).
 */
export function registerTokenRoute(app: TypedApp, ctx: AppContext, services: OAuthServices): void {
  app.post(
    '/oauth/token',
    {
      config: { errorDialect: 'oauth' },
      schema: {
        tags: ['oauth'],
        summary: 'Exchange an authorization code (PKCE) or a refresh token for an oit_ token',
        description:
          'grant_type=authorization_code (code, redirect_uri, client_id, code_verifier) or ' +
          'grant_type=refresh_token (refresh_token, client_id, optional narrower scope). ' +
          'Form-encoded bodies get the RFC 6749 response; JSON bodies the envelope.',
        body: TokenBodySchema,
        response: {
          200: Type.Union([Envelope(TokenDataSchema), RfcTokenSchema]),
          '4xx': Type.Union([ErrorSchema, OAuthErrorSchema]),
          '5xx': Type.Union([ErrorSchema, OAuthErrorSchema]),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      await enforceRate(ctx.rateLimiter, reply, OAUTH_RATES.tokenPerIp, clientIp(request));
      const body = request.body;
      const grantType = GRANT_TYPES.get(body.grant_type);
      if (!grantType) {
        throw new AntaraError(
          'unsupported_grant_type',
          `grant_type "${body.grant_type.slice(0, 40)}" is not supported here.`,
        );
      }
      const client = await authenticateClient(ctx, request, body);
      const result = await grantType.exchange({ ctx, services, request, body, client });
      const now = ctx.clock.now();
      if (speaksOAuthWire(request)) return rfcToken(result, now);
      return ok(request, ctx.clock, tokenData(result, now));
    },
  );
}
