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
  /** findForApp() for many (app, slug) pairs in one statement, one answer per pair in order. */
  findForAppMany(
    pairs: ReadonlyArray<{ appId: string; slug: string }>,
  ): Promise<Array<AppRecipient | undefined>>;
}

type Row = Omit<AppRecipient, 'muted'> & { appId: string; slug: string; mutedAt: number | null };

export function createMessageRecipientRepository(db: Kysely<Database>): MessageRecipientRepository {
  // SQL templates rather than the query builder: this runs for every message sent, and
  // building a three-table join costs more CPU than executing it. Slugs are unique across
  // all grants, so a slug matches one row at most.
  async function findForAppMany(pairs: ReadonlyArray<{ appId: string; slug: string }>) {
    if (pairs.length === 0) return [];
    const wanted = sql.join(pairs.map((p) => sql`(${p.appId}, ${p.slug})`));
    const { rows } = await sql<Row>`
      select g.app_id as "appId", g.slug as "slug", g.id as "grantId", g.account_id as "accountId",
        g.status as "grantStatus", g.scopes as "grantScopes",
        u.moderation_state as "accountModerationState", mu.created_at as "mutedAt"
      from grants g
      join users u on u.id = g.account_id
      left join message_mutes mu on mu.user_id = g.account_id and mu.app_id = g.app_id
      where (g.app_id, g.slug) in (values ${wanted})`.execute(db);
    const found = new Map(rows.map((row) => [`${row.appId}\u0000${row.slug}`, row]));
    return pairs.map((p): AppRecipient | undefined => {
      const row = found.get(`${p.appId}\u0000${p.slug}`);
      if (!row) return undefined;
      return {
        grantId: row.grantId,
        accountId: row.accountId,
        grantStatus: row.grantStatus,
        grantScopes: row.grantScopes,
        accountModerationState: row.accountModerationState,
        muted: row.mutedAt !== null,
      };
    });
  }

  return {
    async findForApp(appId, slug) {
      const [found] = await findForAppMany([{ appId, slug }]);
      return found;
    },
    findForAppMany,
  };
}
