import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../storage/schema.js';

/** A unique index refused a write: SQLite `SQLITE_CONSTRAINT_UNIQUE`/`…_PRIMARYKEY`, PostgreSQL 23505. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Runs `attempt` again from the start when a unique index refused one of its writes: two
 * first approvals of the same app racing, or (astronomically rarely) a slug collision. The
 * attempt number lets a retry drop a choice that may have caused the conflict.
 */
export async function retryingUnique<T>(attempt: (number: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let number = 1; ; number++) {
    try {
      return await attempt(number);
    } catch (error) {
      if (number >= attempts || !isUniqueViolation(error)) throw error;
    }
  }
}

/**
 * {@link retryingUnique} with a transaction per attempt. A failed statement aborts a
 * PostgreSQL transaction, so each retry must be a new one.
 */
export function transactionRetryingUnique<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
  attempts = 3,
): Promise<T> {
  return retryingUnique(() => db.transaction().execute(work), attempts);
}
