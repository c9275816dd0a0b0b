import type { TrustLevel } from '@antara/protocol';
import { Type } from 'typebox';
import type { GrantRow } from '../storage/repositories/grants.js';
import type { UserRow } from '../storage/repositories/users.js';

/**
 * Everything an app ever learns about a person: the per-app identity of its grant. No email,
 * phone, account id or primary handle can appear here, because none of them is read.
 */
export interface AppIdentity {
  userId: string;
  slug: string;
  alias: string | null;
  displayName?: string;
  trustLevel: TrustLevel;
  verified: boolean;
}

export const AppIdentitySchema = Type.Object({
  userId: Type.String(),
  slug: Type.String(),
  alias: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Optional(Type.String()),
  trustLevel: Type.String(),
  verified: Type.Boolean(),
});

export type AccountFacts = Pick<
  UserRow,
  'trust_level' | 'email_verified_at' | 'display_name' | 'primary_slug'
>;

/**
 * The app-facing identity of a grant. `displayName` needs `profile.basic`, and is left out
 * while it is still the primary handle (the default for a new account), which apps never see.
 */
export function presentAppIdentity(
  grant: Pick<GrantRow, 'id' | 'slug' | 'alias'>,
  account: AccountFacts,
  scopes: readonly string[],
): AppIdentity {
  const identity: AppIdentity = {
    userId: grant.id,
    slug: grant.slug,
    alias: grant.alias,
    trustLevel: account.trust_level as TrustLevel,
    verified: account.email_verified_at !== null,
  };
  if (scopes.includes('profile.basic') && account.display_name !== account.primary_slug) {
    identity.displayName = account.display_name;
  }
  return identity;
}

/** An alias: what the person wants this app to call them. Trimmed; no control characters. */
export const AliasSchema = Type.String({
  minLength: 1,
  maxLength: 60,
  pattern: '^(?=.*\\S)[^\\u0000-\\u001f\\u007f]+$',
});

/** An empty or blank alias means "none". */
export function normalizeAlias(alias: string | null | undefined): string | null {
  const trimmed = alias?.trim();
  return trimmed ? trimmed : null;
}
