import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../storage/schema.js';

/** A unique index refused a write: SQLite `SQLITE_CONSTRAINT_UNIQUE`/`…_PRIMARYKEY`, PostgreSQL 23505. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Runs `work` in a transaction, again from the start when a unique index refused a write:
 * two first approvals of the same app racing, or (astronomically rarely) a slug collision.
 * A failed statement aborts a PostgreSQL transaction, so the retry must be a new one.
 */
export async function transactionRetryingUnique<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= attempts || !isUniqueViolation(error)) throw error;
    }
  }
}
