import { type Kysely, type Selectable, sql } from 'kysely';
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

// The send path runs claim() and findLive() for every message; they are written as SQL
// templates because building them with the query builder costs several times more CPU than
// running them (see docs/messaging.md, "Delivery and durability").
export function createIdempotencyKeyRepository(db: Kysely<Database>): IdempotencyKeyRepository {
  return {
    async claim(row, now) {
      // Why an upsert instead of catching a unique violation: on PostgreSQL a violation
      // aborts the transaction, and a concurrent claim from another connection waits for the
      // first to commit and then simply matches nothing here.
      const { rows } = await sql<{ key: string }>`
        insert into idempotency_keys
          (scope, "key", fingerprint, message_id, status_code, response, created_at, expires_at)
        values (${row.scope}, ${row.key}, ${row.fingerprint}, ${row.message_id}, ${row.status_code},
          ${row.response}, ${row.created_at}, ${row.expires_at})
        on conflict (scope, "key") do update set
          fingerprint = excluded.fingerprint, message_id = excluded.message_id,
          status_code = excluded.status_code, response = excluded.response,
          created_at = excluded.created_at, expires_at = excluded.expires_at
        where idempotency_keys.expires_at <= ${now}
        returning "key"`.execute(db);
      return rows.length === 1;
    },
    async findLive(scope, key, now) {
      const { rows } = await sql<IdempotencyKeyRow>`
        select * from idempotency_keys
        where scope = ${scope} and "key" = ${key} and expires_at > ${now}`.execute(db);
      return rows[0];
    },
    async deleteExpired(before) {
      const result = await db
        .deleteFrom('idempotency_keys')
        .where('expires_at', '<=', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
