import type { Kysely, Selectable } from 'kysely';
import { precompiled } from '../precompiled.js';
import type { AppTokensTable, Database } from '../schema.js';
import { type AppRow, JOINED_APP_COLUMNS, joinedAppOf } from './apps.js';

export type AppTokenRow = Selectable<AppTokensTable>;

export interface AppTokenWithApp {
  token: AppTokenRow;
  app: AppRow;
  /** The API key the token was minted from. */
  key: { id: string; prefix: string };
}

export interface AppTokenRepository {
  insert(row: AppTokenRow): Promise<void>;
  /** Several tokens in one statement (one transaction). */
  insertMany(rows: AppTokenRow[]): Promise<void>;
  /** The live token with this hash and its app, or undefined. The key it came from must be live too. */
  findLiveByHash(tokenHash: string, now: number): Promise<AppTokenWithApp | undefined>;
  deleteExpired(before: number): Promise<number>;
}

export function createAppTokenRepository(db: Kysely<Database>): AppTokenRepository {
  // Every /app/v1 call and every aat_ introspection runs this: built once (storage/precompiled.ts).
  const findLive = precompiled(db, (tokenHash: string, now: number) =>
    db
      .selectFrom('app_tokens as t')
      .innerJoin('apps as a', 'a.id', 't.app_id')
      .innerJoin('api_keys as k', 'k.id', 't.api_key_id')
      .selectAll('t')
      .select([...JOINED_APP_COLUMNS, 'k.display_prefix as k_display_prefix'])
      .where('t.token_hash', '=', tokenHash)
      .where('t.revoked_at', 'is', null)
      .where('t.expires_at', '>', now)
      .where('k.revoked_at', 'is', null),
  );
  return {
    async insert(row) {
      await db.insertInto('app_tokens').values(row).execute();
    },
    async insertMany(rows) {
      if (rows.length > 0) await db.insertInto('app_tokens').values(rows).execute();
    },
    async findLiveByHash(tokenHash, now) {
      const [row] = await findLive(tokenHash, now);
      if (!row) return undefined;
      // Each field by name rather than an object rest (a slow runtime copy): every /app/v1
      // call and aat_ introspection runs this.
      const token = {
        id: row.id,
        app_id: row.app_id,
        api_key_id: row.api_key_id,
        token_hash: row.token_hash,
        scopes: row.scopes,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
      };
      return {
        token,
        app: joinedAppOf(row, row.app_id),
        key: { id: row.api_key_id, prefix: row.k_display_prefix },
      };
    },
    async deleteExpired(before) {
      const result = await db.deleteFrom('app_tokens').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
