import { AntaraError } from '../errors/antara-error.js';
import type { Clock } from '../lib/clock.js';
import type { UserRepository, UserRow } from '../storage/repositories/users.js';

export interface ProfileChanges {
  primarySlug?: string;
  displayName?: string;
}

/**
 * Applies a person's own change of handle or display name (PATCH /me/v1/profile and the
 * account page). The caller has already checked the shapes; this enforces uniqueness.
 */
export async function changeProfile(
  users: UserRepository,
  clock: Clock,
  user: UserRow,
  { primarySlug, displayName }: ProfileChanges,
): Promise<UserRow> {
  if (primarySlug !== undefined && primarySlug !== user.primary_slug) {
    const holder = await users.findByPrimarySlug(primarySlug);
    if (holder) throw new AntaraError('handle_taken');
  }
  let updated: UserRow | undefined;
  try {
    updated = await users.updateById(user.id, {
      ...(primarySlug !== undefined ? { primary_slug: primarySlug } : {}),
      ...(displayName !== undefined ? { display_name: displayName.trim() } : {}),
      updated_at: clock.now(),
    });
  } catch (error) {
    // Two people racing for one handle: the unique index decides.
    if (/unique|duplicate/i.test((error as Error).message)) throw new AntaraError('handle_taken');
    throw error;
  }
  if (!updated) throw new AntaraError('invalid_token');
  return updated;
}
