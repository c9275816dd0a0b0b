import { TOKEN_PREFIXES, USER_SESSION_SCOPES } from '@antara/protocol';
import { toSeconds } from '../lib/clock.js';
import type { Introspector } from '../tokens/introspection.js';
import type { UserSessions } from './sessions.js';
import { presentUser } from './user-profile.js';

/** `uat_` tokens for POST /auth/introspect. */
export function createUserIntrospector(sessions: UserSessions): Introspector {
  return {
    prefix: TOKEN_PREFIXES.userAccess,
    async introspect(token) {
      const found = await sessions.authenticate(token);
      if (!found) return null;
      return {
        active: true,
        sessionType: 'user',
        audience: 'useantara',
        scopes: [...USER_SESSION_SCOPES],
        exp: toSeconds(found.session.access_expires_at),
        iat: toSeconds(found.session.rotated_at ?? found.session.created_at),
        user: presentUser(found.user),
      };
    },
  };
}
