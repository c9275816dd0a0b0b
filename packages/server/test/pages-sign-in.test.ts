import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { type Harness, startHarness } from './support/harness.js';
import { lastSignInMail, signInByMagicLink, signInOnSite, siteClient } from './support/site-client.js';

type Cookie = {
  name: string;
  value: string;
  httpOnly?: boolean;
  sameSite?: string;
  path?: string;
  maxAge?: number;
  secure?: boolean;
};
const cookieNamed = (response: { cookies: unknown }, name: string) =>
  (response.cookies as Cookie[]).find((c) => c.name === name);

eachDialect('the site: signing in', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
  });
  afterAll(async () => {
    await h?.close();
  });
  // Each test starts outside every rate-limit window of the one before.
  beforeEach(() => h.clock.advance(11 * 60_000));

  it('serves the email form with a strict CSP, frame-ancestors none, no caching and a CSRF cookie', async () => {
    const page = await siteClient(h).get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(cookieNamed(page, 'antara_csrf')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(page.body).toContain('<form method="post" action="/sign-in">');
    expect(page.body).toMatch(/name="_csrf" value="[0-9a-f]{64}"/);
  });

  it('uses no inline script or style, and serves its stylesheet from /assets', async () => {
    const page = await siteClient(h).get('/');
    expect(page.body).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page.body)?.[1];
    expect(href).toMatch(/^\/assets\/site\.css\?v=[0-9a-f]{12}$/);
    const css = await h.app.inject({ method: 'GET', url: href! });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('.card');
  });

  it('signs a person in with the mailed code and sets an HttpOnly, SameSite=Lax session cookie for a week', async () => {
    const browser = siteClient(h);
    await browser.get('/');
    const codePage = await browser.post('/sign-in', { email: 'Page.Ada@Example.com' });
    expect(codePage.statusCode).toBe(200);
    expect(codePage.body).toContain('We sent a 6-digit code to <strong>Page.Ada@Example.com</strong>');
    const { code } = lastSignInMail(h, 'page.ada@example.com');

    const verify = await browser.post('/sign-in/verify', {
      challengeId: browser.field('challengeId'),
      email: 'Page.Ada@Example.com',
      code,
    });
    expect(verify.statusCode).toBe(303);
    expect(verify.headers.location).toBe('/account');
    const session = cookieNamed(verify, 'antara_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 7 * 24 * 3600 });
    expect(session?.secure).toBeFalsy();
    expect(session?.value).toMatch(/^ses_[A-Za-z0-9_-]{43}$/);

    const account = await browser.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toMatch(/data-field="handle">u-[a-z0-9]{10}</);
    expect(account.body).toContain('<span class="badge">L1</span>');

    const api = await h.app.inject({
      method: 'GET',
      url: '/me/v1/profile',
      headers: { cookie: `antara_session=${session!.value}` },
    });
    expect(api.statusCode).toBe(200);
    expect(api.json().data.trustLevel).toBe('L1');
  });

  it('marks the session cookie Secure when the public URL is https', async () => {
    const secure = await startHarness({ dialect, env: { ANTARA_PUBLIC_URL: 'https://id.example.test' } });
    try {
      const browser = siteClient(secure);
      const form = await browser.get('/');
      expect(cookieNamed(form, 'antara_csrf')?.secure).toBe(true);
      await browser.post('/sign-in', { email: 'secure@example.com' });
      const verify = await browser.post('/sign-in/verify', {
        challengeId: browser.field('challengeId'),
        email: 'secure@example.com',
        code: lastSignInMail(secure, 'secure@example.com').code,
      });
      expect(cookieNamed(verify, 'antara_session')?.secure).toBe(true);
    } finally {
      await secure.close();
    }
  });

  it('refuses a sign-in form without a CSRF token, with a wrong one, or without the cookie, and mails nothing', async () => {
    const browser = siteClient(h);
    await browser.get('/');
    const mailsBefore = h.outbox.length;
    const token = browser.field('_csrf');

    const missing = await h.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: 'email=forged%40example.com',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `antara_csrf=${browser.cookies.get('antara_csrf')}`,
      },
    });
    const wrong = await browser.post('/sign-in', { _csrf: 'f'.repeat(64), email: 'forged@example.com' });
    const noCookie = await h.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: new URLSearchParams({ _csrf: token, email: 'forged@example.com' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const twice = await h.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: `_csrf=${token}&_csrf=${token}&email=forged%40example.com`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `antara_csrf=${browser.cookies.get('antara_csrf')}`,
      },
    });

    for (const refused of [missing, wrong, noCookie, twice]) {
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(refused.body).toContain('This form has expired');
      expect(refused.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    expect(h.outbox.length).toBe(mailsBefore);
  });

  it('does not accept one browser’s CSRF token with another browser’s cookie', async () => {
    const attacker = siteClient(h);
    await attacker.get('/');
    const victim = siteClient(h);
    await victim.get('/');
    const forged = await victim.post('/sign-in', {
      _csrf: attacker.field('_csrf'),
      email: 'victim@example.com',
    });
    expect(forged.statusCode).toBe(403);
  });

  it('shows the code form again with the attempts left after a wrong code, then signs in with the right one', async () => {
    const browser = siteClient(h);
    await browser.get('/');
    await browser.post('/sign-in', { email: 'typo@example.com' });
    const { code } = lastSignInMail(h, 'typo@example.com');
    const challengeId = browser.field('challengeId');
    const wrong = await browser.post('/sign-in/verify', {
      challengeId,
      email: 'typo@example.com',
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('The code is wrong; 4 attempts left.');
    expect(wrong.body).toContain('action="/sign-in/verify"');
    const right = await browser.post('/sign-in/verify', {
      challengeId: browser.field('challengeId'),
      email: 'typo@example.com',
      code: `${code.slice(0, 3)} ${code.slice(3)}`,
    });
    expect(right.statusCode).toBe(303);
  });

  it('asks for a new code when the code has expired', async () => {
    const browser = siteClient(h);
    await browser.get('/');
    await browser.post('/sign-in', { email: 'slow@example.com' });
    h.clock.advance(10 * 60_000 + 1);
    const late = await browser.post('/sign-in/verify', {
      challengeId: browser.field('challengeId'),
      email: 'slow@example.com',
      code: lastSignInMail(h, 'slow@example.com').code,
    });
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('Ask for a new code below.');
    expect(late.body).toContain('action="/sign-in"');
    expect(browser.field('email')).toBe('slow@example.com');
  });

  it('answers a second request for a code within a minute with a friendly 429 page and Retry-After', async () => {
    const browser = siteClient(h);
    await browser.get('/');
    await browser.post('/sign-in', { email: 'hasty.page@example.com' });
    h.clock.advance(15_000);
    await browser.get('/');
    const again = await browser.post('/sign-in', { email: 'hasty.page@example.com' });
    expect(again.statusCode).toBe(429);
    expect(again.headers['retry-after']).toBe('45');
    expect(again.body).toContain('Please wait 45 seconds before asking for another code.');
    expect(again.body).toContain('action="/sign-in"');
  });

  it('says so when the address is not an email address', async () => {
    const browser = siteClient(h);
    await browser.get('/');
    const bad = await browser.post('/sign-in', { email: 'not-an-address' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('That does not look like an email address.');
  });

  it('asks before signing in through the magic link: opening it spends nothing, the button signs in', async () => {
    const browser = siteClient(h);
    await browser.get('/');
    await browser.post('/sign-in', { email: 'magic.page@example.com' });
    const { magicPath } = lastSignInMail(h, 'magic.page@example.com');
    expect(magicPath).toMatch(/^\/auth\/email\/magic\?challenge=[0-9a-f-]{36}&token=[A-Za-z0-9_-]{43}$/);
    const challengeId = new URL(magicPath, 'http://x').searchParams.get('challenge')!;

    // A mail scanner fetches the link first, with no cookies: it gets the question, nothing more.
    const scanned = await h.app.inject({ method: 'GET', url: magicPath });
    expect(scanned.statusCode).toBe(200);
    expect(scanned.headers['set-cookie'] ?? '').not.toContain('antara_session');
    expect(await h.ctx.repos.emailChallenges.findById(challengeId)).toMatchObject({
      attempts: 0,
      closed_at: null,
      verified_at: null,
    });

    const opened = await browser.get(magicPath);
    expect(opened.statusCode).toBe(200);
    expect(opened.headers['cache-control']).toBe('no-store');
    expect(opened.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(opened.body).toContain('Sign in as <strong>magic.page@example.com</strong>?');
    expect(opened.body).toContain('<form method="post" action="/auth/email/magic">');
    expect(browser.cookies.has('antara_session')).toBe(false);

    const confirmed = await browser.post('/auth/email/magic', {
      challenge: browser.field('challenge'),
      token: browser.field('token'),
    });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/account');
    expect(cookieNamed(confirmed, 'antara_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect((await browser.get('/account')).body).toContain('Signed in as magic.page@example.com.');
  });

  it('answers a used, forged or unknown magic link with one HTML page that names no address', async () => {
    const browser = siteClient(h);
    const confirmed = await signInByMagicLink(h, browser, 'used.link@example.com');
    expect(confirmed.statusCode).toBe(303);
    const { magicPath } = lastSignInMail(h, 'used.link@example.com');
    const forgedPath = magicPath.replace(/token=[^&]+/, `token=${'A'.repeat(43)}`);
    const unknownPath = magicPath.replace(
      /challenge=[^&]+/,
      'challenge=6f1b6a3e-2c1d-4a8e-9d3b-5f0e4c7a1b2d',
    );

    for (const path of [magicPath, forgedPath, unknownPath]) {
      const page = await siteClient(h).get(path);
      expect(page.statusCode, path).toBe(400);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('This sign-in link has expired, was used already, or is not valid.');
      expect(page.body).not.toContain('used.link@example.com');
      expect(page.headers['set-cookie'] ?? '').not.toContain('antara_session');
    }

    // Posting the confirm form again (a second tab, a replay) is refused the same way.
    const other = siteClient(h);
    await other.get('/');
    const { challenge, token } = Object.fromEntries(new URL(magicPath, 'http://x').searchParams);
    const replay = await other.post('/auth/email/magic', { challenge: challenge!, token: token! });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('This sign-in link has expired, was used already, or is not valid.');
    expect(other.cookies.has('antara_session')).toBe(false);
  });

  it('refuses the magic-link confirmation without a valid CSRF token, and the link stays usable', async () => {
    const browser = siteClient(h);
    await browser.get('/');
    await browser.post('/sign-in', { email: 'csrf.link@example.com' });
    const { magicPath } = lastSignInMail(h, 'csrf.link@example.com');
    await browser.get(magicPath);
    const fields = { challenge: browser.field('challenge'), token: browser.field('token') };
    const csrf = browser.field('_csrf');

    const forged = await browser.post('/auth/email/magic', { ...fields, _csrf: 'f'.repeat(64) });
    const crossSite = await h.app.inject({
      method: 'POST',
      url: '/auth/email/magic',
      payload: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    for (const refused of [forged, crossSite]) {
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('This form has expired');
      expect(refused.headers['set-cookie'] ?? '').not.toContain('antara_session');
    }
    const confirmed = await browser.post('/auth/email/magic', { ...fields, _csrf: csrf });
    expect(confirmed.statusCode).toBe(303);
  });

  it('escapes the address on the confirmation page', async () => {
    const browser = siteClient(h);
    await browser.get('/');
    await browser.post('/sign-in', { email: "o'neil&co@example.com" });
    const page = await browser.get(lastSignInMail(h, "o'neil&co@example.com").magicPath);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Sign in as <strong>o&#39;neil&amp;co@example.com</strong>?');
  });

  it('carries a safe next path through the code form and the magic link', async () => {
    const next = '/oauth/consent?client_id=app_1&state=a%2Fb';
    const browser = siteClient(h);
    const form = await browser.get(`/?next=${encodeURIComponent(next)}`);
    expect(form.body).toContain(`name="next" value="${next.replace('&', '&amp;')}"`);
    await browser.post('/sign-in', { email: 'next@example.com', next });
    expect(browser.field('next')).toBe(next);
    const { code, magicPath } = lastSignInMail(h, 'next@example.com');
    expect(new URL(magicPath, 'http://x').searchParams.get('next')).toBe(next);
    const verify = await browser.post('/sign-in/verify', {
      challengeId: browser.field('challengeId'),
      email: 'next@example.com',
      code,
      next,
    });
    expect(verify.statusCode).toBe(303);
    expect(verify.headers.location).toBe(next);
    const signedIn = await browser.get(`/?next=${encodeURIComponent(next)}`);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe(next);

    h.clock.advance(61_000);
    const other = siteClient(h);
    const byLink = await signInByMagicLink(h, other, 'next@example.com', next);
    expect(other.field('next')).toBe(next);
    expect(byLink.statusCode).toBe(303);
    expect(byLink.headers.location).toBe(next);
  });

  it('refuses next addresses that could leave the site, before the code is used', async () => {
    const hostile = [
      '//evil.example',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
      '/\t/evil',
      'evil',
    ];
    for (const next of hostile) {
      const page = await siteClient(h).get(`/?next=${encodeURIComponent(next)}`);
      expect(page.statusCode, next).toBe(400);
      expect(page.body).toContain('The &quot;next&quot; address must be a path on this site');
    }
    const browser = siteClient(h);
    await browser.get('/');
    await browser.post('/sign-in', { email: 'redirect@example.com' });
    const challengeId = browser.field('challengeId');
    const token = browser.field('_csrf');
    const { code, magicPath } = lastSignInMail(h, 'redirect@example.com');
    const refused = await browser.post('/sign-in/verify', {
      _csrf: token,
      challengeId,
      email: 'redirect@example.com',
      code,
      next: '//evil.example',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.headers.location).toBeUndefined();
    const link = siteClient(h);
    const magic = await link.get(`${magicPath}&next=${encodeURIComponent('//evil.example')}`);
    expect(magic.statusCode).toBe(400);
    expect(magic.body).not.toContain('redirect@example.com');
    await link.get(magicPath);
    const confirm = await link.post('/auth/email/magic', {
      challenge: link.field('challenge'),
      token: link.field('token'),
      next: '//evil.example',
    });
    expect(confirm.statusCode).toBe(400);
    expect(confirm.headers.location).toBeUndefined();
    const fine = await browser.post('/sign-in/verify', {
      _csrf: token,
      challengeId,
      email: 'redirect@example.com',
      code,
    });
    expect(fine.statusCode).toBe(303);
    expect(fine.headers.location).toBe('/account');
  });

  it('sends a signed-in visitor of / to the account page, and a stranger at /account to sign in', async () => {
    const browser = siteClient(h);
    await signInOnSite(h, browser, 'home@example.com');
    const home = await browser.get('/');
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe('/account');
    const stranger = await siteClient(h).get('/account');
    expect(stranger.statusCode).toBe(303);
    expect(stranger.headers.location).toBe('/');
  });
});

describe('the site and the API description', () => {
  it('keeps the page routes out of /openapi.json', async () => {
    const h = await startHarness();
    try {
      const spec = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      expect(Object.keys(spec.paths)).not.toContain('/sign-in');
      expect(Object.keys(spec.paths)).not.toContain('/account');
    } finally {
      await h.close();
    }
  });
});
