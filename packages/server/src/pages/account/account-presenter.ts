import type { TrustLevel } from '@antara/protocol';
import type { UserRow } from '../../storage/repositories/users.js';

/** What the account page shows about a person. */
export interface AccountModel {
  handle: string;
  displayName: string;
  email: string;
  trustLevel: string;
  trustMeaning: string;
  verified: boolean;
}

const TRUST_MEANING: Record<TrustLevel, string> = {
  L0: 'not verified yet',
  L1: 'email address verified',
  L2: 'fully verified',
};

export function presentAccount(user: UserRow): AccountModel {
  return {
    handle: user.primary_slug,
    displayName: user.display_name,
    email: user.email,
    trustLevel: user.trust_level,
    trustMeaning: TRUST_MEANING[user.trust_level as TrustLevel] ?? 'unknown level',
    verified: user.email_verified_at !== null,
  };
}
