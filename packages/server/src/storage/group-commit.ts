import { type Kysely, sql } from 'kysely';
import type { Storage } from './database.js';
import type { Database } from './schema.js';

/**
 * One unit of work of a batch. It runs inside a transaction shared with its neighbours and
 * must only touch the database through `trx`: if the batch's COMMIT fails, the work runs a
 * second time in a transaction of its own, so it must not have effects outside the database.
 */
export type Work<T> = (trx: Kysely<Database>) => Promise<T>;

export interface GroupCommitStats {
  /** Transactions committed (batches and solo retries). */
  commits: number;
  /** Items whose work ran and committed. */
  items: number;
  /** Items whose work threw; only their own savepoint was rolled back. */
  failed: number;
  largestBatch: number;
}

/**
 * Group commit: work items that arrive together share ONE transaction, so one fsync makes
 * many of them durable. Each item runs inside its own SAVEPOINT; an item that throws rolls
 * back only to its savepoint and rejects with its own error, never failing its neighbours.
 * `run` resolves only after the COMMIT that made the item durable returned.
 */
export interface GroupCommit {
  run<T>(work: Work<T>): Promise<T>;
  /** Waits until everything queued has committed or failed; later `run` calls reject. */
  close(): Promise<void>;
  stats(): GroupCommitStats;
}

export interface GroupCommitOptions {
  /** Most items in one transaction. */
  maxBatch?: number;
  /**
   * Batches committing at the same time. One on a single-writer database (SQLite has one
   * connection); several on PostgreSQL, each on its own pool connection.
   */
  concurrency?: number;
}

interface Item {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommitClosedError extends Error {
  constructor() {
    super('the group-commit writer is closed');
    this.name = 'GroupCommitClosedError';
  }
}

export function createGroupCommit(storage: Storage, options: GroupCommitOptions = {}): GroupCommit {
  const db = storage.db;
  const maxBatch = options.maxBatch ?? 512;
  const concurrency = options.concurrency ?? (storage.capabilities.singleWriter ? 1 : 4);
  const stats: GroupCommitStats = { commits: 0, items: 0, failed: 0, largestBatch: 0 };
  let queue: Item[] = [];
  let scheduled = false;
  let inFlight = 0;
  let closed = false;
  const idleWaiters: Array<() => void> = [];

  function schedule(): void {
    if (scheduled || queue.length === 0 || inFlight >= concurrency) return;
    scheduled = true;
    // Why setImmediate and not a microtask: requests whose bytes arrived in the same turn of
    // the event loop are all parsed and enqueued before the check phase runs the flush.
    setImmediate(flush);
  }

  function flush(): void {
    scheduled = false;
    while (queue.length > 0 && inFlight < concurrency) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      inFlight += 1;
      void commitBatch(batch).finally(() => {
        inFlight -= 1;
        schedule();
        if (inFlight === 0 && queue.length === 0) for (const wake of idleWaiters.splice(0)) wake();
      });
    }
  }

  async function commitBatch(batch: Item[]): Promise<void> {
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    let outcomes: Outcome[];
    try {
      outcomes = await db.transaction().execute(async (trx) => {
        // One item alone needs no savepoint: its transaction is its own.
        if (batch.length === 1) return [await runAsOnly(batch[0]!.work, trx)];
        const results: Outcome[] = [];
        for (const item of batch) results.push(await runInSavepoint(trx, item.work));
        return results;
      });
    } catch (error) {
      if (error instanceof ItemFailed) {
        settle(batch[0]!, { ok: false, error: error.error });
        return;
      }
      // The batch as a whole did not commit (its COMMIT or a savepoint command failed), so
      // none of it is on disk. Each item gets a transaction of its own, which isolates an
      // item whose writes only fail at commit time from its neighbours.
      await Promise.all(batch.map(runAlone));
      return;
    }
    stats.commits += 1;
    for (const [i, item] of batch.entries()) settle(item, outcomes[i]!);
  }

  async function runAlone(item: Item): Promise<void> {
    try {
      const value = await db.transaction().execute((trx) => item.work(trx));
      stats.commits += 1;
      settle(item, { ok: true, value });
    } catch (error) {
      settle(item, { ok: false, error });
    }
  }

  function settle(item: Item, outcome: Outcome): void {
    if (outcome.ok) {
      stats.items += 1;
      item.resolve(outcome.value);
    } else {
      stats.failed += 1;
      item.reject(outcome.error);
    }
  }

  return {
    run<T>(work: Work<T>): Promise<T> {
      if (closed) return Promise.reject(new GroupCommitClosedError());
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    async close() {
      closed = true;
      if (inFlight === 0 && queue.length === 0) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    stats: () => ({ ...stats }),
  };
}

/**
 * Runs the only item of a batch. When it throws, the transaction must still end without its
 * writes, so the error is carried out of the transaction callback, which rolls back.
 */
async function runAsOnly(work: Work<unknown>, trx: Kysely<Database>): Promise<Outcome> {
  try {
    return { ok: true, value: await work(trx) };
  } catch (error) {
    throw new ItemFailed(error);
  }
}

/** The only item of a batch failed; the batch transaction rolled back for it. */
class ItemFailed extends Error {
  constructor(readonly error: unknown) {
    super('the only item of a batch failed');
  }
}

/**
 * Runs one item between SAVEPOINT and RELEASE. When the work throws, ROLLBACK TO undoes
 * exactly its writes (on PostgreSQL it also clears the aborted-transaction state), and the
 * error becomes this item's outcome. A failing savepoint command is a fault of the whole
 * transaction and propagates.
 */
async function runInSavepoint(trx: Kysely<Database>, work: Work<unknown>): Promise<Outcome> {
  await sql`savepoint group_item`.execute(trx);
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: await work(trx) };
  } catch (error) {
    await sql`rollback to savepoint group_item`.execute(trx);
    outcome = { ok: false, error };
  }
  await sql`release savepoint group_item`.execute(trx);
  return outcome;
}
