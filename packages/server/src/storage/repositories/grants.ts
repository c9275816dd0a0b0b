import type { Kysely, Selectable } from 'kysely';
import type { Database, GrantsTable } from '../schema.js';
import type { UserRow } from './users.js';

export type GrantRow = Selectable<GrantsTable>;

/** A grant with all an app may learn about its account: trust level and verification, nothing else. */
export interface GrantWithAccount {
  grant: GrantRow;
  account: Pick<UserRow, 'trust_level' | 'email_verified_at'>;
}

/** A grant listed for its person, with the app it was given to. */
export interface GrantWithApp {
  grant: GrantRow;
  app: { id: string; name: string; homepage_url: string | null; trust_level: string };
}

export interface GrantRepository {
  findById(id: string): Promise<GrantRow | undefined>;
  findByAccountAndApp(accountId: string, appId: string): Promise<GrantRow | undefined>;
  /** The active grant `id` of `appId`, with the person's trust data; undefined otherwise. */
  findActiveForApp(id: string, appId: string): Promise<GrantWithAccount | undefined>;
  /** The person's active grants, oldest first, after the `after` cursor (created_at, id). */
  listActiveByAccount(
    accountId: string,
    limit: number,
    after?: { createdAt: number; id: string },
  ): Promise<GrantWithApp[]>;
  insert(row: GrantRow): Promise<void>;
  updateById(
    id: string,
    changes: Partial<Pick<GrantRow, 'slug' | 'alias' | 'scopes' | 'status' | 'updated_at' | 'revoked_at'>>,
  ): Promise<GrantRow | undefined>;
}

export function createGrantRepository(db: Kysely<Database>): GrantRepository {
  return {
    findById: (id) => db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst(),
    findByAccountAndApp: (accountId, appId) =>
      db
        .selectFrom('grants')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('app_id', '=', appId)
        .executeTakeFirst(),
    async findActiveForApp(id, appId) {
      const row = await db
        .selectFrom('grants as g')
        .innerJoin('users as u', 'u.id', 'g.account_id')
        .selectAll('g')
        .select(['u.trust_level as u_trust_level', 'u.email_verified_at as u_email_verified_at'])
        .where('g.id', '=', id)
        .where('g.app_id', '=', appId)
        .where('g.status', '=', 'active')
        .where('u.moderation_state', '!=', 'disabled')
        .executeTakeFirst();
      if (!row) return undefined;
      const { u_trust_level, u_email_verified_at, ...grant } = row;
      return { grant, account: { trust_level: u_trust_level, email_verified_at: u_email_verified_at } };
    },
    async listActiveByAccount(accountId, limit, after) {
      let query = db
        .selectFrom('grants as g')
        .innerJoin('apps as a', 'a.id', 'g.app_id')
        .selectAll('g')
        .select(['a.name as a_name', 'a.homepage_url as a_homepage_url', 'a.trust_level as a_trust_level'])
        .where('g.account_id', '=', accountId)
        .where('g.status', '=', 'active');
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb('g.created_at', '>', after.createdAt),
            eb.and([eb('g.created_at', '=', after.createdAt), eb('g.id', '>', after.id)]),
          ]),
        );
      }
      const rows = await query.orderBy('g.created_at', 'asc').orderBy('g.id', 'asc').limit(limit).execute();
      return rows.map(({ a_name, a_homepage_url, a_trust_level, ...grant }) => ({
        grant,
        app: { id: grant.app_id, name: a_name, homepage_url: a_homepage_url, trust_level: a_trust_level },
      }));
    },
    async insert(row) {
      await db.insertInto('grants').values(row).execute();
    },
    updateById: (id, changes) =>
      db.updateTable('grants').set(changes).where('id', '=', id).returningAll().executeTakeFirst(),
  };
}

/** Scopes are stored as a sorted JSON array of canonical names. */
export const grantScopesOf = (grant: Pick<GrantRow, 'scopes'>): string[] =>
  JSON.parse(grant.scopes) as string[];
