import type { Kysely } from 'kysely';
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
      const row = await db
        .selectFrom('grants as g')
        .innerJoin('users as u', 'u.id', 'g.account_id')
        .leftJoin('message_mutes as mu', (join) =>
          join.onRef('mu.user_id', '=', 'g.account_id').onRef('mu.app_id', '=', 'g.app_id'),
        )
        .select([
          'g.id as grantId',
          'g.account_id as accountId',
          'g.status as grantStatus',
          'g.scopes as grantScopes',
          'u.moderation_state as accountModerationState',
          'mu.created_at as mutedAt',
        ])
        .where('g.slug', '=', slug)
        .where('g.app_id', '=', appId)
        .executeTakeFirst();
      if (!row) return undefined;
      const { mutedAt, ...rest } = row;
      return { ...rest, muted: mutedAt !== null };
    },
  };
}
