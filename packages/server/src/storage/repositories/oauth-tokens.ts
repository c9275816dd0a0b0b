import type { CompiledQuery, Kysely, Selectable } from 'kysely';
import type {
  Database,
  OAuthAccessTokensTable,
  OAuthFamiliesTable,
  OAuthRefreshTokensTable,
} from '../schema.js';
import type { GrantRow } from './grants.js';

export type OAuthFamilyRow = Selectable<OAuthFamiliesTable>;
export type OAuthAccessTokenRow = Selectable<OAuthAccessTokensTable>;
export type OAuthRefreshTokenRow = Selectable<OAuthRefreshTokensTable>;

/** What a live `oit_` token stands for: its grant, the app and what the app may know of the person. */
export interface LiveAccessToken {
  token: OAuthAccessTokenRow;
  family: Pick<OAuthFamilyRow, 'id' | 'auth_time'>;
  grant: GrantRow;
  app: { id: string; name: string };
  /** Only what an app may learn of the account (no email, phone, id or handle is read). */
  account: { trust_level: string; email_verified_at: number | null };
}

export interface RefreshTokenWithFamily {
  refresh: OAuthRefreshTokenRow;
  family: OAuthFamilyRow;
}

export interface OAuthTokenRepository {
  insertFamily(row: OAuthFamilyRow): Promise<void>;
  insertAccess(row: OAuthAccessTokenRow): Promise<void>;
  insertRefresh(row: OAuthRefreshTokenRow): Promise<void>;
  /**
   * The access token with this hash when it, its family, its grant, its app and its person are
   * all live; undefined for every other case.
   */
  findLiveAccess(tokenHash: string, now: number): Promise<LiveAccessToken | undefined>;
  findRefreshByHash(tokenHash: string): Promise<RefreshTokenWithFamily | undefined>;
  findRefreshChildren(parentId: string): Promise<OAuthRefreshTokenRow[]>;
  /** Sets `used_at` if unset; false when another request used it first. */
  markRefreshUsed(id: string, now: number): Promise<boolean>;
  /** Sets `retried_at` if unset; false when the one grace retry was spent already. */
  markRefreshRetried(id: string, now: number): Promise<boolean>;
  /** Spends a refresh token for good (used and retried), e.g. one whose response was lost. */
  retireRefresh(id: string, now: number): Promise<void>;
  revokeAccess(id: string, now: number): Promise<void>;
  revokeFamily(id: string, now: number): Promise<void>;
  revokeFamiliesOfCode(codeId: string, now: number): Promise<number>;
  revokeFamiliesOfGrant(grantId: string, now: number): Promise<number>;
  deleteExpired(before: number): Promise<number>;
  /**
   * Deletes, with their remaining tokens, the families revoked before `before` and those created
   * before it whose every access and refresh token expired before it. Returns how many went.
   */
  deleteFinishedFamilies(before: number): Promise<number>;
}

const HASH = '\u0000token-hash';
const NOW = -1;

type LiveAccessRow = OAuthAccessTokenRow & {
  f_auth_time: number;
  g_id: string;
  g_account_id: string;
  g_app_id: string;
  g_slug: string;
  g_alias: string | null;
  g_scopes: string;
  g_status: string;
  g_created_at: number;
  g_updated_at: number;
  g_revoked_at: number | null;
  a_name: string;
  u_trust_level: string;
  u_email_verified_at: number | null;
};

