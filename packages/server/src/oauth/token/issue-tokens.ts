import { TOKEN_PREFIXES } from '@antara/protocol';
import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import type { Random } from '../../lib/random.js';
import { createOAuthTokenRepository } from '../../storage/repositories/oauth-tokens.js';
import type { Database } from '../../storage/schema.js';
import { mintToken } from '../../tokens/opaque-token.js';
import { OAUTH } from '../policy.js';

export interface TokenPair {
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  scopes: string[];
}

/**
 * Mints an `oit_` access token and an `ort_` refresh token in a family, inside the caller's
 * transaction. `parentRefreshId` links a rotated refresh token to the one it replaces.
 */
export async function mintTokenPair(
  trx: Kysely<Database>,
  deps: { clock: Clock; random: Random },
  pair: { familyId: string; scopes: readonly string[]; parentRefreshId: string | null },
): Promise<TokenPair> {
  const tokens = createOAuthTokenRepository(trx);
  const now = deps.clock.now();
  const access = mintToken(TOKEN_PREFIXES.oauthIdentity, deps.random);
  const refresh = mintToken(TOKEN_PREFIXES.oauthRefresh, deps.random);
  const accessExpiresAt = now + OAUTH.accessTtlMs;
  await tokens.insertAccess({
    id: deps.random.uuid(),
    family_id: pair.familyId,
    token_hash: access.hash,
    scopes: JSON.stringify(pair.scopes),
    created_at: now,
    expires_at: accessExpiresAt,
    revoked_at: null,
  });
  await tokens.insertRefresh({
    id: deps.random.uuid(),
    family_id: pair.familyId,
    token_hash: refresh.hash,
    parent_id: pair.parentRefreshId,
    created_at: now,
    expires_at: now + OAUTH.refreshTtlMs,
    used_at: null,
    retried_at: null,
  });
  return {
    accessToken: access.token,
    accessExpiresAt,
    refreshToken: refresh.token,
    scopes: [...pair.scopes],
  };
}
