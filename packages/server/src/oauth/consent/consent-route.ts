import { TOKEN_PREFIXES } from '@antara/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { normalizeAlias } from '../../grants/app-identity.js';
import { bearerToken } from '../../http/bearer.js';
import { Envelope, ErrorSchema, ok } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { requireUser } from '../../identity/authenticate.js';
import { asEnvelopeError } from '../authorize/authorize-error.js';
import { validateAuthorize } from '../authorize/validate-authorize.js';
import { OAUTH_RATES } from '../rates.js';
import type { OAuthServices } from '../services.js';
import { authorizeParamsOf, ConsentBodySchema } from './consent-body.js';
import { decideByForm, isFormPost, requireCsrfOnForms } from './consent-page.js';
import { approveAndIssueCode, refusalRedirect } from './decide.js';

/**
 * `POST /oauth/consent` with JSON and `Authorization: Bearer uat_…`: the consent screen of
 * clients that draw their own. Answers `{redirectTo}`, the app's redirect URI carrying
 * `code`, `state` and `iss` (or `error=access_denied` when the person declined).
 */
export function registerConsentRoute(app: TypedApp, ctx: AppContext, services: OAuthServices): void {
  app.post(
    '/oauth/consent',
    {
      config: { errorDialect: 'form-html' },
      preValidation: requireCsrfOnForms(ctx),
      schema: {
        tags: ['oauth'],
        summary: 'Approve or deny an authorization request as the signed-in person',
        description:
          'JSON with Authorization: Bearer uat_… answers {redirectTo}. The consent page posts the same ' +
          'fields form-encoded with its CSRF token and the session cookie, and gets a 303 to that URI.',
        body: ConsentBodySchema,
        response: {
          200: Envelope(Type.Object({ redirectTo: Type.String() })),
          303: Type.Null({ description: 'The form post: Location is the redirect to the app' }),
          '4xx': ErrorSchema,
          '5xx': ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      if (isFormPost(request)) return decideByForm(ctx, services, request, reply, request.body);
      // Why the bearer only: a cookie would let another site's script decide for the person.
      if (!bearerToken(request)?.startsWith(TOKEN_PREFIXES.userAccess)) {
        throw new AntaraError('invalid_token', "Send the person's session: Authorization: Bearer uat_…", {
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
      const signedIn = await requireUser(ctx, request);
      await enforceRate(ctx.rateLimiter, reply, OAUTH_RATES.consentPerUser, signedIn.user.id);
      const outcome = await validateAuthorize(ctx, authorizeParamsOf(request.body));
      if (!outcome.ok) throw asEnvelopeError(outcome.failure);
      reply.header('cache-control', 'no-store');
      const redirectTo =
        request.body.decision === 'deny'
          ? refusalRedirect(ctx, outcome.request, 'access_denied', 'The person declined.')
          : await approveAndIssueCode(ctx, services, outcome.request, signedIn, {
              alias: request.body.alias === undefined ? undefined : normalizeAlias(request.body.alias),
            });
      return ok(request, ctx.clock, { redirectTo });
    },
  );
}
