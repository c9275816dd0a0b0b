import type { TrustLevel, UserProfile } from '@antara/protocol';
import type { UserRow } from '../storage/repositories/users.js';

/** The only shape of a person Antara's own clients see. Never used for apps. */
export function presentUser(user: UserRow): UserProfile {
  return {
    id: user.id,
    primarySlug: user.primary_slug,
    displayName: user.display_name,
    trustLevel: user.trust_level as TrustLevel,
    verified: user.email_verified_at !== null,
  };
}

/** Lower-case, trimmed; the account key. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const HANDLE_PATTERN = '^[a-z0-9](?:[a-z0-9-]{1,30}[a-z0-9])$';
