import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, WebhookEndpointsTable } from '../schema.js';

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

export type WebhookEndpointChanges = Omit<Updateable<WebhookEndpointsTable>, 'id' | 'app_id' | 'created_at'>;

export interface WebhookEndpointRepository {
  insert(row: WebhookEndpointRow): Promise<void>;
  findById(id: string): Promise<WebhookEndpointRow | undefined>;
  /** The endpoint if it belongs to the app; undefined otherwise (no probing of other apps' ids). */
  findForApp(appId: string, id: string): Promise<WebhookEndpointRow | undefined>;
  listByApp(appId: string): Promise<WebhookEndpointRow[]>;
  countByApp(appId: string): Promise<number>;
  listByIds(ids: readonly string[]): Promise<WebhookEndpointRow[]>;
  /** Enabled endpoints of these apps, for fan-out. */
  listEnabledByApps(appIds: readonly string[]): Promise<WebhookEndpointRow[]>;
  updateForApp(
    appId: string,
    id: string,
    changes: WebhookEndpointChanges,
  ): Promise<WebhookEndpointRow | undefined>;
  deleteForApp(appId: string, id: string): Promise<boolean>;
  /** Starts a run of failures unless one is running; a success ends it (`null`). */
  markFailing(id: string, since: number): Promise<void>;
  markHealthy(id: string): Promise<void>;
  /** Disables an enabled endpoint; false if it was disabled already (someone else won). */
  disable(id: string, reason: string, now: number): Promise<boolean>;
  /** Claims the right to tell the owner about a disabled endpoint; true for exactly one caller. */
  claimOwnerNotice(id: string, now: number): Promise<boolean>;
  releaseOwnerNotice(id: string): Promise<void>;
  /** Disabled endpoints whose owner has not been told yet. */
  listUnnotified(limit: number): Promise<WebhookEndpointRow[]>;
}

export function createWebhookEndpointRepository(db: Kysely<Database>): WebhookEndpointRepository {
  return {
    async insert(row) {
      await db.insertInto('webhook_endpoints').values(row).execute();
    },
    findById: (id) => db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst(),
    findForApp: (appId, id) =>
      db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .where('app_id', '=', appId)
        .executeTakeFirst(),
    listByApp: (appId) =>
      db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute(),
    async countByApp(appId) {
      const row = await db
        .selectFrom('webhook_endpoints')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('app_id', '=', appId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    listByIds: async (ids) =>
      ids.length === 0 ? [] : db.selectFrom('webhook_endpoints').selectAll().where('id', 'in', ids).execute(),
    listEnabledByApps: async (appIds) =>
      appIds.length === 0
        ? []
        : db
            .selectFrom('webhook_endpoints')
            .selectAll()
            .where('app_id', 'in', appIds)
            .where('status', '=', 'enabled')
            .execute(),
    updateForApp: (appId, id, changes) =>
      db
        .updateTable('webhook_endpoints')
        .set(changes)
        .where('id', '=', id)
        .where('app_id', '=', appId)
        .returningAll()
        .executeTakeFirst(),
    async deleteForApp(appId, id) {
      const result = await db
        .deleteFrom('webhook_endpoints')
        .where('id', '=', id)
        .where('app_id', '=', appId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async markFailing(id, since) {
      await db
        .updateTable('webhook_endpoints')
        .set({ failing_since: since })
        .where('id', '=', id)
        .where('failing_since', 'is', null)
        .execute();
    },
    async markHealthy(id) {
      await db
        .updateTable('webhook_endpoints')
        .set({ failing_since: null })
        .where('id', '=', id)
        .where('failing_since', 'is not', null)
        .execute();
    },
    async disable(id, reason, now) {
      const result = await db
        .updateTable('webhook_endpoints')
        .set({
          status: 'disabled',
          disabled_reason: reason,
          disabled_at: now,
          owner_notified_at: null,
          updated_at: now,
        })
        .where('id', '=', id)
        .where('status', '=', 'enabled')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async claimOwnerNotice(id, now) {
      const result = await db
        .updateTable('webhook_endpoints')
        .set({ owner_notified_at: now })
        .where('id', '=', id)
        .where('status', '=', 'disabled')
        .where('owner_notified_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async releaseOwnerNotice(id) {
      await db
        .updateTable('webhook_endpoints')
        .set({ owner_notified_at: null })
        .where('id', '=', id)
        .execute();
    },
    listUnnotified: (limit) =>
      db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('status', '=', 'disabled')
        .where('disabled_reason', 'in', ['gone', 'failing'])
        .where('owner_notified_at', 'is', null)
        .limit(limit)
        .execute(),
  };
}
