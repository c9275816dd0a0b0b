import { scopeList } from '@antara/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AntaraError, invalidRequest } from '../../errors/antara-error.js';
import { OAuthErrorSchema, speaksOAuthWire } from '../../errors/oauth-dialect.js';
import { clientIp } from '../../http/client-ip.js';
import { Envelope, ErrorSchema, ok } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { APP_RATES } from '../app-rates.js';
import { AppSessionSchema, OAuthTokenResponseSchema, ScopeNameSchema } from '../app-schemas.js';
import { readClientCredentials } from '../client-credentials.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ScopeString = Type.String({ maxLength: 1000 });

const BodySchema = Type.Union([
  Type.Object(
    {
      grant_type: Type.Optional(Type.String({ maxLength: 64 })),
      client_id: Type.Optional(Type.String({ maxLength: 128 })),
      client_secret: Type.Optional(Type.String({ maxLength: 512 })),
      scopes: Type.Optional(Type.Union([ScopeString, Type.Array(ScopeNameSchema, { maxItems: 10 })])),
      scope: Type.Optional(ScopeString),
    },
    // Why open: RFC 6749 §3.2 says a token endpoint MUST ignore parameters it does not know,
    // and standard client libraries send some (resource, audience). The bound keeps it small.
    { additionalProperties: true, maxProperties: 20 },
  ),
  Type.Null(),
]);

/**
 * `POST /auth/client-token`: the OAuth 2.0 client credentials grant for machine clients.
 * client_id is the app id, client_secret a full API key; JSON callers get the envelope,
 * form-encoded and HTTP Basic callers the RFC 6749 response, errors alike (CONTRACT §3).
 */
export function registerClientTokenRoute(app: TypedApp, ctx: AppContext): void {
  app.post(
    '/auth/client-token',
    {
      config: { errorDialect: 'oauth' },
      schema: {
        tags: ['tokens'],
        summary: 'Client credentials: app id + API key for a 10-minute aat_ token',
        description:
          'Credentials in the body (client_id, client_secret) or with HTTP Basic (RFC 6749 §2.3.1). ' +
          "Optional `scopes` or `scope` (an array or a space-separated string) narrows the key's scopes.",
        body: BodySchema,
        response: {
          200: Type.Union([Envelope(AppSessionSchema), OAuthTokenResponseSchema]),
          '4xx': Type.Union([ErrorSchema, OAuthErrorSchema]),
          '5xx': Type.Union([ErrorSchema, OAuthErrorSchema]),
        },
      },
    },
    async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, APP_RATES.tokenPerIp, clientIp(request));
      const body = request.body;
      if (body?.grant_type && body.grant_type !== 'client_credentials') {
        throw new AntaraError(
          'unsupported_grant_type',
          'This endpoint serves only grant_type=client_credentials.',
        );
      }
      if (body?.scopes !== undefined && body.scope) {
        throw invalidRequest('Send the scopes once, as scopes or as scope.');
      }
      const raw = body?.scopes ?? (body?.scope || undefined);
      const requested = (typeof raw === 'string' ? [raw] : (raw ?? [])).flatMap((s) => scopeList(s));
      const credentials = readClientCredentials(request, body);
      const found = UUID.test(credentials.clientId)
        ? await ctx.appSessions.findKey(credentials.clientSecret, credentials.clientId)
        : null;
      if (!found) {
        throw new AntaraError(
          'invalid_client',
          'The client_id and client_secret do not match a live API key.',
          {
            headers: { 'www-authenticate': 'Basic realm="antara", charset="UTF-8"' },
          },
        );
      }
      await enforceRate(ctx.rateLimiter, reply, APP_RATES.tokenPerKey, found.key.id);
      const session = await ctx.appSessions.issue(found.key, found.app, requested);
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      if (speaksOAuthWire(request)) {
        return {
          access_token: session.accessToken,
          token_type: session.tokenType,
          expires_in: session.expiresIn,
          scope: session.scopes.join(' '),
        };
      }
      return ok(request, ctx.clock, session);
    },
  );
}
