import type { Kysely } from 'kysely';
import { AntaraError } from '../errors/antara-error.js';
import { appendEvent } from '../events/outbox.js';
import type { Clock } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import { createGrantRepository, type GrantRow, grantScopesOf } from '../storage/repositories/grants.js';
import { createOAuthTokenRepository } from '../storage/repositories/oauth-tokens.js';
import type { Database } from '../storage/schema.js';
import { newSlug } from './slug.js';
import { transactionRetryingUnique } from './unique-retry.js';

export interface GrantChangeDeps {
  db: Kysely<Database>;
  clock: Clock;
  random: Random;
}

async function activeGrant(trx: Kysely<Database>, accountId: string, appId: string): Promise<GrantRow> {
  const grant = await createGrantRepository(trx).findByAccountAndApp(accountId, appId);
  if (grant?.status !== 'active') throw new AntaraError('not_found', 'You have no grant to this app.');
  return grant;
}

/** Renames the per-app alias (null removes it) and tells the app with `permission.changed`. */
export function renameAlias(
  deps: GrantChangeDeps,
  accountId: string,
  appId: string,
  alias: string | null,
): Promise<GrantRow> {
  return deps.db.transaction().execute(async (trx) => {
    const grant = await activeGrant(trx, accountId, appId);
    if (grant.alias === alias) return grant;
    const updated = await createGrantRepository(trx).updateById(grant.id, {
      alias,
      updated_at: deps.clock.now(),
    });
    if (!updated) throw new AntaraError('not_found', 'You have no grant to this app.');
    await appendEvent(trx, deps, {
      type: 'permission.changed',
      appId,
      data: { appId, userId: grant.id, change: 'alias', before: { alias: grant.alias }, after: { alias } },
    });
    return updated;
  });
}

/**
 * Gives the grant a fresh slug. The `userId` stays, so the app re-resolves the new slug with
 * identity lookup; the old slug stops reaching the person at once.
 */
export function rotateSlug(deps: GrantChangeDeps, accountId: string, appId: string): Promise<GrantRow> {
  return transactionRetryingUnique(deps.db, async (trx) => {
    const grant = await activeGrant(trx, accountId, appId);
    const slug = newSlug(deps.random);
    const updated = await createGrantRepository(trx).updateById(grant.id, {
      slug,
      updated_at: deps.clock.now(),
    });
    if (!updated) throw new AntaraError('not_found', 'You have no grant to this app.');
    await appendEvent(trx, deps, {
      type: 'permission.changed',
      appId,
      data: { appId, userId: grant.id, change: 'slug', before: { slug: grant.slug }, after: { slug } },
    });
    return updated;
  });
}

/** Revokes the grant; every token issued under it dies in the same transaction. */
export function revokeGrant(deps: GrantChangeDeps, accountId: string, appId: string): Promise<GrantRow> {
  return deps.db.transaction().execute(async (trx) => {
    const grant = await activeGrant(trx, accountId, appId);
    const now = deps.clock.now();
    const updated = await createGrantRepository(trx).updateById(grant.id, {
      status: 'revoked',
      revoked_at: now,
      updated_at: now,
    });
    if (!updated) throw new AntaraError('not_found', 'You have no grant to this app.');
    await createOAuthTokenRepository(trx).revokeFamiliesOfGrant(grant.id, now);
    await appendEvent(trx, deps, {
      type: 'permission.changed',
      appId,
      data: {
        appId,
        userId: grant.id,
        change: 'revoked',
        before: { status: 'active', scopes: grantScopesOf(grant) },
        after: { status: 'revoked', scopes: [] },
      },
    });
    return updated;
  });
}
