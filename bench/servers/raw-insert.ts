// The reference of the message-send scenario: the simplest durable write a Node server can
// make, one INSERT per request in its own transaction, on the same kind of database with the
// same durability as Antara (SQLite in WAL mode with synchronous=FULL; PostgreSQL with its
// default synchronous_commit=on). It answers 201 only after the commit returned.
import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';

const port = Number(process.env.PORT);
const target = process.env.RAW_INSERT_DATABASE ?? '';

type Insert = (id: string, body: string) => Promise<void>;

async function open(): Promise<Insert> {
  if (target.startsWith('postgres')) {
    const pool = new pg.Pool({ connectionString: target, max: 10 });
    await pool.query(
      'create table if not exists raw_insert (id text primary key, body text not null, created_at bigint not null)',
    );
    return async (id, body) => {
      await pool.query('insert into raw_insert (id, body, created_at) values ($1, $2, $3)', [
        id,
        body,
        Date.now(),
      ]);
    };
  }
  const db = new SQLite(target);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'create table if not exists raw_insert (id text primary key, body text not null, created_at integer not null)',
  );
  const statement = db.prepare('insert into raw_insert (id, body, created_at) values (?, ?, ?)');
  return async (id, body) => {
    statement.run(id, body, Date.now());
  };
}

const insert = await open();
const app = Fastify({ logger: false });
app.post<{ Body: { body: string } }>('/insert', async (request, reply) => {
  const id = randomUUID();
  await insert(id, request.body.body);
  reply.status(201);
  return { id };
});
await app.listen({ host: '127.0.0.1', port });
process.stdout.write(`raw-insert listening on ${port}\n`);

process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
