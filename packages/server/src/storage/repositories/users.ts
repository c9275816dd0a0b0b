import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../schema.js';

export type UserRow = Selectable<UsersTable>;

export interface UserRepository {
  findById(id: string): Promise<UserRow | undefined>;
  findByEmail(email: string): Promise<UserRow | undefined>;
  findByPrimarySlug(slug: string): Promise<UserRow | undefined>;
  /** Inserts unless the email exists; returns the stored row either way. */
  insertOrGet(user: UserRow): Promise<UserRow>;
  updateById(
    id: string,
    changes: Partial<Pick<UserRow, 'display_name' | 'primary_slug' | 'updated_at'>>,
  ): Promise<UserRow | undefined>;
}

export function createUserRepository(db: Kysely<Database>): UserRepository {
  return {
    findById: (id) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    findByEmail: (email) => db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst(),
    findByPrimarySlug: (slug) =>
      db.selectFrom('users').selectAll().where('primary_slug', '=', slug).executeTakeFirst(),
    async insertOrGet(user) {
      await db
        .insertInto('users')
        .values(user)
        .onConflict((oc) => oc.column('email').doNothing())
        .execute();
      return db.selectFrom('users').selectAll().where('email', '=', user.email).executeTakeFirstOrThrow();
    },
    updateById: (id, changes) =>
      db.updateTable('users').set(changes).where('id', '=', id).returningAll().executeTakeFirst(),
  };
}
