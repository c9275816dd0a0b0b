import type { AppContext } from '../../context.js';
import { approveGrant } from '../../grants/approve-grant.js';
import { retryingUnique } from '../../grants/unique-retry.js';
import { createOAuthCodeRepository } from '../../storage/repositories/oauth-codes.js';
import type { SessionWithUser } from '../../storage/repositories/user-sessions.js';
import { mintToken } from '../../tokens/opaque-token.js';
import { redirectWith } from '../authorize/authorize-error.js';
import type { AuthorizeRequest } from '../authorize/authorize-request.js';
import { issuerOf } from '../issuer.js';
import { CODE_PREFIX, OAUTH } from '../policy.js';
import type { OAuthServices } from '../services.js';

/**
 * The person approved: their grant (created, renewed or widened, with its outbox event) and a
 * 60-second authorization code commit together. Returns the redirect carrying code, state, iss.
 */
export async function approveAndIssueCode(
  ctx: AppContext,
  services: OAuthServices,
  request: AuthorizeRequest,
  signedIn: SessionWithUser,
  choices: { alias?: string | null; previewSlug?: string } = {},
): Promise<string> {
  const code = mintToken(CODE_PREFIX, ctx.random);
  await retryingUnique((attempt) =>
    services.writer.run(async (trx) => {
      const grant = await approveGrant(trx, ctx, {
        accountId: signedIn.user.id,
        appId: request.app.id,
        scopes: request.scopes,
        alias: choices.alias,
        // A retry after a unique conflict must not insist on the slug that collided.
        previewSlug: attempt === 1 ? choices.previewSlug : undefined,
      });
      const now = ctx.clock.now();
      await createOAuthCodeRepository(trx).insert({
        id: ctx.random.uuid(),
        code_hash: code.hash,
        grant_id: grant.id,
        app_id: request.app.id,
        redirect_uri: request.redirectUri,
        code_challenge: request.codeChallenge,
        scopes: JSON.stringify(request.scopes),
        nonce: request.nonce ?? null,
        auth_time: signedIn.session.created_at,
        created_at: now,
        expires_at: now + OAUTH.codeTtlMs,
        consumed_at: null,
      });
    }),
  );
  return redirectWith(request.redirectUri, {
    code: code.token,
    state: request.state,
    iss: issuerOf(ctx.config),
  });
}

/** The person declined (or cannot be asked): the app hears `error` at its redirect URI. */
export function refusalRedirect(
  ctx: AppContext,
  request: AuthorizeRequest,
  error: 'access_denied' | 'login_required' | 'consent_required',
  description: string,
): string {
  return redirectWith(request.redirectUri, {
    error,
    error_description: description,
    state: request.state,
    iss: issuerOf(ctx.config),
  });
}

/** Whether the person already granted this app every scope asked for (remembered consent). */
export async function alreadyGranted(ctx: AppContext, request: AuthorizeRequest, accountId: string) {
  const grant = await ctx.repos.grants.findByAccountAndApp(accountId, request.app.id);
  if (grant?.status !== 'active') return { granted: false, grant: undefined };
  const held = JSON.parse(grant.scopes) as string[];
  return { granted: request.scopes.every((scope) => held.includes(scope)), grant };
}
