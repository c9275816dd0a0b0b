import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database } from '../schema.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export interface ApiKeyRepository {
  findById(id: string): Promise<ApiKeyRow | undefined>;
  /** The unrevoked key with this hash. */
  findLiveByHash(keyHash: string): Promise<ApiKeyRow | undefined>;
  listByApp(appId: string): Promise<ApiKeyRow[]>;
  insert(row: ApiKeyRow): Promise<void>;
  touch(id: string, now: number): Promise<void>;
  /** Revokes the key and every token minted from it, in one transaction. */
  revoke(appId: string, id: string, now: number): Promise<boolean>;
}

export function createApiKeyRepository(db: Kysely<Database>): ApiKeyRepository {
  return {
    findById: (id) => db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    findLiveByHash: (keyHash) =>
      db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),
    listByApp: (appId) =>
      db
        .selectFrom('api_keys')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('created_at', 'asc')
        .execute(),
    async insert(row) {
      await db.insertInto('api_keys').values(row).execute();
    },
    async touch(id, now) {
      await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
    },
    revoke: (appId, id, now) =>
      db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('api_keys')
          .set({ revoked_at: now })
          .where('id', '=', id)
          .where('app_id', '=', appId)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        await trx
          .updateTable('app_tokens')
          .set({ revoked_at: now })
          .where('api_key_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
        return Number(result.numUpdatedRows) === 1;
      }),
  };
}
