import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { clientIp } from '../../http/client-ip.js';
import { ok, responses } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { optionalUser } from '../../identity/authenticate.js';
import { ConsentMetadataSchema, consentMetadata } from '../consent/consent-metadata.js';
import { OAUTH_RATES } from '../rates.js';
import { asEnvelopeError } from './authorize-error.js';
import { AuthorizeQuerySchema } from './authorize-request.js';
import { sendAuthorizeErrorPage } from './error-page.js';
import { validateAuthorize } from './validate-authorize.js';

/** JSON only when asked for and HTML not: browsers and unknown clients get the redirects. */
export function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /application\/json/i.test(accept) && !/text\/html/i.test(accept);
}

/** The query string of the request exactly as sent, with its `?`. */
const rawQuery = (url: string) => {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at);
};

/**
 * `GET /oauth/authorize`. Browsers go on to the consent page with the same query (or back to
 * the app with an error); `Accept: application/json` gets the consent metadata instead.
 */
export function registerAuthorizeRoute(app: TypedApp, ctx: AppContext): void {
  app.get(
    '/oauth/authorize',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Start an authorization (code flow with PKCE S256)',
        description:
          'Browsers get a 302 to /oauth/consent with the same query. With Accept: application/json ' +
          'the answer is the consent metadata: app, trust level, scopes in words, and whether the ' +
          'signed-in person (Bearer uat_) already granted them.',
        querystring: AuthorizeQuerySchema,
        response: responses(200, ConsentMetadataSchema),
      },
    },
    async (request, reply) => {
      await enforceRate(ctx.rateLimiter, reply, OAUTH_RATES.authorizePerIp, clientIp(request));
      const json = wantsJson(request);
      let outcome: Awaited<ReturnType<typeof validateAuthorize>>;
      try {
        outcome = await validateAuthorize(ctx, request.query);
      } catch (error) {
        if (json || !(error instanceof AntaraError)) throw error;
        return sendAuthorizeErrorPage(error, request, reply);
      }
      if (!outcome.ok) {
        if (json) throw asEnvelopeError(outcome.failure);
        return reply.redirect(outcome.failure.redirectTo, 302);
      }
      if (json) {
        reply.header('cache-control', 'no-store');
        return ok(
          request,
          ctx.clock,
          await consentMetadata(ctx, outcome.request, await optionalUser(ctx, request)),
        );
      }
      return reply.redirect(`/oauth/consent${rawQuery(request.url)}`, 302);
    },
  );
}
