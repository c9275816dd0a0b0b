import type { Scope } from '@antara/protocol';
import { approveGrant } from '../../src/grants/approve-grant.js';
import { appWithKey, developer } from './apps.js';
import { bearer, type Harness, type signIn } from './harness.js';

export type Person = Awaited<ReturnType<typeof signIn>>;

/**
 * An app registered by a developer through the API, with an API key that can mint `aat_`
 * tokens (`token()` mints a fresh one, e.g. after the test clock moved past 10 minutes).
 */
export async function messagingApp(h: Harness, developerEmail: string, name = 'Parcel Tracker') {
  const dev = await developer(h, developerEmail);
  const { app, key } = await appWithKey(dev, {}, { name });
  const token = async (scopes?: string[]) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/auth/token/exchange',
      payload: { apiKey: key.apiKey, ...(scopes ? { scopes } : {}) },
    });
    if (res.statusCode !== 200) throw new Error(`token exchange failed: ${res.body}`);
    return res.json().data.accessToken as string;
  };
  return { dev, appId: app.appId, name: app.name, apiKey: key.apiKey, token, aat: await token() };
}

/**
 * The person approves the app through the grants service (what the consent step calls):
 * returns the per-app identity the app would receive.
 */
export async function approve(
  h: Harness,
  person: { user: { id: string } },
  appId: string,
  scopes: Scope[] = ['identity.read', 'messages.send'],
): Promise<{ userId: string; slug: string }> {
  const grant = await h.ctx.storage.db
    .transaction()
    .execute((trx) =>
      approveGrant(trx, h.ctx, { accountId: person.user.id, appId, scopes: [...scopes].sort() }),
    );
  return { userId: grant.id, slug: grant.slug };
}

/** POST /app/v1/messages with a bearer token and (unless undefined) an Idempotency-Key. */
export function send(h: Harness, token: string, key: string | undefined, payload: unknown) {
  return h.app.inject({
    method: 'POST',
    url: '/app/v1/messages',
    headers: { ...bearer(token), ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: payload as object,
  });
}

export async function countRows(h: Harness, table: 'messages' | 'outbox' | 'idempotency_keys') {
  const row = await h.ctx.storage.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The `message.delivered` events in the outbox, payload parsed. */
export async function deliveredEvents(h: Harness) {
  const rows = await h.ctx.storage.db
    .selectFrom('outbox')
    .selectAll()
    .where('type', '=', 'message.delivered')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ appId: r.app_id, data: JSON.parse(r.payload) as Record<string, unknown> }));
}
