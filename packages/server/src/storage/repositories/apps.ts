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

/**
 * The columns of a joined `apps as a`, prefixed so they cannot clash with the row they are
 * joined to. Select them with `.select(JOINED_APP_COLUMNS)` and split with {@link splitJoinedApp}.
 */
export const JOINED_APP_COLUMNS = [
  'a.owner_user_id as a_owner_user_id',
  'a.name as a_name',
  'a.homepage_url as a_homepage_url',
  'a.redirect_uris as a_redirect_uris',
  'a.trust_level as a_trust_level',
  'a.moderation_state as a_moderation_state',
  'a.created_at as a_created_at',
  'a.updated_at as a_updated_at',
] as const;

interface JoinedApp {
  a_owner_user_id: string;
  a_name: string;
  a_homepage_url: string | null;
  a_redirect_uris: string;
  a_trust_level: string;
  a_moderation_state: string;
  a_created_at: number;
  a_updated_at: number;
}

/** The app of a row selected with {@link JOINED_APP_COLUMNS}, without copying the rest of the row. */
export function joinedAppOf(row: JoinedApp, appId: string): AppRow {
  return {
    id: appId,
    owner_user_id: row.a_owner_user_id,
    name: row.a_name,
    homepage_url: row.a_homepage_url,
    redirect_uris: row.a_redirect_uris,
    trust_level: row.a_trust_level,
    moderation_state: row.a_moderation_state,
    created_at: row.a_created_at,
    updated_at: row.a_updated_at,
  };
}

/** Splits a row selected with {@link JOINED_APP_COLUMNS} into the app and the row's own columns. */
export function splitJoinedApp<R extends JoinedApp>(
  row: R,
  appId: string,
): { app: AppRow; own: Omit<R, keyof JoinedApp> } {
  const {
    a_owner_user_id: _owner,
    a_name: _name,
    a_homepage_url: _homepage,
    a_redirect_uris: _redirects,
    a_trust_level: _trust,
    a_moderation_state: _moderation,
    a_created_at: _created,
    a_updated_at: _updated,
    ...own
  } = row;
  return { app: joinedAppOf(row, appId), own };
}
