import type { Kysely, Selectable } from 'kysely';
import type { Database, EmailChallengesTable } from '../schema.js';

export type EmailChallengeRow = Selectable<EmailChallengesTable>;

export interface EmailChallengeRepository {
  findById(id: string): Promise<EmailChallengeRow | undefined>;
  findNewestByEmail(email: string): Promise<EmailChallengeRow | undefined>;
  /** Inserts a challenge and closes every older open one for the same address. */
  insertReplacingOlder(row: EmailChallengeRow): Promise<void>;
  /**
   * Counts one attempt atomically, only while the challenge is open, unexpired and under the
   * attempt limit. Returns the row after counting, or undefined when no attempt was allowed.
   */
  countAttempt(id: string, now: number, maxAttempts: number): Promise<EmailChallengeRow | undefined>;
  close(id: string, now: number): Promise<void>;
  /** Marks a challenge verified and attaches a one-time exchange code; false if it was closed meanwhile. */
  markVerified(
    id: string,
    changes: { userId: string; exchangeHash: string | null; exchangeExpiresAt: number | null; now: number },
  ): Promise<boolean>;
  /** Consumes an exchange code once; returns the user id it was issued for. */
  consumeExchange(exchangeHash: string, now: number): Promise<string | undefined>;
  deleteExpired(before: number): Promise<number>;
}

export function createEmailChallengeRepository(db: Kysely<Database>): EmailChallengeRepository {
  return {
    findById: (id) => db.selectFrom('email_challenges').selectAll().where('id', '=', id).executeTakeFirst(),
    findNewestByEmail: (email) =>
      db
        .selectFrom('email_challenges')
        .selectAll()
        .where('email', '=', email)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst(),
    async insertReplacingOlder(row) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('email_challenges')
          .set({ closed_at: row.created_at })
          .where('email', '=', row.email)
          .where('closed_at', 'is', null)
          .execute();
        await trx.insertInto('email_challenges').values(row).execute();
      });
    },
    countAttempt: (id, now, maxAttempts) =>
      db
        .updateTable('email_challenges')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('closed_at', 'is', null)
        .where('expires_at', '>', now)
        .where('attempts', '<', maxAttempts)
        .returningAll()
        .executeTakeFirst(),
    async close(id, now) {
      await db
        .updateTable('email_challenges')
        .set({ closed_at: now })
        .where('id', '=', id)
        .where('closed_at', 'is', null)
        .execute();
    },
    async markVerified(id, { userId, exchangeHash, exchangeExpiresAt, now }) {
      const result = await db
        .updateTable('email_challenges')
        .set({
          closed_at: now,
          verified_at: now,
          user_id: userId,
          exchange_hash: exchangeHash,
          exchange_expires_at: exchangeExpiresAt,
        })
        .where('id', '=', id)
        .where('closed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async consumeExchange(exchangeHash, now) {
      const row = await db
        .updateTable('email_challenges')
        .set({ exchanged_at: now })
        .where('exchange_hash', '=', exchangeHash)
        .where('exchanged_at', 'is', null)
        .where('exchange_expires_at', '>', now)
        .returning('user_id')
        .executeTakeFirst();
      return row?.user_id ?? undefined;
    },
    async deleteExpired(before) {
      const result = await db
        .deleteFrom('email_challenges')
        .where('expires_at', '<', before)
        .where((eb) => eb.or([eb('exchange_expires_at', 'is', null), eb('exchange_expires_at', '<', before)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
