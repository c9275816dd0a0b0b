import type { AppTokenRow } from '../storage/repositories/app-tokens.js';

/**
 * Writes app tokens in batches: rows handed in during one turn of the event loop go into one
 * multi-row INSERT (one transaction, so one fsync on SQLite), and each caller's promise
 * settles only once that statement has committed, so a 2xx still means the token is stored.
 *
 * Why not storage/group-commit.ts: that runs arbitrary work with a savepoint per item, three
 * statements each; a token row cannot conflict with its neighbours (random id and hash), so
 * one statement for the whole batch does the same job for the hottest write of the API at a
 * fraction of the cost. A batch that fails anyway is retried row by row, so a bad row fails
 * alone.
 */
export function createTokenWriter(
  insertMany: (rows: AppTokenRow[]) => Promise<void>,
  maxBatch = 200,
): (row: AppTokenRow) => Promise<void> {
  type Entry = { row: AppTokenRow; resolve: () => void; reject: (error: unknown) => void };
  let pending: Entry[] = [];
  let scheduled = false;

  async function write(batch: Entry[]): Promise<void> {
    try {
      await insertMany(batch.map((entry) => entry.row));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const entry of batch) await insertMany([entry.row]).then(entry.resolve, entry.reject);
    }
  }

  function drain(): void {
    scheduled = false;
    const all = pending;
    pending = [];
    for (let i = 0; i < all.length; i += maxBatch) void write(all.slice(i, i + maxBatch));
  }

  return (row) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ row, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        // Why setImmediate: requests whose bytes arrived in the same turn are all parsed and
        // queued before the check phase runs the write.
        setImmediate(drain);
      }
    });
}
