import type { Kysely, Selectable } from 'kysely';
import type { Database, IdempotencyKeysTable } from '../schema.js';

export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;

export interface IdempotencyKeyRepository {
  /**
   * Records the first response to a key. Returns false, writing nothing, when the scope
   * already holds a live record of the key; an expired record is replaced. Call it in the
   * transaction that makes the change the response describes.
   */
  claim(row: IdempotencyKeyRow, now: number): Promise<boolean>;
  /** The unexpired record of a key, or undefined. */
  findLive(scope: string, key: string, now: number): Promise<IdempotencyKeyRow | undefined>;
  deleteExpired(before: number): Promise<number>;
}

export function createIdempotencyKeyRepository(db: Kysely<Database>): IdempotencyKeyRepository {
  return {
    async claim(row, now) {
      // Why an upsert instead of catching a unique violation: on PostgreSQL a violation
      // aborts the transaction, and a concurrent claim from another connection waits for the
      // first to commit and then simply matches nothing here.
      const claimed = await db
        .insertInto('idempotency_keys')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['scope', 'key'])
            .doUpdateSet({
              fingerprint: row.fingerprint,
              message_id: row.message_id,
              status_code: row.status_code,
              response: row.response,
              created_at: row.created_at,
              expires_at: row.expires_at,
            })
            .where('idempotency_keys.expires_at', '<=', now),
        )
        .returning('key')
        .executeTakeFirst();
      return claimed !== undefined;
    },
    findLive: (scope, key, now) =>
      db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('expires_at', '>', now)
        .executeTakeFirst(),
    async deleteExpired(before) {
      const result = await db
        .deleteFrom('idempotency_keys')
        .where('expires_at', '<=', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
