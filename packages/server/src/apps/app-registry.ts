import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import type { AppRow } from '../storage/repositories/apps.js';
import { redirectUrisOf } from '../storage/repositories/apps.js';
import { createRepositories } from '../storage/repositories/index.js';
import type { UserRow } from '../storage/repositories/users.js';
import { type Actor, auditRow } from './audit.js';
import { redirectUriProblem } from './redirect-uris.js';

export const MAX_APPS_PER_OWNER = 50;

export interface AppInput {
  name: string;
  redirectUris: string[];
  homepageUrl?: string | null;
}

/** Registers an app for `owner`; the audit trail records who did it. */
export async function createApp(
  ctx: AppContext,
  owner: UserRow,
  input: AppInput,
  actor: Actor,
): Promise<AppRow> {
  const name = cleanName(input.name);
  const redirectUris = checkRedirectUris(input.redirectUris);
  const homepageUrl = checkHomepage(input.homepageUrl ?? null);
  const now = ctx.clock.now();
  const app: AppRow = {
    id: ctx.random.uuid(),
    owner_user_id: owner.id,
    name,
    homepage_url: homepageUrl,
    redirect_uris: JSON.stringify(redirectUris),
    trust_level: 'private',
    moderation_state: 'clean',
    created_at: now,
    updated_at: now,
  };
  await ctx.storage.db.transaction().execute(async (trx) => {
    const repos = createRepositories(trx);
    const owned = await repos.apps.listByOwner(owner.id);
    if (owned.length >= MAX_APPS_PER_OWNER) {
      throw new AntaraError('limit_reached', `An account may register at most ${MAX_APPS_PER_OWNER} apps.`);
    }
    await repos.apps.insert(app);
    await repos.auditLog.insert(
      auditRow(ctx, app.id, actor, 'app.created', { name, redirectUris, homepageUrl }),
    );
  });
  return app;
}

/** Changes name, redirect URIs or homepage; records what changed, before and after. */
export async function updateApp(
  ctx: AppContext,
  app: AppRow,
  changes: Partial<AppInput>,
  actor: Actor,
): Promise<AppRow> {
  const next: Partial<Pick<AppRow, 'name' | 'redirect_uris' | 'homepage_url'>> = {};
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  if (changes.name !== undefined) {
    const name = cleanName(changes.name);
    if (name !== app.name) {
      next.name = name;
      changed.name = { from: app.name, to: name };
    }
  }
  if (changes.redirectUris !== undefined) {
    const uris = checkRedirectUris(changes.redirectUris);
    const before = redirectUrisOf(app);
    if (JSON.stringify(uris) !== JSON.stringify(before)) {
      next.redirect_uris = JSON.stringify(uris);
      changed.redirectUris = { from: before, to: uris };
    }
  }
  if (changes.homepageUrl !== undefined) {
    const homepage = checkHomepage(changes.homepageUrl);
    if (homepage !== app.homepage_url) {
      next.homepage_url = homepage;
      changed.homepageUrl = { from: app.homepage_url, to: homepage };
    }
  }
  if (Object.keys(changed).length === 0) return app;
  return ctx.storage.db.transaction().execute(async (trx) => {
    const repos = createRepositories(trx);
    const updated = await repos.apps.updateById(app.id, { ...next, updated_at: ctx.clock.now() });
    if (!updated) throw new AntaraError('not_found', 'No such app.');
    await repos.auditLog.insert(auditRow(ctx, app.id, actor, 'app.updated', { changed }));
    return updated;
  });
}

/**
 * Deletes an app. Its keys, app tokens, grants and everything hanging off them go with it
 * through ON DELETE CASCADE, in the same statement; the audit entry outlives the app.
 */
export async function deleteApp(ctx: AppContext, app: AppRow, actor: Actor): Promise<void> {
  await ctx.storage.db.transaction().execute(async (trx) => {
    const repos = createRepositories(trx);
    if (!(await repos.apps.deleteById(app.id))) throw new AntaraError('not_found', 'No such app.');
    await repos.auditLog.insert(auditRow(ctx, app.id, actor, 'app.deleted', { name: app.name }));
  });
}

function cleanName(name: string): string {
  const trimmed = name.normalize('NFC').trim();
  if (trimmed.length === 0) throw new AntaraError('invalid_request', 'The app name is blank.');
  return trimmed;
}

/** Every URI must pass the rules; duplicates collapse. The first broken one is named. */
export function checkRedirectUris(uris: readonly string[]): string[] {
  for (const [index, uri] of uris.entries()) {
    const problem = redirectUriProblem(uri);
    if (problem) {
      throw new AntaraError('invalid_redirect_uri', `redirectUris[${index}] ${problem}.`, {
        details: { index, redirectUri: uri.slice(0, 200), problem },
      });
    }
  }
  return [...new Set(uris)];
}

function checkHomepage(url: string | null): string | null {
  if (url === null) return null;
  let parsed: URL | undefined;
  try {
    parsed = /^[\x21-\x7e]+$/.test(url) ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['https:', 'http:'].includes(parsed.protocol) || parsed.username || parsed.password) {
    throw new AntaraError(
      'invalid_request',
      'homepageUrl must be an absolute http(s) URL of printable ASCII without user info.',
    );
  }
  return url;
}
