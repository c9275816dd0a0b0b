import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, MessagesTable } from '../schema.js';

export type MessageRow = Selectable<MessagesTable>;

/** A message with the current name of the app that sent it (null once the app is gone). */
export interface MessageWithApp {
  message: MessageRow;
  appName: string | null;
}

export interface InboxQuery {
  limit: number;
  appId?: string;
  unreadOnly?: boolean;
  /** The created_at/id of the last message seen: the list continues with older ones. */
  before?: { createdAt: number; id: string };
}

/** Per sending app: how many messages the person holds from it, and how many are unread. */
export interface InboxAppCount {
  appId: string;
  appName: string;
  total: number;
  unread: number;
}

export interface MessageRepository {
  insert(row: MessageRow): Promise<void>;
  /** Inserts many messages in one statement. */
  insertMany(rows: readonly MessageRow[]): Promise<void>;
  /** The person's message, or undefined for a message that is not theirs. */
  findForUser(userId: string, id: string): Promise<MessageWithApp | undefined>;
  /** Newest first. */
  listForUser(userId: string, query: InboxQuery): Promise<MessageWithApp[]>;
  countByApp(userId: string): Promise<InboxAppCount[]>;
  /** Marks read (keeping the first read time) or unread; false when the message is not the person's. */
  setRead(userId: string, id: string, read: boolean, now: number): Promise<boolean>;
  deleteForUser(userId: string, id: string): Promise<boolean>;
}

export function createMessageRepository(db: Kysely<Database>): MessageRepository {
  const withApp = () =>
    db
      .selectFrom('messages as m')
      .leftJoin('apps as a', 'a.id', 'm.app_id')
      .selectAll('m')
      .select('a.name as a_name');
  async function insertMany(rows: readonly MessageRow[]): Promise<void> {
    if (rows.length === 0) return;
    // A SQL template: this runs for every message sent (see idempotency-keys.ts).
    const values = sql.join(
      rows.map(
        (row) => sql`(${row.id}, ${row.user_id}, ${row.sender_kind}, ${row.sender_id}, ${row.app_id},
          ${row.slug}, ${row.subject}, ${row.body}, ${row.created_at}, ${row.read_at})`,
      ),
    );
    await sql`
      insert into messages
        (id, user_id, sender_kind, sender_id, app_id, slug, subject, body, created_at, read_at)
      values ${values}`.execute(db);
  }

  const split = ({ a_name, ...message }: MessageRow & { a_name: string | null }): MessageWithApp => ({
    message,
    appName: a_name,
  });

  return {
    async insert(row) {
      await insertMany([row]);
    },
    insertMany,
    async findForUser(userId, id) {
      const row = await withApp().where('m.id', '=', id).where('m.user_id', '=', userId).executeTakeFirst();
      return row && split(row);
    },
    async listForUser(userId, { limit, appId, unreadOnly, before }) {
      let query = withApp().where('m.user_id', '=', userId);
      if (appId !== undefined) query = query.where('m.app_id', '=', appId);
      if (unreadOnly) query = query.where('m.read_at', 'is', null);
      if (before) {
        query = query.where((eb) =>
          eb.or([
            eb('m.created_at', '<', before.createdAt),
            eb.and([eb('m.created_at', '=', before.createdAt), eb('m.id', '<', before.id)]),
          ]),
        );
      }
      const rows = await query.orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(limit).execute();
      return rows.map(split);
    },
    async countByApp(userId) {
      const rows = await db
        .selectFrom('messages as m')
        .innerJoin('apps as a', 'a.id', 'm.app_id')
        .select((eb) => [
          'm.app_id as appId',
          'a.name as appName',
          eb.fn.countAll<number>().as('total'),
          eb.fn.count<number>('m.id').filterWhere('m.read_at', 'is', null).as('unread'),
        ])
        .where('m.user_id', '=', userId)
        .groupBy(['m.app_id', 'a.name'])
        .orderBy('a.name')
        .execute();
      return rows.map((r) => ({
        appId: r.appId as string,
        appName: r.appName,
        total: Number(r.total),
        unread: Number(r.unread),
      }));
    },
    async setRead(userId, id, read, now) {
      let update = db
        .updateTable('messages')
        .set({ read_at: read ? now : null })
        .where('id', '=', id)
        .where('user_id', '=', userId);
      // Marking read twice keeps the first read time.
      if (read) update = update.where('read_at', 'is', null);
      await update.execute();
      const exists = await db
        .selectFrom('messages')
        .select('id')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return exists !== undefined;
    },
    async deleteForUser(userId, id) {
      const result = await db
        .deleteFrom('messages')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}
