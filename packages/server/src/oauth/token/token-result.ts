import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { presentAppIdentity } from '../../grants/app-identity.js';
import type { GrantRow } from '../../storage/repositories/grants.js';
import { signIdToken } from '../id-token.js';
import { issuerOf } from '../issuer.js';
import type { OAuthServices } from '../services.js';
import type { TokenPair } from './issue-tokens.js';
import type { TokenResult } from './token-response.js';

/** Adds the per-app identity and, with `openid`, the id_token to a freshly minted pair. */
export async function completeTokenResult(
  ctx: AppContext,
  services: OAuthServices,
  input: { grant: GrantRow; pair: TokenPair; clientId: string; nonce: string | null; authTime: number },
): Promise<TokenResult> {
  const account = await ctx.repos.users.findById(input.grant.account_id);
  if (!account) throw new AntaraError('invalid_grant');
  const identity = presentAppIdentity(input.grant, account, input.pair.scopes);
  const result: TokenResult = { ...input.pair, identity };
  if (input.pair.scopes.includes('openid')) {
    result.idToken = await signIdToken(services.keys, {
      issuer: issuerOf(ctx.config),
      clientId: input.clientId,
      subject: input.grant.id,
      nonce: input.nonce,
      authTime: input.authTime,
      now: ctx.clock.now(),
    });
  }
  return result;
}
