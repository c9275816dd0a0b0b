import { AntaraError } from '../../../errors/antara-error.js';
import { createGrantRepository, type GrantRow } from '../../../storage/repositories/grants.js';
import { createOAuthCodeRepository } from '../../../storage/repositories/oauth-codes.js';
import { createOAuthTokenRepository } from '../../../storage/repositories/oauth-tokens.js';
import { hashToken, looksLike } from '../../../tokens/opaque-token.js';
import { verifierMatches } from '../../pkce.js';
import { CODE_PREFIX } from '../../policy.js';
import { mintTokenPair, type TokenPair } from '../issue-tokens.js';
import { completeTokenResult } from '../token-result.js';
import type { GrantType } from './grant-type.js';

const invalid = (message: string) => new AntaraError('invalid_grant', message);

/**
 * `authorization_code` (RFC 6749 §4.1.3 with RFC 7636 §4.6): the code of this client, unused and
 * under 60 s old, the same redirect_uri, and a code_verifier that hashes to the challenge. The
 * code is consumed in the transaction that issues the tokens. A code presented again is
 * refused and everything issued from it is revoked (RFC 6749 §4.1.2).
 */
export const authorizationCode: GrantType = {
  name: 'authorization_code',
  async exchange({ ctx, services, body, client }) {
    const { code, redirect_uri: redirectUri, code_verifier: verifier } = body;
    if (code === undefined) throw new AntaraError('invalid_request', 'code is required.');
    if (redirectUri === undefined) throw new AntaraError('invalid_request', 'redirect_uri is required.');
    if (verifier === undefined) throw new AntaraError('invalid_request', 'code_verifier is required (PKCE).');
    const unknown = invalid('The authorization code is invalid, expired or already used.');
    if (!looksLike(code, CODE_PREFIX)) throw unknown;
    const row = await ctx.repos.oauthCodes.findByHash(hashToken(code));
    if (!row || row.app_id !== client.id) throw unknown;
    const now = ctx.clock.now();
    if (row.consumed_at !== null) {
      await ctx.repos.oauthTokens.revokeFamiliesOfCode(row.id, now);
      throw invalid('The authorization code was used already; the tokens issued from it are revoked.');
    }
    if (row.expires_at <= now) throw invalid('The authorization code has expired.');
    if (redirectUri !== row.redirect_uri)
      throw invalid('redirect_uri differs from the authorization request.');
    // Checked before the code is consumed: someone holding a stolen code but not the verifier
    // cannot burn it for the app that asked for it.
    if (!verifierMatches(verifier, row.code_challenge))
      throw invalid('code_verifier does not match the code_challenge.');

    const scopes = JSON.parse(row.scopes) as string[];
    const issued = await services.writer.run(async (trx) => {
      if (!(await createOAuthCodeRepository(trx).consume(row.id, now))) return null;
      const grant = await createGrantRepository(trx).findById(row.grant_id);
      if (grant?.status !== 'active') return 'revoked' as const;
      const familyId = ctx.random.uuid();
      await createOAuthTokenRepository(trx).insertFamily({
        id: familyId,
        grant_id: grant.id,
        app_id: client.id,
        code_id: row.id,
        scopes: row.scopes,
        auth_time: row.auth_time,
        created_at: now,
        revoked_at: null,
      });
      const pair: TokenPair = await mintTokenPair(trx, ctx, { familyId, scopes, parentRefreshId: null });
      return { grant: grant as GrantRow, pair };
    });
    if (issued === null) {
      // Another request consumed it first (its transaction has committed by now): reuse.
      await ctx.repos.oauthTokens.revokeFamiliesOfCode(row.id, now);
      throw invalid('The authorization code was used already; the tokens issued from it are revoked.');
    }
    if (issued === 'revoked') throw invalid('The person revoked this app before the code was exchanged.');
    return completeTokenResult(ctx, services, {
      grant: issued.grant,
      pair: issued.pair,
      clientId: client.id,
      nonce: row.nonce,
      authTime: row.auth_time,
    });
  },
};
