import type { AppContext } from '../context.js';
import type { AuditRow } from '../storage/repositories/audit-log.js';

/** Who changed something: a signed-in developer through the API, or an operator at the CLI. */
export interface Actor {
  userId: string | null;
  via: 'api' | 'cli';
}

export type AuditAction = 'app.created' | 'app.updated' | 'app.deleted' | 'key.created' | 'key.revoked';

/** The audit row of one change, to insert in the same transaction as the change. */
export function auditRow(
  ctx: Pick<AppContext, 'clock' | 'random'>,
  appId: string,
  actor: Actor,
  action: AuditAction,
  details: Record<string, unknown>,
): AuditRow {
  return {
    id: ctx.random.uuid(),
    app_id: appId,
    actor_user_id: actor.userId,
    action,
    details: JSON.stringify({ ...details, via: actor.via }),
    created_at: ctx.clock.now(),
  };
}
