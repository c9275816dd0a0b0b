import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * A query built and compiled to SQL once, then run with new arguments. Why: building a Kysely
 * query (node trees, frozen objects, reference parsing) costs more than running a small
 * indexed lookup, and the hottest reads (token checks) have a fixed shape.
 *
 * `build` receives placeholder arguments and must pass each, unchanged, as a query value;
 * every other value in it is a constant. The placeholders are distinct values chosen here,
 * so an argument is found in the compiled parameters by identity.
 *
 * @example
 * const byHash = precompiled(db, (hash: string) => db.selectFrom('app_tokens').selectAll().where('token_hash', '=', hash));
 * const [row] = await byHash('ab12…');
 */
export function precompiled<A extends unknown[], R>(
  db: Kysely<Database>,
  build: (...args: A) => Compilable<R>,
): (...args: A) => Promise<R[]> {
  // Compiled on first use: repositories are also built per transaction, mostly never to run this.
  let compiled: { query: CompiledQuery<R>; slots: number[] } | undefined;
  const compile = () => {
    const placeholders = Array.from(
      { length: build.length },
      (_, i) => `\u0000precompiled-argument-${i}\u0000`,
    );
    const query = build(...(placeholders as A)).compile();
    const slots = query.parameters.map((value) => placeholders.indexOf(value as string));
    if (new Set(slots.filter((slot) => slot >= 0)).size !== placeholders.length) {
      throw new Error('precompiled: every argument must appear in the query exactly as given');
    }
    return { query, slots };
  };
  return async (...args) => {
    compiled ??= compile();
    const { query, slots } = compiled;
    const parameters = query.parameters.map((value, i) => {
      const slot = slots[i] ?? -1;
      return slot >= 0 ? args[slot] : value;
    });
    // The compiled query with new parameters, rather than CompiledQuery.raw(): that builds
    // and freezes a new operation node on every call. No plugin reads the node or the id.
    const result = await db.executeQuery<R>({ ...query, parameters });
    return result.rows;
  };
}
