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

/** All an app-facing answer reads of the account: its trust level and whether it is verified. */
export type AccountFacts = Pick<UserRow, 'trust_level' | 'email_verified_at'>;

/**
 * The app-facing identity of a grant. With `profile.basic` it adds `displayName`: the name the
 * person chose for this app (their alias), never an account-wide name, which would let two
 * apps match the same person. Without an alias there is no displayName.
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
  if (scopes.includes('profile.basic') && grant.alias !== null) identity.displayName = grant.alias;
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
