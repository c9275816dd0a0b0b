import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import { SESSION_COOKIE } from '../identity/authenticate.js';
import { constantTimeEqual, keyedHash } from '../tokens/opaque-token.js';

/**
 * CSRF protection for every form of the site, signed-in or not (docs/decisions.md):
 * a random HttpOnly, SameSite=Strict cookie, and in each form an HMAC of that cookie and
 * of the session cookie under the server secret. A forged post has neither the cookie
 * (SameSite) nor a token that matches it; a token harvested by an attacker with their
 * own cookie does not match a victim's session.
 */
export const CSRF_COOKIE = 'antara_csrf';
export const CSRF_FIELD = '_csrf';
export const CsrfFieldSchema = Type.String({ maxLength: 128 });

const COOKIE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function expectedToken(ctx: AppContext, csrfCookie: string, request: FastifyRequest): string {
  return keyedHash(ctx.secret, 'csrf', csrfCookie, request.cookies[SESSION_COOKIE] ?? '');
}

/**
 * The token for the forms of the page being rendered; gives the browser its cookie if it has
 * none. Call it once per page: each call without a cookie mints a new one.
 */
export function csrfToken(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): string {
  let csrfCookie = request.cookies[CSRF_COOKIE];
  if (!csrfCookie || !COOKIE_SHAPE.test(csrfCookie)) {
    csrfCookie = ctx.random.bytes(32).toString('base64url');
    reply.setCookie(CSRF_COOKIE, csrfCookie, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: ctx.config.server.publicUrl.startsWith('https:'),
    });
  }
  return expectedToken(ctx, csrfCookie, request);
}

/**
 * A preValidation hook for every form post of the site. It runs before the body schema, so a
 * missing token is 403 csrf_failed rather than a validation error, and nothing is changed.
 */
export function requireCsrf(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const csrfCookie = request.cookies[CSRF_COOKIE];
    const body = request.body as Record<string, unknown> | undefined;
    const sent = body?.[CSRF_FIELD];
    const valid =
      typeof csrfCookie === 'string' &&
      COOKIE_SHAPE.test(csrfCookie) &&
      typeof sent === 'string' &&
      constantTimeEqual(sent, expectedToken(ctx, csrfCookie, request));
    if (!valid) throw new AntaraError('csrf_failed');
  };
}
