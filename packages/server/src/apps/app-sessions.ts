import { type AppSession, canonicalScopes, type Scope, TOKEN_PREFIXES } from '@antara/protocol';
import { AntaraError } from '../errors/antara-error.js';
import { type Clock, toSeconds } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import type { Storage } from '../storage/database.js';
import { batchWriter, createGroupCommit } from '../storage/group-commit.js';
import type { ApiKeyRow } from '../storage/repositories/api-keys.js';
import {
  type AppTokenRow,
  type AppTokenWithApp,
  createAppTokenRepository,
} from '../storage/repositories/app-tokens.js';
import type { AppRow } from '../storage/repositories/apps.js';
import type { Repositories } from '../storage/repositories/index.js';
import { hashToken, looksLike, mintToken } from '../tokens/opaque-token.js';

/** Scopes an app (and so an API key) can hold. */
export const APP_SCOPES: readonly Scope[] = ['ai.chat', 'identity.read', 'messages.send'];
export const APP_TOKEN_TTL_MS = 600_000;
/**
 * How stale a key's last-used time may get. Why: writing it on every exchange would double
 * the writes of the hottest endpoint for a value shown to the minute.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

export type { AppSession };

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

/** 400 invalid_scope naming the first name that is neither a scope nor a legacy alias. */
export function unknownScope(names: readonly string[]): AntaraError {
  const unknown = names.find((name) => canonicalScopes([name]) === null) ?? '';
  return new AntaraError('invalid_scope', `Unknown scope "${unknown.slice(0, 64)}".`, {
    details: { unknownScope: unknown.slice(0, 64) },
  });
}

export function createAppSessions({
  repos,
  storage,
  clock,
  random,
}: {
  repos: Repositories;
  storage: Storage;
  clock: Clock;
  random: Random;
}): AppSessions {
  // The hottest write of the API: tokens of exchanges that arrive together go into one
  // multi-row INSERT and one commit, and each exchange answers only once its row is durable.
  // A token row cannot conflict with its neighbours (random id and hash), so a failing batch
  // is rare; it is retried row by row, so a bad row fails alone. Nothing is ever queued
  // after the route answered, so this writer needs no close of its own.
  const insertToken = batchWriter(
    createGroupCommit(storage),
    async (trx, rows: readonly AppTokenRow[]) => {
      await createAppTokenRepository(trx).insertMany([...rows]);
      return rows.map(() => undefined);
    },
    200,
  );
  return {
    async findKey(apiKey, appId) {
      if (!looksLike(apiKey, TOKEN_PREFIXES.apiKey)) return null;
      const found = await repos.apiKeys.findLiveWithAppByHash(hashToken(apiKey));
      if (!found || (appId !== undefined && found.key.app_id !== appId)) return null;
      return found.app.moderation_state === 'disabled' ? null : found;
    },

    async issue(key, app, requested) {
      const keyScopes = scopesOf(key.scopes);
      let scopes = keyScopes;
      if (requested !== undefined && requested.length > 0) {
        const wanted = canonicalScopes(requested);
        if (!wanted) throw unknownScope(requested);
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
      await insertToken({
        id: random.uuid(),
        app_id: app.id,
        api_key_id: key.id,
        token_hash: minted.hash,
        scopes: JSON.stringify(scopes),
        created_at: now,
        expires_at: expiresAt,
        revoked_at: null,
      });
      if (key.last_used_at === null || now - key.last_used_at >= LAST_USED_RESOLUTION_MS) {
        await repos.apiKeys.touch(key.id, now);
      }
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
