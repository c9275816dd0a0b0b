import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { type Harness, startHarness } from './support/harness.js';
import { authorizeParams, pkcePair, registerApp, tokenForm } from './support/oauth.js';
import { lastSignInMail, type SiteClient, siteClient } from './support/site-client.js';

eachDialect('the consent page', (dialect) => {
  let h: Harness;
  let app: Awaited<ReturnType<typeof registerApp>>;
  const callback = 'https://parcel.example/callback';

  beforeAll(async () => {
    h = await startHarness({ dialect });
    app = await registerApp(h, 'Parcel <Tracker>', [callback]);
  });
  afterAll(async () => {
    await h?.close();
  });

  const consentUrl = (params: Record<string, string>) => `/oauth/consent?${new URLSearchParams(params)}`;

  /** Signs a browser in through the consent page's own inline form. */
  async function signInThroughConsent(browser: SiteClient, email: string, params: Record<string, string>) {
    const page = await browser.get(consentUrl(params));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Sign in to continue to Parcel &lt;Tracker&gt;');
    const next = browser.field('next');
    expect(next).toBe(consentUrl(params));
    await browser.post('/sign-in', { email, next });
    const verified = await browser.post('/sign-in/verify', {
      challengeId: browser.field('challengeId'),
      email,
      code: lastSignInMail(h, email).code,
      next,
    });
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe(next);
    return browser.get(next);
  }

  it('signs in inline, shows app, trust, scopes and the exact identity, and approves with a 303 to the app', async () => {
    const browser = siteClient(h);
    const { verifier, challenge } = pkcePair();
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: callback,
      challenge,
      scope: 'identity.read messages.send',
      state: 'st-1',
    });
    const page = await signInThroughConsent(browser, 'ada@example.com', params);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('Allow Parcel &lt;Tracker&gt; to recognise you?');
    expect(page.body).toContain('Send messages to your Antara inbox');
    expect(page.body).toContain('not published yet');
    expect(page.body).not.toContain('<Tracker>');
    const shownSlug = /data-field="slug">([0-9A-Za-z]{14})</.exec(page.body)?.[1];
    expect(shownSlug).toBeDefined();

    const approved = await browser.post('/oauth/consent', {
      ...params,
      slug: browser.field('slug'),
      slug_sig: browser.field('slug_sig'),
      alias: 'Ada P.',
      decision: 'approve',
    });
    expect(approved.statusCode).toBe(303);
    const location = new URL(approved.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(callback);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('iss')).toBe(h.config.server.publicUrl);
    const token = await tokenForm(h, {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      redirect_uri: callback,
      client_id: app.appId,
      code_verifier: verifier,
    });
    expect(token.statusCode).toBe(200);
    const userinfo = await h.app.inject({
      method: 'GET',
      url: '/oauth/userinfo',
      headers: { authorization: `Bearer ${token.json().access_token}` },
    });
    expect(userinfo.json()).toMatchObject({ slug: shownSlug, alias: 'Ada P.' });

    // Remembered consent: straight back to the app with a new code…
    const again = await browser.get(
      consentUrl(
        authorizeParams({ clientId: app.appId, redirectUri: callback, challenge, scope: 'messages.send' }),
      ),
    );
    expect(again.statusCode).toBe(303);
    expect(new URL(again.headers.location as string).searchParams.get('code')).toMatch(/^oac_/);
    // …unless the app asks for the screen again, which then shows the same identity.
    const prompted = await browser.get(consentUrl({ ...params, prompt: 'consent' }));
    expect(prompted.statusCode).toBe(200);
    expect(prompted.body).toContain(`data-field="slug">${shownSlug}<`);
    expect(prompted.body).toContain('value="Ada P."');
  });

  it('refuses a form without its CSRF token, and a forged slug gets a fresh random one instead', async () => {
    const browser = siteClient(h);
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: callback,
      challenge: pkcePair().challenge,
    });
    await signInThroughConsent(browser, 'bob@example.com', params);
    const [csrf, signature] = [browser.field('_csrf'), browser.field('slug_sig')];
    const forged = await browser.post('/oauth/consent', { ...params, _csrf: 'nope', decision: 'approve' });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['content-type']).toMatch(/^text\/html/);
    expect(forged.headers.location).toBeUndefined();
    expect(
      await h.ctx.repos.grants.findByAccountAndApp(
        (await h.ctx.repos.users.findByEmail('bob@example.com'))?.id ?? '',
        app.appId,
      ),
    ).toBeUndefined();

    const approved = await browser.post('/oauth/consent', {
      ...params,
      _csrf: csrf,
      slug: 'AAAAAAAAAAAAAA',
      slug_sig: signature,
      decision: 'approve',
    });
    expect(approved.statusCode).toBe(303);
    const bob = await h.ctx.repos.users.findByEmail('bob@example.com');
    const grant = await h.ctx.repos.grants.findByAccountAndApp(bob?.id ?? '', app.appId);
    expect(grant?.slug).toMatch(/^[0-9A-Za-z]{14}$/);
    expect(grant?.slug).not.toBe('AAAAAAAAAAAAAA');
  });

  it('sends a denial back with access_denied, and answers prompt=none without a session with login_required', async () => {
    const browser = siteClient(h);
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: callback,
      challenge: pkcePair().challenge,
      state: 'p',
    });
    const silent = await browser.get(consentUrl({ ...params, prompt: 'none' }));
    expect(silent.statusCode).toBe(303);
    const silentLocation = new URL(silent.headers.location as string);
    expect(silentLocation.searchParams.get('error')).toBe('login_required');
    expect(silentLocation.searchParams.get('state')).toBe('p');

    await signInThroughConsent(browser, 'carol@example.com', params);
    const noConsent = await browser.get(consentUrl({ ...params, prompt: 'none' }));
    expect(new URL(noConsent.headers.location as string).searchParams.get('error')).toBe('consent_required');
    await browser.get(consentUrl(params));
    const denied = await browser.post('/oauth/consent', { ...params, decision: 'deny' });
    expect(denied.statusCode).toBe(303);
    const location = new URL(denied.headers.location as string);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('shows a bad redirect URI as a page on the consent URL too, and never redirects there', async () => {
    const browser = siteClient(h);
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: 'https://evil.test/cb',
      challenge: pkcePair().challenge,
    });
    const page = await browser.get(consentUrl(params));
    expect(page.statusCode).toBe(400);
    expect(page.headers.location).toBeUndefined();
    const posted = await browser.post('/oauth/consent', { ...params, _csrf: 'x', decision: 'approve' });
    expect(posted.headers.location).toBeUndefined();
  });
});
