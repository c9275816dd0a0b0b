import type { Kysely, Selectable } from 'kysely';
import { precompiled } from '../precompiled.js';
import type { ApiKeysTable, Database } from '../schema.js';
import { type AppRow, JOINED_APP_COLUMNS, splitJoinedApp } from './apps.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export interface ApiKeyRepository {
  findById(id: string): Promise<ApiKeyRow | undefined>;
  /** The unrevoked key with this hash. */
  findLiveByHash(keyHash: string): Promise<ApiKeyRow | undefined>;
  /** The unrevoked key with this hash and its app, in one query. */
  findLiveWithAppByHash(keyHash: string): Promise<{ key: ApiKeyRow; app: AppRow } | undefined>;
  /** Newest first; `before` is the created_at/id cursor of the last row seen. */
  listByApp(appId: string, limit: number, before?: { createdAt: number; id: string }): Promise<ApiKeyRow[]>;
  countLiveByApp(appId: string): Promise<number>;
  insert(row: ApiKeyRow): Promise<void>;
  touch(id: string, now: number): Promise<void>;
  /**
   * Revokes the key and every token minted from it. Two statements: call it inside a
   * transaction. False when the key was not live.
   */
  revoke(appId: string, id: string, now: number): Promise<boolean>;
}

export function createApiKeyRepository(db: Kysely<Database>): ApiKeyRepository {
  // Every token exchange runs this: built once (storage/precompiled.ts).
  const findLiveWithApp = precompiled(db, (keyHash: string) =>
    db
      .selectFrom('api_keys as k')
      .innerJoin('apps as a', 'a.id', 'k.app_id')
      .selectAll('k')
      .select(JOINED_APP_COLUMNS)
      .where('k.key_hash', '=', keyHash)
      .where('k.revoked_at', 'is', null),
  );
  return {
    findById: (id) => db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    findLiveByHash: (keyHash) =>
      db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),
    async findLiveWithAppByHash(keyHash) {
      const [row] = await findLiveWithApp(keyHash);
      if (!row) return undefined;
      const { app, own } = splitJoinedApp(row, row.app_id);
      return { key: own, app };
    },
    listByApp(appId, limit, before) {
      let query = db.selectFrom('api_keys').selectAll().where('app_id', '=', appId);
      if (before) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', before.createdAt),
            eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
          ]),
        );
      }
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },
    async countLiveByApp(appId) {
      const row = await db
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('app_id', '=', appId)
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insert(row) {
      await db.insertInto('api_keys').values(row).execute();
    },
    async touch(id, now) {
      await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
    },
    async revoke(appId, id, now) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('app_id', '=', appId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await db
        .updateTable('app_tokens')
        .set({ revoked_at: now })
        .where('api_key_id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      return true;
    },
  };
}
