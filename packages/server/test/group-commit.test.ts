import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.js';
import { openStorage, type Storage } from '../src/storage/database.js';
import {
  batchWriter,
  createGroupCommit,
  GroupCommitClosedError,
  type GroupCommitOptions,
  type Isolation,
} from '../src/storage/group-commit.js';
import { freshDatabase } from './support/databases.js';
import { eachDialect } from './support/dialects.js';

eachDialect('group commit', (dialect) => {
  let storage: Storage;
  let config: Config['database'];
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await freshDatabase(dialect);
    config = database.config;
    drop = database.drop;
    storage = await openStorage(config);
    await sql`create table gc_parent (id integer primary key)`.execute(storage.db);
    // A deferred foreign key is checked only at COMMIT: the way to make a whole batch's
    // commit fail on both dialects.
    await sql`create table gc_row (
      id integer primary key,
      label text not null unique,
      parent_id integer references gc_parent (id) deferrable initially deferred
    )`.execute(storage.db);
  });
  afterAll(async () => {
    await storage?.close();
    await drop?.();
  });
  beforeEach(async () => {
    await sql`delete from gc_row`.execute(storage.db);
    await sql`delete from gc_parent`.execute(storage.db);
  });

  const insertRow = (id: number, label: string, parentId: number | null = null) =>
    sql`insert into gc_row (id, label, parent_id) values (${id}, ${label}, ${parentId})`;
  const ids = async () =>
    (await sql<{ id: number }>`select id from gc_row order by id`.execute(storage.db)).rows.map((r) =>
      Number(r.id),
    );

  for (const isolation of ['savepoint', 'retry'] as Isolation[]) {
    describe(`with ${isolation} isolation`, () => {
      const writerOf = (options: GroupCommitOptions = {}) =>
        createGroupCommit(storage, { isolation, ...options });
      // With savepoints a failing item leaves the batch's one commit intact; with retries the
      // batch rolls back and each item commits alone.
      const commitsAfterOneFailure = (items: number) => (isolation === 'savepoint' ? 1 : items);

      it('commits fifty items that arrive together in one transaction, and one failing item fails alone', async () => {
        const writer = writerOf();
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            writer.run(async (trx) => {
              await insertRow(i + 1, `row-${i + 1}`).execute(trx);
              // Item 17 writes, then fails: its row must not survive.
              if (i === 16) throw new Error('item 17 changed its mind');
              return i + 1;
            }),
          ),
        );
        expect(outcomes[16]).toEqual({ status: 'rejected', reason: new Error('item 17 changed its mind') });
        const fulfilled = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value);
        expect(fulfilled).toHaveLength(49);
        expect(await ids()).toEqual(fulfilled);
        expect(writer.stats()).toEqual({
          commits: commitsAfterOneFailure(49),
          items: 49,
          failed: 1,
          largestBatch: 50,
        });
        await writer.close();
      });

      it('isolates a constraint violation: the neighbours of a duplicate still commit', async () => {
        const writer = writerOf();
        const outcomes = await Promise.allSettled([
          writer.run((trx) => insertRow(1, 'same').execute(trx)),
          writer.run(async (trx) => {
            await insertRow(2, 'unique-2').execute(trx);
            await insertRow(3, 'same').execute(trx);
          }),
          writer.run((trx) => insertRow(4, 'unique-4').execute(trx)),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        // Nothing of the failed item is half-written: its first insert went with its savepoint.
        expect(await ids()).toEqual([1, 4]);
        expect(writer.stats().commits).toBe(commitsAfterOneFailure(2));
        await writer.close();
      });

      it('retries every item alone when the batch COMMIT fails, so only the offender fails', async () => {
        await sql`insert into gc_parent (id) values (1)`.execute(storage.db);
        const writer = writerOf();
        const outcomes = await Promise.allSettled([
          writer.run((trx) => insertRow(1, 'a', 1).execute(trx)),
          writer.run((trx) => insertRow(2, 'orphan', 999).execute(trx)),
          writer.run((trx) => insertRow(3, 'c', null).execute(trx)),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await ids()).toEqual([1, 3]);
        // The failed batch committed nothing; the two good items committed alone.
        expect(writer.stats()).toMatchObject({ commits: 2, items: 2, failed: 1 });
        await writer.close();
      });

      it('rolls back a lone item that fails, with its own error, and commits the next one', async () => {
        const writer = writerOf();
        await expect(
          writer.run(async (trx) => {
            await insertRow(1, 'lone').execute(trx);
            throw new Error('lone item failed');
          }),
        ).rejects.toThrow('lone item failed');
        await writer.run((trx) => insertRow(2, 'next').execute(trx));
        expect(await ids()).toEqual([2]);
        expect(writer.stats()).toMatchObject({ commits: 1, items: 1, failed: 1 });
        await writer.close();
      });

      it('resolves only once the commit is visible to another connection', async () => {
        const writer = writerOf();
        await writer.run((trx) => insertRow(7, 'seen').execute(trx));
        expect(await countFromAnotherConnection(config)).toBe(1);
        await writer.close();
      });

      it('keeps batching items that arrive while a batch commits, and close() waits for them', async () => {
        const writer = writerOf({ maxBatch: 8 });
        const pending: Promise<unknown>[] = [];
        for (let i = 1; i <= 40; i += 1) {
          pending.push(writer.run((trx) => insertRow(i, `r${i}`).execute(trx)));
          if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        await writer.close();
        expect(await ids()).toHaveLength(40);
        await Promise.all(pending);
        const stats = writer.stats();
        expect(stats.items).toBe(40);
        expect(stats.largestBatch).toBeLessThanOrEqual(8);
        expect(stats.commits).toBeGreaterThanOrEqual(5);
        await expect(writer.run(async () => 1)).rejects.toBeInstanceOf(GroupCommitClosedError);
      });
    });
  }

  describe('batch writer', () => {
    const insertMany = (rows: ReadonlyArray<{ id: number; label: string }>) =>
      sql`insert into gc_row (id, label) values ${sql.join(rows.map((r) => sql`(${r.id}, ${r.label})`))}`;

    it('writes the items that arrive together with one statement in one commit, answering each in order', async () => {
      const writer = createGroupCommit(storage);
      const batches: number[] = [];
      const write = batchWriter(writer, async (trx, rows: ReadonlyArray<{ id: number; label: string }>) => {
        batches.push(rows.length);
        await insertMany(rows).execute(trx);
        return rows.map((r) => r.id * 10);
      });
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => write({ id: i + 1, label: `b${i}` })),
      );
      expect(results).toEqual(Array.from({ length: 30 }, (_, i) => (i + 1) * 10));
      expect(batches).toEqual([30]);
      expect(writer.stats()).toMatchObject({ commits: 1, largestBatch: 1 });
      expect(await ids()).toHaveLength(30);
      await writer.close();
    });

    it('writes each item alone when its batch fails, so only the bad item fails', async () => {
      await sql`insert into gc_row (id, label) values (100, 'taken')`.execute(storage.db);
      const writer = createGroupCommit(storage);
      const write = batchWriter(writer, async (trx, rows: ReadonlyArray<{ id: number; label: string }>) => {
        await insertMany(rows).execute(trx);
        return rows.map(() => true);
      });
      const outcomes = await Promise.allSettled([
        write({ id: 1, label: 'one' }),
        write({ id: 2, label: 'taken' }),
        write({ id: 3, label: 'three' }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await ids()).toEqual([1, 3, 100]);
      await writer.close();
    });

    it('starts a new batch after maxItems, and refuses once the group commit is closed', async () => {
      const writer = createGroupCommit(storage);
      const batches: number[] = [];
      const write = batchWriter(
        writer,
        async (trx, rows: ReadonlyArray<{ id: number; label: string }>) => {
          batches.push(rows.length);
          await insertMany(rows).execute(trx);
          return rows.map(() => true);
        },
        4,
      );
      await Promise.all(Array.from({ length: 10 }, (_, i) => write({ id: i + 1, label: `c${i}` })));
      expect(batches).toEqual([4, 4, 2]);
      await writer.close();
      await expect(write({ id: 99, label: 'late' })).rejects.toBeInstanceOf(GroupCommitClosedError);
      await expect(write({ id: 98, label: 'later' })).rejects.toBeInstanceOf(GroupCommitClosedError);
    });
  });
});

async function countFromAnotherConnection(config: Config['database']): Promise<number> {
  if (config.kind === 'sqlite') {
    const other = new SQLite(config.file, { readonly: true });
    try {
      return (other.prepare('select count(*) as n from gc_row').get() as { n: number }).n;
    } finally {
      other.close();
    }
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    return Number((await client.query('select count(*) as n from gc_row')).rows[0].n);
  } finally {
    await client.end();
  }
}
