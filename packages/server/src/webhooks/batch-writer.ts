import type { Kysely } from 'kysely';
import type { Storage } from '../storage/database.js';
import type { Database } from '../storage/schema.js';

/**
 * Writes attempt results in batches: results that finish during one turn of the event loop
 * share one transaction, so one commit (one fsync on SQLite) records many attempts. `write`
 * resolves once its result is committed. If a batch fails, each of its results is written
 * again in a transaction of its own, so one bad result fails alone.
 */
export interface BatchWriter<T> {
  write(item: T): Promise<void>;
  /** Waits for everything queued to be written. */
  close(): Promise<void>;
}

interface Queued<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

export function createBatchWriter<T>(
  storage: Storage,
  apply: (trx: Kysely<Database>, items: T[]) => Promise<void>,
  maxBatch = 256,
): BatchWriter<T> {
  // One writer on SQLite (one connection); a few on PostgreSQL, each on its own connection.
  const concurrency = storage.capabilities.singleWriter ? 1 : 3;
  let queue: Array<Queued<T>> = [];
  let running = 0;
  let scheduled = false;
  const idle: Array<() => void> = [];

  function schedule(): void {
    if (scheduled || queue.length === 0 || running >= concurrency) return;
    scheduled = true;
    setImmediate(flush);
  }

  function flush(): void {
    scheduled = false;
    while (queue.length > 0 && running < concurrency) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(maxBatch);
      running += 1;
      void commit(batch).finally(() => {
        running -= 1;
        schedule();
        if (running === 0 && queue.length === 0) for (const wake of idle.splice(0)) wake();
      });
    }
  }

  async function commit(batch: Array<Queued<T>>): Promise<void> {
    try {
      await storage.db.transaction().execute((trx) =>
        apply(
          trx,
          batch.map((queued) => queued.item),
        ),
      );
      for (const queued of batch) queued.resolve();
    } catch {
      await Promise.all(
        batch.map(async (queued) => {
          try {
            await storage.db.transaction().execute((trx) => apply(trx, [queued.item]));
            queued.resolve();
          } catch (error) {
            queued.reject(error);
          }
        }),
      );
    }
  }

  return {
    write: (item) =>
      new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      }),
    async close() {
      if (running === 0 && queue.length === 0) return;
      await new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
