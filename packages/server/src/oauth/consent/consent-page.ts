import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { normalizeAlias } from '../../grants/app-identity.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { csrfToken, requireCsrf } from '../../pages/csrf.js';
import { html } from '../../pages/html.js';
import { sendPage } from '../../pages/layout.js';
import { PAGE, PAGE_OR_REDIRECT } from '../../pages/page-schemas.js';
import { emailForm } from '../../pages/sign-in/sign-in-views.js';
import { siteUser } from '../../pages/web-session.js';
import { type AuthorizeParams, AuthorizeQuerySchema, single } from '../authorize/authorize-request.js';
import { sendAuthorizeErrorPage } from '../authorize/error-page.js';
import { validateAuthorize } from '../authorize/validate-authorize.js';
import { OAUTH_RATES } from '../rates.js';
import type { OAuthServices } from '../services.js';
import type { ConsentBody } from './consent-body.js';
import { authorizeParamsOf } from './consent-body.js';
import { consentMetadata, describeScopes } from './consent-metadata.js';
import { consentIntroView, consentView } from './consent-view.js';
import { alreadyGranted, approveAndIssueCode, refusalRedirect } from './decide.js';
import { checkedPreviewSlug, previewSlug } from './slug-preview.js';

/** The authorization parameters the consent form carries through, as sent. */
const CARRIED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'code_challenge',
  'code_challenge_method',
  'scope',
  'state',
  'nonce',
];
const MAX_NEXT = 2048;

function carried(params: AuthorizeParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of CARRIED) {
    const value = single(params, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

const rawQuery = (url: string) => {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at);
};

/**
 * Validates the request behind the consent page or form. A bad client or redirect URI is a
 * page (never a redirect); any other failure goes back to the app.
 */
async function validated(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  params: AuthorizeParams,
) {
  try {
    const outcome = await validateAuthorize(ctx, params);
    if (outcome.ok) return outcome.request;
    reply.redirect(outcome.failure.redirectTo, 303);
    return null;
  } catch (error) {
    if (!(error instanceof AntaraError)) throw error;
    sendAuthorizeErrorPage(error, request, reply);
    return null;
  }
}

/**
 * `GET /oauth/consent`: the consent screen. Signs the person in first (inline, coming back
 * here), and sends someone who already granted these scopes straight back to the app unless
 * the app asked for `prompt=consent`.
 */
export function registerConsentPage(app: TypedApp, ctx: AppContext, services: OAuthServices): void {
  app.get(
    '/oauth/consent',
    {
      config: { errorDialect: 'html' },
      schema: {
        ...PAGE,
        summary: 'The consent screen of an authorization request',
        querystring: AuthorizeQuerySchema,
        response: PAGE_OR_REDIRECT,
      },
    },
    async (request, reply) => {
      const authorization = await validated(ctx, request, reply, request.query);
      if (!authorization) return reply;
      const signedIn = await siteUser(ctx, request);
      const prompt = authorization.prompt;
      if (!signedIn) {
        if (prompt.has('none')) {
          return reply.redirect(
            refusalRedirect(ctx, authorization, 'login_required', 'Nobody is signed in.'),
            303,
          );
        }
        const next = `/oauth/consent${rawQuery(request.url)}`;
        const { app: shown } = await consentMetadata(ctx, authorization, null);
        return sendPage(reply, {
          title: `Sign in to continue to ${authorization.app.name}`,
          body: html`${consentIntroView(shown)}${emailForm({
            csrf: csrfToken(ctx, request, reply),
            next: next.length <= MAX_NEXT ? next : undefined,
          })}`,
        });
      }
      const { granted, grant } = await alreadyGranted(ctx, authorization, signedIn.user.id);
      if (granted && !prompt.has('consent') && !prompt.has('login')) {
        return reply.redirect(await approveAndIssueCode(ctx, services, authorization, signedIn), 303);
      }
      if (prompt.has('none')) {
        return reply.redirect(
          refusalRedirect(
            ctx,
            authorization,
            'consent_required',
            'The person has not approved these scopes.',
          ),
          303,
        );
      }
      const preview = grant ? undefined : previewSlug(ctx, signedIn.user.id, authorization.app.id);
      const metadata = await consentMetadata(ctx, authorization, signedIn);
      return sendPage(reply, {
        title: `Allow ${authorization.app.name}?`,
        body: consentView({
          csrf: csrfToken(ctx, request, reply),
          app: metadata.app,
          scopes: describeScopes(authorization.scopes),
          returnsTo: new URL(authorization.redirectUri).host,
          params: carried(request.query),
          identity: grant
            ? { slug: grant.slug, alias: grant.alias, existing: true }
            : { slug: preview?.slug ?? '', alias: null, existing: false, slugSignature: preview?.signature },
          signedInAs: signedIn.user.email,
        }),
      });
    },
  );
}

/** The CSRF check, for the browser form only (a JSON caller proves itself with its bearer token). */
export function requireCsrfOnForms(ctx: AppContext) {
  const check = requireCsrf(ctx);
  return async (request: FastifyRequest) => {
    if (isFormPost(request)) await check(request);
  };
}

export const isFormPost = (request: FastifyRequest) =>
  /^application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '');

/**
 * The consent form's post (cookie session + CSRF token): the decision, answered with a 303 to
 * the app's redirect URI carrying `code`, `state` and `iss`, or the error.
 */
export async function decideByForm(
  ctx: AppContext,
  services: OAuthServices,
  request: FastifyRequest,
  reply: FastifyReply,
  body: ConsentBody,
) {
  const signedIn = await siteUser(ctx, request);
  if (!signedIn) {
    // The session ended while the page was open: show the page again, which signs in first.
    return reply.redirect(`/oauth/consent?${new URLSearchParams(carried(authorizeParamsOf(body)))}`, 303);
  }
  await enforceRate(ctx.rateLimiter, reply, OAUTH_RATES.consentPerUser, signedIn.user.id);
  const authorization = await validated(ctx, request, reply, authorizeParamsOf(body));
  if (!authorization) return reply;
  if (body.decision === 'deny') {
    return reply.redirect(refusalRedirect(ctx, authorization, 'access_denied', 'The person declined.'), 303);
  }
  const redirectTo = await approveAndIssueCode(ctx, services, authorization, signedIn, {
    alias: normalizeAlias(body.alias),
    previewSlug: checkedPreviewSlug(ctx, signedIn.user.id, authorization.app.id, body.slug, body.slug_sig),
  });
  return reply.redirect(redirectTo, 303);
}
