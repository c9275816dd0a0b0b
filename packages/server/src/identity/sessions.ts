import { TOKEN_PREFIXES, USER_SESSION_SCOPES, type UserSession } from '@antara/protocol';
import { AntaraError } from '../errors/antara-error.js';
import { type Clock, toSeconds } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import type { Repositories } from '../storage/repositories/index.js';
import type { SessionWithUser } from '../storage/repositories/user-sessions.js';
import type { UserRow } from '../storage/repositories/users.js';
import { hashToken, looksLike, mintToken } from '../tokens/opaque-token.js';
import { SESSION } from './policy.js';
import { presentUser } from './user-profile.js';

export interface UserSessionsDeps {
  repos: Repositories;
  clock: Clock;
  random: Random;
}

export interface UserSessions {
  /** A `uat_` API session with a rotating `urt_` refresh token. */
  issue(user: UserRow): Promise<UserSession>;
  /** A cookie session for the site; returns the `ses_` cookie value. */
  issueWeb(user: UserRow): Promise<{ token: string; expiresAt: number }>;
  refresh(refreshToken: string): Promise<UserSession>;
  /** The live session behind a `uat_` or `ses_` token, or null for every kind of invalid. */
  authenticate(token: string): Promise<SessionWithUser | null>;
  revoke(sessionId: string): Promise<void>;
}

export function createUserSessions({ repos, clock, random }: UserSessionsDeps): UserSessions {
  function present(
    user: UserRow,
    access: string,
    accessExpiresAt: number,
    refresh: string,
    refreshExpiresAt: number,
  ): UserSession {
    return {
      accessToken: access,
      tokenType: 'Bearer',
      expiresAt: toSeconds(accessExpiresAt),
      expiresIn: SESSION.accessTtlMs / 1000,
      refreshToken: refresh,
      refreshExpiresAt: toSeconds(refreshExpiresAt),
      sessionType: 'user',
      audience: 'useantara',
      scopes: [...USER_SESSION_SCOPES],
      user: presentUser(user),
    };
  }

  return {
    async issue(user) {
      const now = clock.now();
      const access = mintToken(TOKEN_PREFIXES.userAccess, random);
      const refresh = mintToken(TOKEN_PREFIXES.userRefresh, random);
      const accessExpiresAt = now + SESSION.accessTtlMs;
      const refreshExpiresAt = now + SESSION.refreshTtlMs;
      await repos.userSessions.insert({
        id: random.uuid(),
        user_id: user.id,
        kind: 'api',
        access_hash: access.hash,
        access_expires_at: accessExpiresAt,
        refresh_hash: refresh.hash,
        previous_refresh_hash: null,
        refresh_expires_at: refreshExpiresAt,
        created_at: now,
        rotated_at: null,
        revoked_at: null,
      });
      return present(user, access.token, accessExpiresAt, refresh.token, refreshExpiresAt);
    },

    async issueWeb(user) {
      const now = clock.now();
      const cookie = mintToken(TOKEN_PREFIXES.webSession, random);
      const expiresAt = now + SESSION.webTtlMs;
      await repos.userSessions.insert({
        id: random.uuid(),
        user_id: user.id,
        kind: 'web',
        access_hash: cookie.hash,
        access_expires_at: expiresAt,
        refresh_hash: null,
        previous_refresh_hash: null,
        refresh_expires_at: expiresAt,
        created_at: now,
        rotated_at: null,
        revoked_at: null,
      });
      return { token: cookie.token, expiresAt };
    },

    async refresh(refreshToken) {
      const invalid = new AntaraError(
        'invalid_grant',
        'The refresh token is invalid, expired or already used.',
      );
      if (!looksLike(refreshToken, TOKEN_PREFIXES.userRefresh)) throw invalid;
      const now = clock.now();
      const hash = hashToken(refreshToken);
      const session = await repos.userSessions.findByRefreshHash(hash);
      if (!session) {
        // A rotated token presented again means it leaked: end the whole session.
        const reused = await repos.userSessions.findByPreviousRefreshHash(hash);
        if (reused) await repos.userSessions.revoke(reused.id, now);
        throw invalid;
      }
      if (session.revoked_at !== null || session.refresh_expires_at <= now) throw invalid;
      const user = await repos.users.findById(session.user_id);
      if (!user || user.moderation_state === 'disabled') throw invalid;
      const access = mintToken(TOKEN_PREFIXES.userAccess, random);
      const refresh = mintToken(TOKEN_PREFIXES.userRefresh, random);
      const accessExpiresAt = now + SESSION.accessTtlMs;
      const rotated = await repos.userSessions.rotate(session.id, hash, {
        accessHash: access.hash,
        accessExpiresAt,
        refreshHash: refresh.hash,
        refreshExpiresAt: session.refresh_expires_at,
        now,
      });
      if (!rotated) throw invalid;
      return present(user, access.token, accessExpiresAt, refresh.token, session.refresh_expires_at);
    },

    async authenticate(token) {
      if (!looksLike(token, TOKEN_PREFIXES.userAccess) && !looksLike(token, TOKEN_PREFIXES.webSession))
        return null;
      const found = await repos.userSessions.findLiveByAccessHash(hashToken(token), clock.now());
      if (!found || found.user.moderation_state === 'disabled') return null;
      const expectedKind = token.startsWith(TOKEN_PREFIXES.webSession) ? 'web' : 'api';
      return found.session.kind === expectedKind ? found : null;
    },

    revoke: (sessionId) => repos.userSessions.revoke(sessionId, clock.now()),
  };
}
