import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { type Harness, signIn, startHarness } from './support/harness.js';
import { signInByMagicLink, signInOnSite, siteClient } from './support/site-client.js';

eachDialect('the site: the account page', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => h.clock.advance(11 * 60_000));

  const profileWith = (cookie: string | undefined) =>
    h.app.inject({ method: 'GET', url: '/me/v1/profile', headers: { cookie: `antara_session=${cookie}` } });

  it('shows the primary handle, display name, trust level and verified address, with a sign-out form', async () => {
    const browser = siteClient(h);
    const account = await signInOnSite(h, browser, 'shown@example.com');
    const profile = (await profileWith(browser.cookies.get('antara_session'))).json().data;
    expect(account.statusCode).toBe(200);
    expect(account.headers['cache-control']).toBe('no-store');
    expect(account.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(account.body).toContain(`<dd data-field="handle">${profile.primarySlug}</dd>`);
    expect(account.body).toContain(`<dd data-field="display-name">${profile.displayName}</dd>`);
    expect(account.body).toContain(
      '<span class="badge">L1</span> <span class="muted">email address verified</span>',
    );
    expect(account.body).toContain('shown@example.com <span class="muted">verified</span>');
    expect(account.body).toContain('<form method="post" action="/sign-out">');
  });

  it('signs out: the session is revoked, the cookie cleared, and the old cookie opens nothing', async () => {
    const browser = siteClient(h);
    await signInOnSite(h, browser, 'leaving@example.com');
    const cookie = browser.cookies.get('antara_session');
    expect((await profileWith(cookie)).statusCode).toBe(200);

    const out = await browser.post('/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/');
    expect(String(out.headers['set-cookie'])).toMatch(/antara_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(browser.cookies.has('antara_session')).toBe(false);

    expect((await profileWith(cookie)).statusCode).toBe(401);
    const stale = await h.app.inject({
      method: 'GET',
      url: '/account',
      headers: { cookie: `antara_session=${cookie}` },
    });
    expect(stale.statusCode).toBe(303);
    expect(stale.headers.location).toBe('/');
    expect((await browser.get('/')).statusCode).toBe(200);
  });

  it('refuses sign-out and profile changes with a bad CSRF token, and changes nothing', async () => {
    const browser = siteClient(h);
    await signInOnSite(h, browser, 'guarded@example.com');
    const cookie = browser.cookies.get('antara_session');
    const before = (await profileWith(cookie)).json().data;

    const signOut = await browser.post('/sign-out', { _csrf: 'x' });
    const change = await browser.post('/account/profile', {
      _csrf: '0'.repeat(64),
      displayName: 'Hijacked',
      primarySlug: 'hijacked',
    });
    for (const refused of [signOut, change]) {
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('This form has expired');
    }
    expect((await profileWith(cookie)).json().data).toEqual(before);
  });

  it('binds the CSRF token to the session: a token from before signing in does not work after it', async () => {
    const browser = siteClient(h);
    await browser.get('/');
    const anonymousToken = browser.field('_csrf');
    await signInOnSite(h, browser, 'bound@example.com');
    const refused = await browser.post('/sign-out', { _csrf: anonymousToken });
    expect(refused.statusCode).toBe(403);
    expect((await profileWith(browser.cookies.get('antara_session'))).statusCode).toBe(200);
  });

  it('changes the display name and handle under the rules of PATCH /me/v1/profile', async () => {
    const browser = siteClient(h);
    await signInOnSite(h, browser, 'renamed@example.com');
    const saved = await browser.post('/account/profile', {
      displayName: '  Ada L.  ',
      primarySlug: 'Ada-Page',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/account?saved=1');
    const page = await browser.get('/account?saved=1');
    expect(page.body).toContain('Your profile is saved.');
    expect(page.body).toContain('<dd data-field="handle">ada-page</dd>');
    expect(page.body).toContain('<dd data-field="display-name">Ada L.</dd>');
    const profile = (await profileWith(browser.cookies.get('antara_session'))).json().data;
    expect(profile).toMatchObject({ primarySlug: 'ada-page', displayName: 'Ada L.' });

    const bad = await browser.post('/account/profile', { displayName: 'Ada', primarySlug: '-no-' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('A handle is 3 to 32 lower-case letters');
    expect(browser.field('primarySlug')).toBe('-no-');

    const blank = await browser.post('/account/profile', { displayName: '   ', primarySlug: 'ada-page' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('A display name is 1 to 80 characters');

    const other = siteClient(h);
    await signInOnSite(h, other, 'second@example.com');
    const taken = await other.post('/account/profile', { displayName: 'Someone', primarySlug: 'ada-page' });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('The handle &quot;ada-page&quot; is taken; pick another.');
  });

  it('escapes every value it shows: a display name of <script> appears as text', async () => {
    const browser = siteClient(h);
    await signInOnSite(h, browser, 'mallory@example.com');
    const hostile = `<script>alert("x")</script>'&`;
    expect(
      (await browser.post('/account/profile', { displayName: hostile, primarySlug: 'mallory' })).statusCode,
    ).toBe(303);
    const page = await browser.get('/account');
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;';
    expect(page.body).toContain(`<dd data-field="display-name">${escaped}</dd>`);
    expect(page.body).toContain(`name="displayName" type="text" required maxlength="80" value="${escaped}"`);
    expect(page.body).not.toContain('<script');
    expect(browser.field('displayName')).toBe(hostile);

    const hostileEmail = '"><script>alert(1)</script>@example.com';
    await browser.post('/sign-out', {});
    await browser.get('/');
    await browser.post('/sign-in', { email: 'echo@example.com' });
    const echoed = await browser.post('/sign-in/verify', {
      challengeId: browser.field('challengeId'),
      email: hostileEmail,
      code: 'abc',
    });
    expect(echoed.statusCode).toBe(400);
    expect(echoed.body).not.toContain('<script');
    expect(echoed.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.com');
  });

  it('does not let an API token stand in for the site cookie', async () => {
    const api = await signIn(h, 'api.only@example.com');
    const page = await h.app.inject({
      method: 'GET',
      url: '/account',
      headers: { cookie: `antara_session=${api.accessToken}` },
    });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/');
  });

  it('ends the old session when the browser signs in again', async () => {
    const browser = siteClient(h);
    await signInOnSite(h, browser, 'twice@example.com');
    const first = browser.cookies.get('antara_session');
    h.clock.advance(61_000);
    const again = await signInByMagicLink(h, browser, 'twice@example.com');
    expect(again.statusCode).toBe(303);
    const second = browser.cookies.get('antara_session');
    expect(second).not.toBe(first);
    expect((await profileWith(first)).statusCode).toBe(401);
    expect((await profileWith(second)).statusCode).toBe(200);
  });
});
