import type { AppContext } from '../context.js';
import { createGroupCommit, type GroupCommit } from '../storage/group-commit.js';
import { createSigningKeys, type SigningKeys } from './signing-keys.js';

/** What the OAuth endpoints share beyond the app context. */
export interface OAuthServices {
  keys: SigningKeys;
  /**
   * The writer of the flow's hot transactions (a consent's grant and code, a code's or a
   * refresh token's exchange): those arriving together share one commit, so one fsync makes
   * many durable (storage/group-commit.ts).
   */
  writer: GroupCommit;
}

export function createOAuthServices(ctx: AppContext): OAuthServices {
  return {
    keys: createSigningKeys({ keys: ctx.repos.signingKeys, clock: ctx.clock, random: ctx.random }),
    writer: createGroupCommit(ctx.storage),
  };
}
