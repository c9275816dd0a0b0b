import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from '../schema.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;

export interface SigningKeyRepository {
  /** The newest keys first. */
  listNewest(limit: number): Promise<SigningKeyRow[]>;
  /** Inserts a key unless its generation exists (another instance got there first). */
  insertIfAbsent(row: SigningKeyRow): Promise<boolean>;
}

export function createSigningKeyRepository(db: Kysely<Database>): SigningKeyRepository {
  return {
    listNewest: (limit) =>
      db.selectFrom('signing_keys').selectAll().orderBy('generation', 'desc').limit(limit).execute(),
    async insertIfAbsent(row) {
      const result = await db
        .insertInto('signing_keys')
        .values(row)
        .onConflict((oc) => oc.column('generation').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  };
}
