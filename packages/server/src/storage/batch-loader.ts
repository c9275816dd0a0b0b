/**
 * Reads that arrive together, answered by one query: each caller asks for one key, and
 * every key asked for before the loader flushes goes to `loadMany` at once (the DataLoader
 * pattern). On a database server each query is a network round trip, and on either
 * database each statement has a fixed cost, so a hot lookup done per request costs far
 * more than the same lookup for many requests in one statement.
 *
 * `loadMany` answers with one value per key, in the order of the keys (undefined for a key
 * with no row). When it throws, every caller of that batch gets the error.
 */
export function batchLoader<K, V>(
  loadMany: (keys: readonly K[]) => Promise<V[]>,
  maxBatch = 256,
): (key: K) => Promise<V> {
  interface Waiting {
    key: K;
    resolve(value: V): void;
    reject(error: unknown): void;
  }
  let waiting: Waiting[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const all = waiting;
    waiting = [];
    for (let start = 0; start < all.length; start += maxBatch) {
      const batch = all.slice(start, start + maxBatch);
      loadMany(batch.map((w) => w.key)).then(
        (values) => {
          for (const [i, w] of batch.entries()) w.resolve(values[i] as V);
        },
        (error) => {
          for (const w of batch) w.reject(error);
        },
      );
    }
  }

  return (key) =>
    new Promise<V>((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        // Why setImmediate: requests whose bytes arrived in the same turn of the event loop
        // all ask before the check phase runs the flush (see group-commit.ts).
        setImmediate(flush);
      }
    });
}
