import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Database } from '../schema.js';

export type AuditRow = Selectable<AuditLogTable>;

export interface AuditLogRepository {
  insert(row: AuditRow): Promise<void>;
  /** Newest first; `before` is the created_at/id cursor of the last row seen. */
  listByApp(appId: string, limit: number, before?: { createdAt: number; id: string }): Promise<AuditRow[]>;
}

export function createAuditLogRepository(db: Kysely<Database>): AuditLogRepository {
  return {
    async insert(row) {
      await db.insertInto('audit_log').values(row).execute();
    },
    listByApp(appId, limit, before) {
      let query = db.selectFrom('audit_log').selectAll().where('app_id', '=', appId);
      if (before) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', before.createdAt),
            eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
          ]),
        );
      }
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },
  };
}
