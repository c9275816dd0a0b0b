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
 * many of them durable. An item that throws rejects with its own error and never fails its
 * neighbours (see {@link Isolation}); `run` resolves only after the COMMIT that made the
 * item durable returned.
 *
 * This is the server's one batching writer. Work closures (an OAuth exchange, a consent) go
 * through `run`; rows of one kind that are written together (app tokens, messages, webhook
 * attempts) go through {@link batchWriter}, which hands a whole batch to one work item.
 */
export interface GroupCommit {
  run<T>(work: Work<T>): Promise<T>;
  /** Waits until everything queued has committed or failed; later `run` calls reject. */
  close(): Promise<void>;
  stats(): GroupCommitStats;
}

/**
 * How one item's failure is kept from its neighbours.
 * - `savepoint`: each item runs between SAVEPOINT and RELEASE, and a failure rolls back to
 *   its savepoint only. Two statements more per item: nearly free in-process (SQLite), two
 *   network round trips on a database server.
 * - `retry`: items run without savepoints; a failing item rolls the whole batch back, and
 *   then every item runs again in a transaction of its own, so only the failing one fails.
 *   The cheaper choice when items rarely fail inside the batch, which is the case when the
 *   expected refusals (an unknown recipient, say) are decided before `run`.
 */
export type Isolation = 'savepoint' | 'retry';

export interface GroupCommitOptions {
  /** Default: `savepoint` on a single-writer database (SQLite), `retry` on PostgreSQL. */
  isolation?: Isolation;
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
  const isolation = options.isolation ?? (storage.capabilities.singleWriter ? 'savepoint' : 'retry');
  const stats: GroupCommitStats = { commits: 0, items: 0, failed: 0, largestBatch: 0 };
  let queue: Item[] = [];
  let scheduled = false;
  let inFlight = 0;
  let closed = false;
  const idleWaiters: Array<() => void> = [];

  function schedule(): void {
    if (scheduled || queue.length === 0 || inFlight >= concurrency) return;
    scheduled = true;
    // Why setImmediate and not a microtask (or a timer): requests whose bytes arrived in the
    // same turn of the event loop are all parsed and enqueued before the check phase runs
    // the flush, and no request waits longer than that turn for its batch to start.
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
        if (batch.length === 1) return [await runOrAbort(batch[0]!.work, trx)];
        const results: Outcome[] = [];
        for (const item of batch) {
          results.push(
            isolation === 'savepoint'
              ? await runInSavepoint(trx, item.work)
              : await runOrAbort(item.work, trx),
          );
        }
        return results;
      });
    } catch (error) {
      if (error instanceof ItemFailed && batch.length === 1) {
        settle(batch[0]!, { ok: false, error: error.error });
        return;
      }
      // The batch as a whole did not commit (an item failed in `retry` isolation, or the
      // COMMIT or a savepoint command failed), so none of it is on disk. Each item gets a
      // transaction of its own, which also isolates an item whose writes only fail at commit
      // time from its neighbours. One after another, in arrival order, so that items which
      // conflict with each other are decided as the savepoint isolation would decide them.
      for (const item of batch) await runAlone(item);
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
 * Runs an item with no savepoint of its own. When it throws, the transaction must end
 * without its writes, so the error is carried out of the transaction callback, which rolls
 * the transaction back.
 */
async function runOrAbort(work: Work<unknown>, trx: Kysely<Database>): Promise<Outcome> {
  try {
    return { ok: true, value: await work(trx) };
  } catch (error) {
    throw new ItemFailed(error);
  }
}

/** An item without a savepoint failed; the batch transaction rolls back for it. */
class ItemFailed extends Error {
  constructor(readonly error: unknown) {
    super('an item of the batch failed');
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

/**
 * Items written together: `write` gets every item that arrived while its batch was open
 * and stores them in a few statements (a multi-row INSERT per table) instead of a few per
 * item, which matters most where each statement is a network round trip. The batch is one
 * work item of `groupCommit`, so it shares that transaction and its durability, and each
 * caller's promise settles only after that COMMIT. It must return one result per item, in
 * order. When the whole batch fails, each item is written alone (again through the group
 * commit, so still isolated from the others), so one bad item fails by itself instead of
 * taking its neighbours with it. At most `maxItems` go in one batch, which keeps a multi-row
 * statement under the databases' parameter limits.
 */
export function batchWriter<I, R>(
  groupCommit: GroupCommit,
  write: (trx: Kysely<Database>, items: readonly I[]) => Promise<R[]>,
  maxItems = 256,
): (item: I) => Promise<R> {
  interface Entry {
    item: I;
    resolve(result: R): void;
    reject(error: unknown): void;
  }
  let open: Entry[] | undefined;

  function writeAlone(entry: Entry): void {
    groupCommit
      .run((trx) => write(trx, [entry.item]))
      .then((results) => entry.resolve(results[0]!), entry.reject);
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (!open) {
        const entries: Entry[] = [];
        open = entries;
        // The batch stays open until its work starts: everything that arrives before the
        // group commit flushes joins it.
        groupCommit
          .run((trx) => {
            if (open === entries) open = undefined;
            return write(
              trx,
              entries.map((e) => e.item),
            );
          })
          .then(
            (results) => {
              for (const [i, entry] of entries.entries()) entry.resolve(results[i]!);
            },
            (error) => {
              // A closed writer refuses before the work ever ran: the batch must not stay open.
              if (open === entries) open = undefined;
              if (entries.length === 1) entries[0]!.reject(error);
              else for (const entry of entries) writeAlone(entry);
            },
          );
      }
      open.push({ item, resolve, reject });
      if (open.length >= maxItems) open = undefined;
    });
}
