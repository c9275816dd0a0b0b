import { TOKEN_PREFIXES } from '@antara/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { SESSION_COOKIE } from '../identity/authenticate.js';
import type { SessionWithUser } from '../storage/repositories/user-sessions.js';
import type { UserRow } from '../storage/repositories/users.js';

function cookieOptions(ctx: AppContext) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: ctx.config.server.publicUrl.startsWith('https:'),
  };
}

/** The person signed in to the site by the session cookie (never by a bearer token), or null. */
export async function siteUser(ctx: AppContext, request: FastifyRequest): Promise<SessionWithUser | null> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token?.startsWith(TOKEN_PREFIXES.webSession)) return null;
  return ctx.sessions.authenticate(token);
}

/** Signs the browser in as `user`: a fresh `ses_` session in an HttpOnly cookie. */
export async function startWebSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
): Promise<void> {
  // A session the browser already holds is ended, not left orphaned behind the new cookie.
  const previous = await siteUser(ctx, request);
  if (previous) await ctx.sessions.revoke(previous.session.id);
  const { token, expiresAt } = await ctx.sessions.issueWeb(user);
  reply.setCookie(SESSION_COOKIE, token, {
    ...cookieOptions(ctx),
    maxAge: Math.floor((expiresAt - ctx.clock.now()) / 1000),
  });
}

/** Ends the browser's session, if any, and removes its cookie. */
export async function endWebSession(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const current = await siteUser(ctx, request);
  if (current) await ctx.sessions.revoke(current.session.id);
  reply.clearCookie(SESSION_COOKIE, cookieOptions(ctx));
}
