import { createHash, randomBytes } from 'node:crypto';
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
  return {
    dev,
    appId: app.appId,
    name: app.name,
    redirectUri: 'https://parcel.example/callback',
    apiKey: key.apiKey,
    token,
    aat: await token(),
  };
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

/**
 * The person approves the app through the OAuth JSON flow, as a programmatic client would:
 * POST /oauth/consent with their uat_ token, then the app exchanges the code with its PKCE
 * verifier at POST /oauth/token. Returns the identity the app received.
 */
export async function approveViaOAuth(
  h: Harness,
  person: Person,
  app: { appId: string; redirectUri: string },
  scope = 'identity.read messages.send',
): Promise<{ userId: string; slug: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const consent = await h.app.inject({
    method: 'POST',
    url: '/oauth/consent',
    headers: bearer(person.accessToken),
    payload: {
      client_id: app.appId,
      redirect_uri: app.redirectUri,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'messaging-test',
      scope,
      decision: 'approve',
    },
  });
  if (consent.statusCode !== 200) throw new Error(`consent failed: ${consent.body}`);
  const code = new URL(consent.json().data.redirectTo).searchParams.get('code');
  const token = await h.app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: app.redirectUri,
      client_id: app.appId,
      code_verifier: verifier,
    },
  });
  if (token.statusCode !== 200) throw new Error(`token failed: ${token.body}`);
  const { userId, slug } = token.json().data.user;
  return { userId, slug };
}
