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
  /**
   * claim() for many records in one statement; returns the claimed ones as {@link keySlot}
   * values. A key that appears twice is claimed once, for its first record.
   */
  claimMany(rows: readonly IdempotencyKeyRow[], now: number): Promise<Set<string>>;
  /** The unexpired record of a key, or undefined. */
  findLive(scope: string, key: string, now: number): Promise<IdempotencyKeyRow | undefined>;
  /** findLive() for many keys in one statement, one answer per key in order. */
  findLiveMany(
    keys: ReadonlyArray<{ scope: string; key: string }>,
    now: number,
  ): Promise<Array<IdempotencyKeyRow | undefined>>;
  deleteExpired(before: number): Promise<number>;
}

// The send path runs claim() and findLive() for every message; they are written as SQL
// templates because building them with the query builder costs several times more CPU than
// running them (see docs/messaging.md, "Delivery and durability").
/** One string per (scope, key), for sets and maps of keys. */
export const keySlot = (row: { scope: string; key: string }): string => `${row.scope}\u0000${row.key}`;

export function createIdempotencyKeyRepository(db: Kysely<Database>): IdempotencyKeyRepository {
  async function claimMany(rows: readonly IdempotencyKeyRow[], now: number): Promise<Set<string>> {
    const seen = new Set<string>();
    const unique = rows.filter((row) => !seen.has(keySlot(row)) && seen.add(keySlot(row)));
    if (unique.length === 0) return new Set();
    // Why an upsert instead of catching a unique violation: on PostgreSQL a violation
    // aborts the transaction, and a concurrent claim from another connection waits for the
    // first to commit and then simply matches nothing here.
    const values = sql.join(
      unique.map(
        (row) => sql`(${row.scope}, ${row.key}, ${row.fingerprint}, ${row.message_id}, ${row.status_code},
          ${row.response}, ${row.created_at}, ${row.expires_at})`,
      ),
    );
    const { rows: claimed } = await sql<{ scope: string; key: string }>`
      insert into idempotency_keys
        (scope, "key", fingerprint, message_id, status_code, response, created_at, expires_at)
      values ${values}
      on conflict (scope, "key") do update set
        fingerprint = excluded.fingerprint, message_id = excluded.message_id,
        status_code = excluded.status_code, response = excluded.response,
        created_at = excluded.created_at, expires_at = excluded.expires_at
      where idempotency_keys.expires_at <= ${now}
      returning scope, "key"`.execute(db);
    return new Set(claimed.map(keySlot));
  }

  return {
    async claim(row, now) {
      return (await claimMany([row], now)).size === 1;
    },
    claimMany,
    async findLive(scope, key, now) {
      const { rows } = await sql<IdempotencyKeyRow>`
        select * from idempotency_keys
        where scope = ${scope} and "key" = ${key} and expires_at > ${now}`.execute(db);
      return rows[0];
    },
    async findLiveMany(keys, now) {
      if (keys.length === 0) return [];
      const pairs = sql.join(keys.map((k) => sql`(${k.scope}, ${k.key})`));
      const { rows } = await sql<IdempotencyKeyRow>`
        select * from idempotency_keys
        where (scope, "key") in (values ${pairs}) and expires_at > ${now}`.execute(db);
      const bySlot = new Map(rows.map((row) => [keySlot(row), row]));
      return keys.map((k) => bySlot.get(keySlot(k)));
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
