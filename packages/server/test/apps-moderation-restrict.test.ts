import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import { approve, countRows, messagingApp, send } from './support/messaging.js';

/** What the operator's moderation would do; the admin API does not exist yet. */
const moderate = (h: Harness, appId: string, state: 'clean' | 'warn' | 'restrict' | 'disabled') =>
  h.ctx.repos.apps.updateById(appId, { moderation_state: state, updated_at: h.clock.now() });

eachDialect('moderation: an app under restrict', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
  });
  afterEach(async () => {
    await h?.close();
  });

  it('may not send messages (403 app_restricted, nothing stored), and sends again once clean', async () => {
    const parcel = await messagingApp(h, 'dev@parcel.example');
    const person = await signIn(h, 'reader@example.com');
    const { slug } = await approve(h, person, parcel.appId);

    await moderate(h, parcel.appId, 'restrict');
    const refused = await send(h, parcel.aat, 'key-1', { slug, body: 'Your parcel is on its way' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('app_restricted');
    expect(await countRows(h, 'messages')).toBe(0);
    expect(await countRows(h, 'idempotency_keys')).toBe(0);

    await moderate(h, parcel.appId, 'warn');
    const warned = await send(h, parcel.aat, 'key-1', { slug, body: 'Your parcel is on its way' });
    expect(warned.statusCode, warned.body).toBe(201);
    expect(await countRows(h, 'messages')).toBe(1);
  });

  it('keeps its existing grants readable while restricted', async () => {
    const parcel = await messagingApp(h, 'dev@lookup.example');
    const person = await signIn(h, 'known@example.com');
    const { userId } = await approve(h, person, parcel.appId);
    await moderate(h, parcel.appId, 'restrict');
    const found = await h.app.inject({
      method: 'POST',
      url: '/app/v1/identity/lookup',
      headers: bearer(parcel.aat),
      payload: { userId },
    });
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().data.userId).toBe(userId);
  });

  it('gets no new authorization: the browser is sent back with access_denied, and no grant is made', async () => {
    const parcel = await messagingApp(h, 'dev@oauth.example');
    const person = await signIn(h, 'newcomer@example.com');
    await moderate(h, parcel.appId, 'restrict');
    const verifier = randomBytes(32).toString('base64url');
    const params = {
      client_id: parcel.appId,
      redirect_uri: parcel.redirectUri,
      response_type: 'code',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      scope: 'identity.read messages.send',
      state: 'st-42',
    };

    const authorize = await h.app.inject({
      method: 'GET',
      url: `/oauth/authorize?${new URLSearchParams(params)}`,
      headers: { accept: 'text/html' },
    });
    expect(authorize.statusCode).toBe(302);
    const back = new URL(String(authorize.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(parcel.redirectUri);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-42');
    expect(back.searchParams.has('code')).toBe(false);

    const consent = await h.app.inject({
      method: 'POST',
      url: '/oauth/consent',
      headers: bearer(person.accessToken),
      payload: { ...params, decision: 'approve' },
    });
    // The JSON dialect of the same refusal: the envelope names the OAuth error and the redirect.
    expect(consent.statusCode).toBe(400);
    expect(consent.json().error.details.error).toBe('access_denied');
    expect(new URL(consent.json().error.details.redirectTo).searchParams.get('error')).toBe('access_denied');
    const grants = await h.ctx.storage.db
      .selectFrom('grants')
      .select('id')
      .where('app_id', '=', parcel.appId)
      .execute();
    expect(grants).toEqual([]);

    // Back to clean, the same request is answered with the consent step.
    await moderate(h, parcel.appId, 'clean');
    const again = await h.app.inject({
      method: 'GET',
      url: `/oauth/authorize?${new URLSearchParams(params)}`,
      headers: { accept: 'text/html' },
    });
    expect(again.statusCode).toBe(302);
    expect(String(again.headers.location)).toMatch(/^\/oauth\/consent\?/);
  });

  it('is still told apart from disabled: a disabled app cannot even authenticate to send', async () => {
    const parcel = await messagingApp(h, 'dev@off.example');
    const person = await signIn(h, 'off@example.com');
    const { slug } = await approve(h, person, parcel.appId);
    await moderate(h, parcel.appId, 'disabled');
    const refused = await send(h, parcel.aat, 'key-2', { slug, body: 'Hello' });
    expect(refused.statusCode).toBe(401);
  });
});
