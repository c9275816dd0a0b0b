import type { ApiKeyInfo, DeveloperApp, Scope } from '@antara/protocol';
import { toSeconds } from '../lib/clock.js';
import type { ApiKeyRow } from '../storage/repositories/api-keys.js';
import { type AppRow, redirectUrisOf } from '../storage/repositories/apps.js';
import type { AuditRow } from '../storage/repositories/audit-log.js';

const secondsOrNull = (ms: number | null): number | null => (ms === null ? null : toSeconds(ms));

export function presentApp(app: AppRow): DeveloperApp {
  return {
    appId: app.id,
    name: app.name,
    homepageUrl: app.homepage_url,
    redirectUris: redirectUrisOf(app),
    trustLevel: app.trust_level as DeveloperApp['trustLevel'],
    moderationState: app.moderation_state as DeveloperApp['moderationState'],
    createdAt: toSeconds(app.created_at),
    updatedAt: toSeconds(app.updated_at),
  };
}

/** A key without its secret: only the hash is stored, so only this can ever be shown again. */
export function presentKey(key: ApiKeyRow): ApiKeyInfo {
  return {
    keyId: key.id,
    appId: key.app_id,
    name: key.name,
    prefix: key.display_prefix,
    lastFour: key.last_four,
    scopes: JSON.parse(key.scopes) as Scope[],
    createdAt: toSeconds(key.created_at),
    lastUsedAt: secondsOrNull(key.last_used_at),
    revokedAt: secondsOrNull(key.revoked_at),
  };
}

export function presentAudit(row: AuditRow) {
  const { via, ...details } = JSON.parse(row.details) as { via?: string } & Record<string, unknown>;
  return {
    entryId: row.id,
    action: row.action,
    actor: { kind: via === 'cli' ? 'operator' : 'user', userId: row.actor_user_id },
    createdAt: toSeconds(row.created_at),
    details,
  };
}
