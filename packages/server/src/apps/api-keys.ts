import { canonicalScopes, type Scope, TOKEN_PREFIXES } from '@antara/protocol';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import type { ApiKeyRow } from '../storage/repositories/api-keys.js';
import type { AppRow } from '../storage/repositories/apps.js';
import { createRepositories } from '../storage/repositories/index.js';
import { mintToken } from '../tokens/opaque-token.js';
import { APP_SCOPES, unknownScope } from './app-sessions.js';
import { type Actor, auditRow } from './audit.js';

/** Live keys per app: enough to rotate without downtime, few enough to keep track of. */
export const MAX_LIVE_KEYS_PER_APP = 10;
/** Characters of the secret shown after `antara_live_` so a developer can tell keys apart. */
const VISIBLE_SECRET_CHARS = 6;

/**
 * The scopes a new key carries: all app scopes unless some are named. Legacy names are
 * accepted and stored canonically; a scope an app cannot hold is 400 invalid_scope.
 */
export function keyScopes(requested: readonly string[] | undefined): Scope[] {
  if (requested === undefined) return [...APP_SCOPES];
  const scopes = canonicalScopes(requested);
  if (!scopes) throw unknownScope(requested);
  const unavailable = scopes.filter((s) => !APP_SCOPES.includes(s));
  if (unavailable.length > 0) {
    throw new AntaraError(
      'invalid_scope',
      `An API key can carry only ${APP_SCOPES.join(', ')}; not ${unavailable.join(', ')}.`,
      { details: { notGranted: unavailable } },
    );
  }
  return scopes;
}

/** Creates a key; the full secret exists only in the return value, the table keeps its hash. */
export async function createApiKey(
  ctx: AppContext,
  app: AppRow,
  input: { name?: string | undefined; scopes?: readonly string[] | undefined },
  actor: Actor,
): Promise<{ key: ApiKeyRow; apiKey: string }> {
  const scopes = keyScopes(input.scopes);
  const name = input.name?.normalize('NFC').trim() || null;
  const minted = mintToken(TOKEN_PREFIXES.apiKey, ctx.random);
  const secret = minted.token.slice(TOKEN_PREFIXES.apiKey.length);
  const key: ApiKeyRow = {
    id: ctx.random.uuid(),
    app_id: app.id,
    name,
    key_hash: minted.hash,
    display_prefix: TOKEN_PREFIXES.apiKey + secret.slice(0, VISIBLE_SECRET_CHARS),
    last_four: secret.slice(-4),
    scopes: JSON.stringify(scopes),
    created_at: ctx.clock.now(),
    last_used_at: null,
    revoked_at: null,
  };
  await ctx.storage.db.transaction().execute(async (trx) => {
    const repos = createRepositories(trx);
    if ((await repos.apiKeys.countLiveByApp(app.id)) >= MAX_LIVE_KEYS_PER_APP) {
      throw new AntaraError(
        'limit_reached',
        `An app may hold at most ${MAX_LIVE_KEYS_PER_APP} live API keys; revoke one first.`,
      );
    }
    await repos.apiKeys.insert(key);
    await repos.auditLog.insert(
      auditRow(ctx, app.id, actor, 'key.created', {
        keyId: key.id,
        prefix: key.display_prefix,
        name,
        scopes,
      }),
    );
  });
  return { key, apiKey: minted.token };
}

/**
 * Revokes a key and, in the same transaction, every token minted from it. Revoking a
 * revoked key changes nothing and answers the key as it is; an unknown key is 404.
 */
export async function revokeApiKey(
  ctx: AppContext,
  app: AppRow,
  keyId: string,
  actor: Actor,
): Promise<ApiKeyRow> {
  return ctx.storage.db.transaction().execute(async (trx) => {
    const repos = createRepositories(trx);
    const key = await repos.apiKeys.findById(keyId);
    if (!key || key.app_id !== app.id) throw new AntaraError('not_found', 'No such API key.');
    if (key.revoked_at !== null) return key;
    const now = ctx.clock.now();
    if (await repos.apiKeys.revoke(app.id, key.id, now)) {
      await repos.auditLog.insert(
        auditRow(ctx, app.id, actor, 'key.revoked', { keyId: key.id, prefix: key.display_prefix }),
      );
    }
    return { ...key, revoked_at: now };
  });
}
