import { type Scope, TOKEN_PREFIXES } from '@antara/protocol';
import type { AppContext } from '../context.js';
import { presentAppIdentity } from '../grants/app-identity.js';
import { toSeconds } from '../lib/clock.js';
import type { LiveAccessToken } from '../storage/repositories/oauth-tokens.js';
import type { Introspector } from '../tokens/introspection.js';
import { hashToken, looksLike } from '../tokens/opaque-token.js';

/** The live grant behind an `oit_` token, or null for every kind of "not valid". */
export async function authenticateAccessToken(
  ctx: AppContext,
  token: string,
): Promise<LiveAccessToken | null> {
  if (!looksLike(token, TOKEN_PREFIXES.oauthIdentity)) return null;
  return (await ctx.repos.oauthTokens.findLiveAccess(hashToken(token), ctx.clock.now())) ?? null;
}

export const scopesOfToken = (live: LiveAccessToken): Scope[] => JSON.parse(live.token.scopes) as Scope[];

/** What an `oit_` token carries, in the shape of `POST /auth/introspect`. */
export function describeAccessToken(live: LiveAccessToken) {
  const scopes = scopesOfToken(live);
  return {
    active: true,
    sessionType: 'oauth' as const,
    audience: live.app.id,
    scopes,
    exp: toSeconds(live.token.expires_at),
    iat: toSeconds(live.token.created_at),
    app: { appId: live.app.id, name: live.app.name },
    identity: presentAppIdentity(live.grant, live.account, scopes),
  };
}

/** `oit_` tokens for `POST /auth/introspect`. */
export function createOAuthIntrospector(ctx: AppContext): Introspector {
  return {
    prefix: TOKEN_PREFIXES.oauthIdentity,
    async introspect(token) {
      const live = await authenticateAccessToken(ctx, token);
      return live ? describeAccessToken(live) : null;
    },
  };
}
