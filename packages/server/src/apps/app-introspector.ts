import { TOKEN_PREFIXES } from '@antara/protocol';
import { toSeconds } from '../lib/clock.js';
import type { Introspector } from '../tokens/introspection.js';
import { type AppSessions, scopesOf } from './app-sessions.js';

/** `aat_` tokens for POST /auth/introspect. */
export function createAppIntrospector(sessions: AppSessions): Introspector {
  return {
    prefix: TOKEN_PREFIXES.appAccess,
    async introspect(token) {
      const found = await sessions.authenticate(token);
      if (!found) return null;
      return {
        active: true,
        sessionType: 'app',
        audience: found.app.id,
        scopes: scopesOf(found.token.scopes),
        exp: toSeconds(found.token.expires_at),
        iat: toSeconds(found.token.created_at),
        app: { appId: found.app.id, name: found.app.name },
        apiKey: { keyId: found.key.id, prefix: found.key.prefix },
      };
    },
  };
}
