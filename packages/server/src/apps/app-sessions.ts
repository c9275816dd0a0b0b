import { canonicalScopes, type Scope, TOKEN_PREFIXES } from '@antara/protocol';
import { AntaraError } from '../errors/antara-error.js';
import { type Clock, toSeconds } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import type { ApiKeyRow } from '../storage/repositories/api-keys.js';
import type { AppTokenWithApp } from '../storage/repositories/app-tokens.js';
import type { AppRow } from '../storage/repositories/apps.js';
import type { Repositories } from '../storage/repositories/index.js';
import { hashToken, looksLike, mintToken } from '../tokens/opaque-token.js';

/** Scopes an app (and so an API key) can hold. */
export const APP_SCOPES: readonly Scope[] = ['ai.chat', 'identity.read', 'messages.send'];
export const APP_TOKEN_TTL_MS = 600_000;

export interface AppSession {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: number;
  expiresIn: number;
  sessionType: 'app';
  audience: string;
  scopes: Scope[];
  app: { appId: string; name: string };
}

export interface AppSessions {
  /** The live key behind a full `antara_live_…` secret (and optionally its app id), or null. */
  findKey(apiKey: string, appId?: string): Promise<{ key: ApiKeyRow; app: AppRow } | null>;
  /**
   * Mints an `aat_` token for a key. `requested` (canonical or legacy names) may only narrow the
   * key's scopes; asking for more is 400 invalid_scope.
   */
  issue(key: ApiKeyRow, app: AppRow, requested?: readonly string[]): Promise<AppSession>;
  /** The live token and its app, or null for every kind of invalid. */
  authenticate(token: string): Promise<AppTokenWithApp | null>;
}

export const scopesOf = (json: string): Scope[] => JSON.parse(json) as Scope[];

export function createAppSessions({
  repos,
  clock,
  random,
}: {
  repos: Repositories;
  clock: Clock;
  random: Random;
}): AppSessions {
  return {
    async findKey(apiKey, appId) {
      if (!looksLike(apiKey, TOKEN_PREFIXES.apiKey)) return null;
      const key = await repos.apiKeys.findLiveByHash(hashToken(apiKey));
      if (!key || (appId !== undefined && key.app_id !== appId)) return null;
      const app = await repos.apps.findById(key.app_id);
      if (!app || app.moderation_state === 'disabled') return null;
      return { key, app };
    },

    async issue(key, app, requested) {
      const keyScopes = scopesOf(key.scopes);
      let scopes = keyScopes;
      if (requested !== undefined && requested.length > 0) {
        const wanted = canonicalScopes(requested);
        if (!wanted) throw new AntaraError('invalid_scope', `Unknown scope in "${requested.join(' ')}".`);
        const extra = wanted.filter((s) => !keyScopes.includes(s));
        if (extra.length > 0) {
          throw new AntaraError('invalid_scope', `This key cannot grant ${extra.join(', ')}.`, {
            details: { notGranted: extra },
          });
        }
        scopes = wanted;
      }
      const now = clock.now();
      const minted = mintToken(TOKEN_PREFIXES.appAccess, random);
      const expiresAt = now + APP_TOKEN_TTL_MS;
      await repos.appTokens.insert({
        id: random.uuid(),
        app_id: app.id,
        api_key_id: key.id,
        token_hash: minted.hash,
        scopes: JSON.stringify(scopes),
        created_at: now,
        expires_at: expiresAt,
        revoked_at: null,
      });
      await repos.apiKeys.touch(key.id, now);
      return {
        accessToken: minted.token,
        tokenType: 'Bearer',
        expiresAt: toSeconds(expiresAt),
        expiresIn: APP_TOKEN_TTL_MS / 1000,
        sessionType: 'app',
        audience: app.id,
        scopes,
        app: { appId: app.id, name: app.name },
      };
    },

    async authenticate(token) {
      if (!looksLike(token, TOKEN_PREFIXES.appAccess)) return null;
      const found = await repos.appTokens.findLiveByHash(hashToken(token), clock.now());
      if (!found || found.app.moderation_state === 'disabled') return null;
      return found;
    },
  };
}
