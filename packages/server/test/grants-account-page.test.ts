import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { type Harness, startHarness } from './support/harness.js';
import { authorizeParams, pkcePair, registerApp, tokenForm } from './support/oauth.js';
import { signInOnSite, siteClient } from './support/site-client.js';

eachDialect('"Connected apps" on the account page', (dialect) => {
  let h: Harness;
  let app: Awaited<ReturnType<typeof registerApp>>;
  const callback = 'https://parcel.example/callback';

  beforeAll(async () => {
    h = await startHarness({ dialect });
    app = await registerApp(h, 'Parcel Tracker', [callback]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows each approved app with its slug, and renames, rotates and disconnects from there', async () => {
    const browser = siteClient(h);
    const empty = await signInOnSite(h, browser, 'ada@example.com');
    expect(empty.body).toContain('Connected apps');
    expect(empty.body).toContain('You have not connected any app yet.');

    const { verifier, challenge } = pkcePair();
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: callback,
      challenge,
      scope: 'identity.read messages.send',
    });
    await browser.get(`/oauth/consent?${new URLSearchParams(params)}`);
    const approved = await browser.post('/oauth/consent', {
      ...params,
      slug: browser.field('slug'),
      slug_sig: browser.field('slug_sig'),
      decision: 'approve',
    });
    const code = new URL(approved.headers.location as string).searchParams.get('code') ?? '';
    const tokens = (
      await tokenForm(h, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: callback,
        client_id: app.appId,
        code_verifier: verifier,
      })
    ).json();

    const account = await browser.get('/account');
    expect(account.body).toContain('Parcel Tracker');
    const slug = /data-field="slug">([0-9A-Za-z]{14})</.exec(account.body)?.[1];
    expect(slug).toMatch(/^[0-9A-Za-z]{14}$/);
    expect(account.body).toContain('Send messages to your Antara inbox');

    const renamed = await browser.post(`/account/apps/${app.appId}/alias`, { alias: 'Ada <P>' });
    expect(renamed.statusCode).toBe(303);
    expect(renamed.headers.location).toBe('/account?apps=renamed#connected-apps');
    const afterRename = await browser.get('/account?apps=renamed');
    expect(afterRename.body).toContain('value="Ada &lt;P&gt;"');
    expect(afterRename.body).toContain('The name is saved');

    await browser.post(`/account/apps/${app.appId}/rotate-slug`, {});
    const afterRotate = await browser.get('/account');
    const rotated = /data-field="slug">([0-9A-Za-z]{14})</.exec(afterRotate.body)?.[1];
    expect(rotated).toMatch(/^[0-9A-Za-z]{14}$/);
    expect(rotated).not.toBe(slug);

    const types = (
      await h.ctx.storage.db
        .selectFrom('outbox')
        .select('payload')
        .where('app_id', '=', app.appId)
        .where('type', '=', 'permission.changed')
        .execute()
    ).map((row) => JSON.parse(row.payload).change);
    expect(types).toEqual(['alias', 'slug']);

    const forged = await browser.post(`/account/apps/${app.appId}/revoke`, { _csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    await browser.get('/account');
    const revoked = await browser.post(`/account/apps/${app.appId}/revoke`, {});
    expect(revoked.statusCode).toBe(303);
    const afterRevoke = await browser.get('/account?apps=revoked');
    expect(afterRevoke.body).not.toContain(rotated);
    expect(afterRevoke.body).toContain('The app is disconnected.');
    const introspected = await h.app.inject({
      method: 'POST',
      url: '/auth/introspect',
      payload: { token: tokens.access_token },
    });
    expect(introspected.json().data).toEqual({ active: false });

    // Nothing left to change: the same forms now answer 404 as a page.
    const gone = await browser.post(`/account/apps/${app.appId}/rotate-slug`, {});
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toMatch(/^text\/html/);
  });
});
