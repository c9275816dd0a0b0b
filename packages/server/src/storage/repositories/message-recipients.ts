import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/** What decides whether an app's message to a slug is delivered. */
export interface AppRecipient {
  /** The grant id: the app-facing userId. */
  grantId: string;
  accountId: string;
  /** 'active' or 'revoked'. */
  grantStatus: string;
  /** JSON array of the granted scopes. */
  grantScopes: string;
  accountModerationState: string;
  muted: boolean;
}

export interface MessageRecipientRepository {
  /** The grant of `appId` whose current slug is `slug`, with its account and mute state; one query. */
  findForApp(appId: string, slug: string): Promise<AppRecipient | undefined>;
}

export function createMessageRecipientRepository(db: Kysely<Database>): MessageRecipientRepository {
  return {
    async findForApp(appId, slug) {
      // A SQL template rather than the query builder: this runs for every message sent, and
      // building a three-table join costs more CPU than executing it.
      const { rows } = await sql<Omit<AppRecipient, 'muted'> & { mutedAt: number | null }>`
        select g.id as "grantId", g.account_id as "accountId", g.status as "grantStatus",
          g.scopes as "grantScopes", u.moderation_state as "accountModerationState",
          mu.created_at as "mutedAt"
        from grants g
        join users u on u.id = g.account_id
        left join message_mutes mu on mu.user_id = g.account_id and mu.app_id = g.app_id
        where g.slug = ${slug} and g.app_id = ${appId}`.execute(db);
      const row = rows[0];
      if (!row) return undefined;
      const { mutedAt, ...rest } = row;
      return { ...rest, muted: mutedAt !== null };
    },
  };
}
