import { canonicalScopes, scopeList, TOKEN_PREFIXES } from '@antara/protocol';
import { AntaraError } from '../../../errors/antara-error.js';
import { createGrantRepository } from '../../../storage/repositories/grants.js';
import { createOAuthTokenRepository } from '../../../storage/repositories/oauth-tokens.js';
import { hashToken, looksLike } from '../../../tokens/opaque-token.js';
import { OAUTH } from '../../policy.js';
import { mintTokenPair } from '../issue-tokens.js';
import { completeTokenResult } from '../token-result.js';
import type { GrantType } from './grant-type.js';

const invalid = (message = 'The refresh token is invalid, expired or already used.') =>
  new AntaraError('invalid_grant', message);

/**
 * `refresh_token` (RFC 6749 §6), rotated on every use (OAuth 2.0 Security BCP §4.14.2). A
 * rotated token presented again revokes its whole family, unless it comes back once, within
 * a short grace window, while the token that replaced it is still unused: that is a client
 * whose response was lost, and it gets a fresh pair (the lost one is retired).
 */
export const refreshToken: GrantType = {
  name: 'refresh_token',
  async exchange({ ctx, services, body, client }) {
    const presented = body.refresh_token;
    if (presented === undefined) throw new AntaraError('invalid_request', 'refresh_token is required.');
    if (!looksLike(presented, TOKEN_PREFIXES.oauthRefresh)) throw invalid();
    const found = await ctx.repos.oauthTokens.findRefreshByHash(hashToken(presented));
    if (!found || found.family.app_id !== client.id) throw invalid();
    const { refresh, family } = found;
    const now = ctx.clock.now();
    if (family.revoked_at !== null || refresh.expires_at <= now) throw invalid();

    const familyScopes = JSON.parse(family.scopes) as string[];
    let scopes = familyScopes;
    if (body.scope !== undefined) {
      const asked = canonicalScopes(scopeList(body.scope));
      if (!asked || asked.length === 0 || asked.some((s) => !familyScopes.includes(s))) {
        throw new AntaraError('invalid_scope', 'A refresh may only narrow the scopes of the original grant.');
      }
      scopes = asked;
    }

    const outcome = await services.writer.run(async (trx) => {
      const tokens = createOAuthTokenRepository(trx);
      const grant = await createGrantRepository(trx).findById(family.grant_id);
      if (grant?.status !== 'active') return { kind: 'dead' as const };
      if (!(await tokens.markRefreshUsed(refresh.id, now))) {
        const usedAt = refresh.used_at ?? now;
        const children = await tokens.findRefreshChildren(refresh.id);
        const lostResponse =
          now - usedAt <= OAUTH.refreshGraceMs &&
          refresh.retried_at === null &&
          children.every((child) => child.used_at === null);
        if (!lostResponse || !(await tokens.markRefreshRetried(refresh.id, now)))
          return { kind: 'reused' as const };
        for (const child of children) await tokens.retireRefresh(child.id, now);
      }
      const pair = await mintTokenPair(trx, ctx, {
        familyId: family.id,
        scopes,
        parentRefreshId: refresh.id,
      });
      return { kind: 'issued' as const, grant, pair };
    });

    if (outcome.kind === 'reused') {
      await ctx.repos.oauthTokens.revokeFamily(family.id, now);
      throw invalid('The refresh token was used already; every token of this authorization is revoked.');
    }
    if (outcome.kind === 'dead') throw invalid();
    return completeTokenResult(ctx, services, {
      grant: outcome.grant,
      pair: outcome.pair,
      clientId: client.id,
      nonce: null,
      authTime: family.auth_time,
    });
  },
};
