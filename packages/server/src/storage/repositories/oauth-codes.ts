import type { Kysely, Selectable } from 'kysely';
import type { Database, OAuthCodesTable } from '../schema.js';

export type OAuthCodeRow = Selectable<OAuthCodesTable>;

export interface OAuthCodeRepository {
  insert(row: OAuthCodeRow): Promise<void>;
  findByHash(codeHash: string): Promise<OAuthCodeRow | undefined>;
  /** Marks the code used if it is still unused and unexpired; false when another request won. */
  consume(id: string, now: number): Promise<boolean>;
  deleteExpired(before: number): Promise<number>;
}

export function createOAuthCodeRepository(db: Kysely<Database>): OAuthCodeRepository {
  return {
    async insert(row) {
      await db.insertInto('oauth_codes').values(row).execute();
    },
    findByHash: (codeHash) =>
      db.selectFrom('oauth_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst(),
    async consume(id, now) {
      const result = await db
        .updateTable('oauth_codes')
        .set({ consumed_at: now })
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async deleteExpired(before) {
      const result = await db.deleteFrom('oauth_codes').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
