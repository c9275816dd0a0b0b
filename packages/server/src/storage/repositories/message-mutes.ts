import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface MutedApp {
  appId: string;
  appName: string;
  mutedAt: number;
}

export interface MessageMuteRepository {
  /** Mutes the app for the person; muting twice keeps the first time. Returns when it took effect. */
  mute(userId: string, appId: string, now: number): Promise<number>;
  unmute(userId: string, appId: string): Promise<boolean>;
  find(userId: string, appId: string): Promise<number | undefined>;
  listByUser(userId: string): Promise<MutedApp[]>;
}

export function createMessageMuteRepository(db: Kysely<Database>): MessageMuteRepository {
  const find = async (userId: string, appId: string) => {
    const row = await db
      .selectFrom('message_mutes')
      .select('created_at')
      .where('user_id', '=', userId)
      .where('app_id', '=', appId)
      .executeTakeFirst();
    return row?.created_at;
  };
  return {
    async mute(userId, appId, now) {
      await db
        .insertInto('message_mutes')
        .values({ user_id: userId, app_id: appId, created_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'app_id']).doNothing())
        .execute();
      return (await find(userId, appId)) ?? now;
    },
    async unmute(userId, appId) {
      const result = await db
        .deleteFrom('message_mutes')
        .where('user_id', '=', userId)
        .where('app_id', '=', appId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    find,
    async listByUser(userId) {
      const rows = await db
        .selectFrom('message_mutes as mu')
        .innerJoin('apps as a', 'a.id', 'mu.app_id')
        .select(['mu.app_id', 'a.name', 'mu.created_at'])
        .where('mu.user_id', '=', userId)
        .orderBy('a.name')
        .execute();
      return rows.map((r) => ({ appId: r.app_id, appName: r.name, mutedAt: r.created_at }));
    },
  };
}
