import type { Kysely, Selectable } from 'kysely';
import { precompiled } from '../precompiled.js';
import type { Database, UserSessionsTable } from '../schema.js';
import type { UserRow } from './users.js';

export type UserSessionRow = Selectable<UserSessionsTable>;

export interface SessionWithUser {
  session: UserSessionRow;
  user: UserRow;
}

export interface UserSessionRepository {
  insert(row: UserSessionRow): Promise<void>;
  /** The live session whose access token has this hash, with its user; undefined if none. */
  findLiveByAccessHash(accessHash: string, now: number): Promise<SessionWithUser | undefined>;
  findByRefreshHash(refreshHash: string): Promise<UserSessionRow | undefined>;
  findByPreviousRefreshHash(refreshHash: string): Promise<UserSessionRow | undefined>;
  /** Swaps both tokens if the refresh token is still the current one; false when it lost a race. */
  rotate(
    id: string,
    expectedRefreshHash: string,
    next: {
      accessHash: string;
      accessExpiresAt: number;
      refreshHash: string;
      refreshExpiresAt: number;
      now: number;
    },
  ): Promise<boolean>;
  revoke(id: string, now: number): Promise<void>;
  deleteExpired(before: number): Promise<number>;
}

export function createUserSessionRepository(db: Kysely<Database>): UserSessionRepository {
  // The lookup behind every uat_ and cookie-authenticated request.
  const liveByAccessHash = precompiled(db, (accessHash: string, now: number) =>
    db
      .selectFrom('user_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .selectAll('s')
      .select([
        'u.id as u_id',
        'u.email as u_email',
        'u.phone as u_phone',
        'u.primary_slug as u_primary_slug',
        'u.display_name as u_display_name',
        'u.trust_level as u_trust_level',
        'u.email_verified_at as u_email_verified_at',
        'u.moderation_state as u_moderation_state',
        'u.created_at as u_created_at',
        'u.updated_at as u_updated_at',
      ])
      .where('s.access_hash', '=', accessHash)
      .where('s.revoked_at', 'is', null)
      .where('s.access_expires_at', '>', now),
  );
  return {
    async insert(row) {
      await db.insertInto('user_sessions').values(row).execute();
    },
    async findLiveByAccessHash(accessHash, now) {
      const [row] = await liveByAccessHash(accessHash, now);
      if (!row) return undefined;
      // Why each field by name and not `{ u_id, …, ...session } = row`: an object rest copies
      // through a slow runtime path, a measurable share of every uat_ and cookie request.
      return {
        session: {
          id: row.id,
          user_id: row.user_id,
          kind: row.kind,
          access_hash: row.access_hash,
          access_expires_at: row.access_expires_at,
          refresh_hash: row.refresh_hash,
          previous_refresh_hash: row.previous_refresh_hash,
          refresh_expires_at: row.refresh_expires_at,
          created_at: row.created_at,
          rotated_at: row.rotated_at,
          revoked_at: row.revoked_at,
        },
        user: {
          id: row.u_id,
          email: row.u_email,
          phone: row.u_phone,
          primary_slug: row.u_primary_slug,
          display_name: row.u_display_name,
          trust_level: row.u_trust_level,
          email_verified_at: row.u_email_verified_at,
          moderation_state: row.u_moderation_state,
          created_at: row.u_created_at,
          updated_at: row.u_updated_at,
        },
      };
    },
    findByRefreshHash: (refreshHash) =>
      db.selectFrom('user_sessions').selectAll().where('refresh_hash', '=', refreshHash).executeTakeFirst(),
    findByPreviousRefreshHash: (refreshHash) =>
      db
        .selectFrom('user_sessions')
        .selectAll()
        .where('previous_refresh_hash', '=', refreshHash)
        .executeTakeFirst(),
    async rotate(id, expectedRefreshHash, next) {
      const result = await db
        .updateTable('user_sessions')
        .set({
          access_hash: next.accessHash,
          access_expires_at: next.accessExpiresAt,
          refresh_hash: next.refreshHash,
          previous_refresh_hash: expectedRefreshHash,
          refresh_expires_at: next.refreshExpiresAt,
          rotated_at: next.now,
        })
        .where('id', '=', id)
        .where('refresh_hash', '=', expectedRefreshHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async revoke(id, now) {
      await db
        .updateTable('user_sessions')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async deleteExpired(before) {
      const result = await db
        .deleteFrom('user_sessions')
        .where((eb) => eb.or([eb('refresh_expires_at', '<', before), eb('revoked_at', '<', before)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
