import type { Kysely } from 'kysely';

// Frozen once released: change the schema with a new migration, never by editing this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A person's inbox. `sender_kind`/`sender_id` say who sent it (an app, or later a
  // capability token); `app_id` stays for the inbox's "by app" view and is cleared if the app
  // is deleted. `slug` is the address the sender used.
  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('sender_kind', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.references('apps.id').onDelete('set null'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute();
  // One index serves the inbox, newest first; the by-app and unread filters read the same
  // index range (one person's messages). A second index per filter would cost every send.
  await db.schema
    .createIndex('messages_inbox')
    .on('messages')
    .columns(['user_id', 'created_at', 'id'])
    .execute();

  // Idempotency-Key records (CONTRACT §5), written in the same transaction as the message.
  // `scope` is the caller (`app:<appId>`, later `cap:<tokenId>`); keys of different callers
  // never meet. `response` is the JSON `data` of the first 201, replayed as is.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expires')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('message_mutes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_mutes_pk', ['user_id', 'app_id'])
    .execute();

  // Reports outlive the message (a person may delete what they reported), so `message_id`
  // and `app_id` are plain values, kept for the trust model.
  await db.schema
    .createTable('message_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('sender_kind', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('message_reports_once', ['message_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('message_reports_app')
    .on('message_reports')
    .columns(['app_id', 'created_at'])
    .execute();
}
