import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import { requireUser } from '../identity/authenticate.js';
import type { AppRow } from '../storage/repositories/apps.js';
import type { UserSessionRow } from '../storage/repositories/user-sessions.js';
import type { UserRow } from '../storage/repositories/users.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The signed-in developer and one of their apps, for every `/dev/v1/apps/:appId/…` route.
 * Not signed in is 401 invalid_token; an app that does not exist and an app owned by someone
 * else are the same 404 not_found, so app ids cannot be probed.
 */
export async function requireOwnedApp(
  ctx: AppContext,
  request: FastifyRequest,
  appId: string,
): Promise<{ user: UserRow; session: UserSessionRow; app: AppRow }> {
  const { user, session } = await requireUser(ctx, request);
  const app = UUID.test(appId) ? await ctx.repos.apps.findById(appId.toLowerCase()) : undefined;
  if (!app || app.owner_user_id !== user.id) throw new AntaraError('not_found', 'No such app.');
  return { user, session, app };
}
