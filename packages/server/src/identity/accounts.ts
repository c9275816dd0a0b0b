import type { Clock } from '../lib/clock.js';
import { base62, type Random } from '../lib/random.js';
import type { UserRepository, UserRow } from '../storage/repositories/users.js';

/** Finds the account of a verified address, creating it (trust L1) on first sign-in. */
export async function findOrCreateVerifiedAccount(
  users: UserRepository,
  email: string,
  clock: Clock,
  random: Random,
): Promise<UserRow> {
  const existing = await users.findByEmail(email);
  if (existing) return existing;
  const now = clock.now();
  const handle = `u-${base62(random, 10).toLowerCase()}`;
  return users.insertOrGet({
    id: random.uuid(),
    email,
    phone: null,
    primary_slug: handle,
    display_name: handle,
    trust_level: 'L1',
    email_verified_at: now,
    moderation_state: 'clean',
    created_at: now,
    updated_at: now,
  });
}