export function createOAuthTokenRepository(db: Kysely<Database>): OAuthTokenRepository {
  // Why compiled once: this lookup answers every oit_ introspection and userinfo call, and
  // building the five-table query was a large share of its cost. The sentinels mark where
  // the hash and the time go among the compiled parameters.
  let liveAccess: CompiledQuery | undefined;
  const compileLiveAccess = () =>
    db
      .selectFrom('oauth_access_tokens as t')
      .innerJoin('oauth_families as f', 'f.id', 't.family_id')
      .innerJoin('grants as g', 'g.id', 'f.grant_id')
      .innerJoin('apps as a', 'a.id', 'g.app_id')
      .innerJoin('users as u', 'u.id', 'g.account_id')
      .selectAll('t')
      .select([
        'f.auth_time as f_auth_time',
        'g.id as g_id',
        'g.account_id as g_account_id',
        'g.app_id as g_app_id',
        'g.slug as g_slug',
        'g.alias as g_alias',
        'g.scopes as g_scopes',
        'g.status as g_status',
        'g.created_at as g_created_at',
        'g.updated_at as g_updated_at',
        'g.revoked_at as g_revoked_at',
        'a.name as a_name',
        'u.trust_level as u_trust_level',
        'u.email_verified_at as u_email_verified_at',
      ])
      .where('t.token_hash', '=', HASH)
      .where('t.revoked_at', 'is', null)
      .where('t.expires_at', '>', NOW)
      .where('f.revoked_at', 'is', null)
      .where('g.status', '=', 'active')
      .where('a.moderation_state', '!=', 'disabled')
      .where('u.moderation_state', '!=', 'disabled')
      .compile();

  async function revokeFamilies(column: 'id' | 'code_id' | 'grant_id', value: string, now: number) {
    const result = await db
      .updateTable('oauth_families')
      .set({ revoked_at: now })
      .where(column, '=', value)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  return {
    async insertFamily(row) {
      await db.insertInto('oauth_families').values(row).execute();
    },
    async insertAccess(row) {
      await db.insertInto('oauth_access_tokens').values(row).execute();
    },
    async insertRefresh(row) {
      await db.insertInto('oauth_refresh_tokens').values(row).execute();
    },
    async findLiveAccess(tokenHash, now) {
      liveAccess ??= compileLiveAccess();
      const compiled = liveAccess;
      const row = (
        await db.executeQuery<LiveAccessRow>({
          ...compiled,
          parameters: compiled.parameters.map((p) => (p === HASH ? tokenHash : p === NOW ? now : p)),
        })
      ).rows[0];
      if (!row) return undefined;
      return {
        token: {
          id: row.id,
          family_id: row.family_id,
          token_hash: row.token_hash,
          scopes: row.scopes,
          created_at: row.created_at,
          expires_at: row.expires_at,
          revoked_at: row.revoked_at,
        },
        family: { id: row.family_id, auth_time: row.f_auth_time },
        grant: {
          id: row.g_id,
          account_id: row.g_account_id,
          app_id: row.g_app_id,
          slug: row.g_slug,
          alias: row.g_alias,
          scopes: row.g_scopes,
          status: row.g_status,
          created_at: row.g_created_at,
          updated_at: row.g_updated_at,
          revoked_at: row.g_revoked_at,
        },
        app: { id: row.g_app_id, name: row.a_name },
        account: {
          trust_level: row.u_trust_level,
          email_verified_at: row.u_email_verified_at,
        },
      };
    },
    async findRefreshByHash(tokenHash) {
      const row = await db
        .selectFrom('oauth_refresh_tokens as r')
        .innerJoin('oauth_families as f', 'f.id', 'r.family_id')
        .selectAll('r')
        .select([
          'f.grant_id as f_grant_id',
          'f.app_id as f_app_id',
          'f.code_id as f_code_id',
          'f.scopes as f_scopes',
          'f.auth_time as f_auth_time',
          'f.created_at as f_created_at',
          'f.revoked_at as f_revoked_at',
        ])
        .where('r.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return undefined;
      const {
        f_grant_id,
        f_app_id,
        f_code_id,
        f_scopes,
        f_auth_time,
        f_created_at,
        f_revoked_at,
        ...refresh
      } = row;
      return {
        refresh,
        family: {
          id: refresh.family_id,
          grant_id: f_grant_id,
          app_id: f_app_id,
          code_id: f_code_id,
          scopes: f_scopes,
          auth_time: f_auth_time,
          created_at: f_created_at,
          revoked_at: f_revoked_at,
        },
      };
    },
    findRefreshChildren: (parentId) =>
      db.selectFrom('oauth_refresh_tokens').selectAll().where('parent_id', '=', parentId).execute(),
    async markRefreshUsed(id, now) {
      const result = await db
        .updateTable('oauth_refresh_tokens')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async markRefreshRetried(id, now) {
      const result = await db
        .updateTable('oauth_refresh_tokens')
        .set({ retried_at: now })
        .where('id', '=', id)
        .where('retried_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async retireRefresh(id, now) {
      await db
        .updateTable('oauth_refresh_tokens')
        .set((eb) => ({
          used_at: eb.fn.coalesce('used_at', eb.val(now)),
          retried_at: eb.fn.coalesce('retried_at', eb.val(now)),
        }))
        .where('id', '=', id)
        .execute();
    },
    async revokeAccess(id, now) {
      await db
        .updateTable('oauth_access_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async revokeFamily(id, now) {
      await revokeFamilies('id', id, now);
    },
    revokeFamiliesOfCode: (codeId, now) => revokeFamilies('code_id', codeId, now),
    revokeFamiliesOfGrant: (grantId, now) => revokeFamilies('grant_id', grantId, now),
    async deleteExpired(before) {
      const access = await db
        .deleteFrom('oauth_access_tokens')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      const refresh = await db
        .deleteFrom('oauth_refresh_tokens')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      return Number(access.numDeletedRows) + Number(refresh.numDeletedRows);
    },
    async deleteFinishedFamilies(before) {
      // Why created_at too: a family is inserted a moment before its first tokens, and must not
      // look finished in between.
      const finished = db
        .selectFrom('oauth_families as f')
        .select('f.id')
        .where((eb) =>
          eb.or([
            eb('f.revoked_at', '<', before),
            eb.and([
              eb('f.created_at', '<', before),
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('oauth_refresh_tokens as r')
                    .select('r.id')
                    .whereRef('r.family_id', '=', 'f.id')
                    .where('r.expires_at', '>=', before),
                ),
              ),
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('oauth_access_tokens as t')
                    .select('t.id')
                    .whereRef('t.family_id', '=', 'f.id')
                    .where('t.expires_at', '>=', before),
                ),
              ),
            ]),
          ]),
        );
      // Why batches: one IN list per statement stays far below the bound-parameter limits.
      let deleted = 0;
      for (;;) {
        const ids = (await finished.limit(500).execute()).map((row) => row.id);
        if (ids.length === 0) return deleted;
        // Why the tokens explicitly: the schema cascades, but the purge should not depend on it.
        // Each step is safe to repeat, so an interrupted run is finished by the next one.
        await db.deleteFrom('oauth_access_tokens').where('family_id', 'in', ids).execute();
        await db.deleteFrom('oauth_refresh_tokens').where('family_id', 'in', ids).execute();
        const result = await db.deleteFrom('oauth_families').where('id', 'in', ids).executeTakeFirst();
        deleted += Number(result.numDeletedRows);
        if (ids.length < 500) return deleted;
      }
    },
  };
}
