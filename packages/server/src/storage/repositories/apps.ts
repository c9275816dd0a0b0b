import type { Kysely, Selectable } from 'kysely';
import type { AppsTable, Database } from '../schema.js';

export type AppRow = Selectable<AppsTable>;

export interface AppRepository {
  findById(id: string): Promise<AppRow | undefined>;
  listByOwner(ownerUserId: string): Promise<AppRow[]>;
  insert(row: AppRow): Promise<void>;
  updateById(
    id: string,
    changes: Partial<
      Pick<
        AppRow,
        'name' | 'homepage_url' | 'redirect_uris' | 'trust_level' | 'moderation_state' | 'updated_at'
      >
    >,
  ): Promise<AppRow | undefined>;
  /** Deletes the app; its keys and tokens go with it (ON DELETE CASCADE). */
  deleteById(id: string): Promise<boolean>;
}

export function createAppRepository(db: Kysely<Database>): AppRepository {
  return {
    findById: (id) => db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst(),
    listByOwner: (ownerUserId) =>
      db
        .selectFrom('apps')
        .selectAll()
        .where('owner_user_id', '=', ownerUserId)
        .orderBy('created_at', 'asc')
        .execute(),
    async insert(row) {
      await db.insertInto('apps').values(row).execute();
    },
    updateById: (id, changes) =>
      db.updateTable('apps').set(changes).where('id', '=', id).returningAll().executeTakeFirst(),
    async deleteById(id) {
      const result = await db.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}

/** Redirect URIs are stored as a JSON array of exact strings. */
export const redirectUrisOf = (app: AppRow): string[] => JSON.parse(app.redirect_uris) as string[];
