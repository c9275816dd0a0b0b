import type { Kysely, Selectable } from 'kysely';
import type { Database, MessageReportsTable } from '../schema.js';

export type MessageReportRow = Selectable<MessageReportsTable>;

export interface MessageReportRepository {
  /** Stores the report unless this person already reported this message; returns the stored one. */
  insertOrGet(row: MessageReportRow): Promise<{ report: MessageReportRow; created: boolean }>;
  findByMessageAndUser(messageId: string, userId: string): Promise<MessageReportRow | undefined>;
  listByApp(appId: string, limit: number): Promise<MessageReportRow[]>;
}

export function createMessageReportRepository(db: Kysely<Database>): MessageReportRepository {
  return {
    async insertOrGet(row) {
      const inserted = await db
        .insertInto('message_reports')
        .values(row)
        .onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      const report = await db
        .selectFrom('message_reports')
        .selectAll()
        .where('message_id', '=', row.message_id)
        .where('user_id', '=', row.user_id)
        .executeTakeFirstOrThrow();
      return { report, created: inserted !== undefined };
    },
    findByMessageAndUser: (messageId, userId) =>
      db
        .selectFrom('message_reports')
        .selectAll()
        .where('message_id', '=', messageId)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    listByApp: (appId, limit) =>
      db
        .selectFrom('message_reports')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),
  };
}
