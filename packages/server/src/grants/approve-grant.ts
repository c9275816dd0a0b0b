import type { Kysely } from 'kysely';
import { appendEvent } from '../events/outbox.js';
import type { Clock } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import { createGrantRepository, type GrantRow, grantScopesOf } from '../storage/repositories/grants.js';
import type { Database } from '../storage/schema.js';
import { newSlug } from './slug.js';

export interface ApproveGrant {
  accountId: string;
  appId: string;
  /** Canonical, sorted scopes the person approved now. */
  scopes: readonly string[];
  /** The alias typed on the consent screen; undefined leaves an existing alias alone. */
  alias?: string | null;
  /** The slug the consent screen showed for a first approval (random too, made by the server). */
  previewSlug?: string;
}

const sortedUnion = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();
const sameScopes = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((s, i) => s === b[i]);

/**
 * Records a person's approval of an app inside the caller's transaction, with the event
 * that announces it: `identity.approved` for a first (or renewed, after a revoke) approval;
 * `permission.changed` when an active grant gains scopes or its alias changes.
 */
export async function approveGrant(
  trx: Kysely<Database>,
  deps: { clock: Clock; random: Random },
  approval: ApproveGrant,
): Promise<GrantRow> {
  const grants = createGrantRepository(trx);
  const now = deps.clock.now();
  const existing = await grants.findByAccountAndApp(approval.accountId, approval.appId);

  if (existing?.status !== 'active') {
    let grant: GrantRow;
    if (!existing) {
      grant = {
        id: deps.random.uuid(),
        account_id: approval.accountId,
        app_id: approval.appId,
        slug: approval.previewSlug ?? newSlug(deps.random),
        alias: approval.alias ?? null,
        scopes: JSON.stringify([...approval.scopes].sort()),
        status: 'active',
        created_at: now,
        updated_at: now,
        revoked_at: null,
      };
      await grants.insert(grant);
    } else {
      // A renewed approval keeps the userId (it is the same person and app) but starts its
      // scopes afresh: what was revoked is not silently given back.
      const renewed = await grants.updateById(existing.id, {
        status: 'active',
        scopes: JSON.stringify([...approval.scopes].sort()),
        alias: approval.alias === undefined ? existing.alias : approval.alias,
        revoked_at: null,
        updated_at: now,
      });
      if (!renewed) throw new Error(`grant ${existing.id} vanished while being renewed`);
      grant = renewed;
    }
    await appendEvent(trx, deps, {
      type: 'identity.approved',
      appId: grant.app_id,
      data: {
        appId: grant.app_id,
        userId: grant.id,
        slug: grant.slug,
        alias: grant.alias,
        scopes: grantScopesOf(grant),
      },
    });
    return grant;
  }

  let grant = existing;
  const before = grantScopesOf(existing);
  const after = sortedUnion(before, approval.scopes);
  if (!sameScopes(before, after)) {
    grant = (await grants.updateById(grant.id, { scopes: JSON.stringify(after), updated_at: now })) ?? grant;
    await appendEvent(trx, deps, {
      type: 'permission.changed',
      appId: grant.app_id,
      data: {
        appId: grant.app_id,
        userId: grant.id,
        change: 'scopes',
        before: { scopes: before },
        after: { scopes: after },
      },
    });
  }
  if (approval.alias !== undefined && approval.alias !== grant.alias) {
    const previous = grant.alias;
    grant = (await grants.updateById(grant.id, { alias: approval.alias, updated_at: now })) ?? grant;
    await appendEvent(trx, deps, {
      type: 'permission.changed',
      appId: grant.app_id,
      data: {
        appId: grant.app_id,
        userId: grant.id,
        change: 'alias',
        before: { alias: previous },
        after: { alias: grant.alias },
      },
    });
  }
  return grant;
}
