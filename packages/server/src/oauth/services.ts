import type { AppContext } from '../context.js';
import { createSigningKeys, type SigningKeys } from './signing-keys.js';

/** What the OAuth endpoints share beyond the app context. */
export interface OAuthServices {
  keys: SigningKeys;
}

export function createOAuthServices(ctx: AppContext): OAuthServices {
  return { keys: createSigningKeys({ keys: ctx.repos.signingKeys, clock: ctx.clock, random: ctx.random }) };
}
