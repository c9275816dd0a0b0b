import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import { bearerToken } from '../http/bearer.js';
import type { SessionWithUser } from '../storage/repositories/user-sessions.js';

export const SESSION_COOKIE = 'antara_session';

/**
 * The signed-in person behind a request: `Authorization: Bearer uat_…` or, for the site,
 * the HttpOnly session cookie. Throws 401 invalid_token otherwise.
 */
export async function requireUser(ctx: AppContext, request: FastifyRequest): Promise<SessionWithUser> {
  const found = await optionalUser(ctx, request);
  if (!found)
    throw new AntaraError('invalid_token', 'Sign in first: send a valid uat_ bearer token.', {
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  return found;
}

export async function optionalUser(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<SessionWithUser | null> {
  const bearer = bearerToken(request);
  if (bearer !== undefined) return bearer.startsWith('uat_') ? ctx.sessions.authenticate(bearer) : null;
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? ctx.sessions.authenticate(cookie) : null;
}
