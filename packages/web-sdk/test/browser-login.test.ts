import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AntaraServer } from '../../server-sdk/src/index.js';
import {
  approveConsent,
  type Harness,
  type RegisteredApp,
  registerApp,
  signIn,
  startAntara,
} from '../../server-sdk/test/support/antara.js';
import { buildBrowserBundle, launchChromium, type PageServer, startPageServer } from './support/browser.js';

/** The result of running `fn` in the page; errors come back as plain data. */
type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; name: string; code: string; status: number; message: string; requestId: string | null };

describe('@antara/web-sdk bundle in real Chromium', () => {
  let h: Harness;
  let site: PageServer;
  let browser: Browser;
  let registered: RegisteredApp;
  let appId: string;
  beforeAll(async () => {
    const bundle = await buildBrowserBundle();
    site = await startPageServer(bundle);
    h = await startAntara({ realClock: true });
    registered = await registerApp(h, { redirectUris: [`${site.origin}/callback`] });
    appId = registered.appId;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await h?.close();
  });

  async function openSite(path = '/'): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.origin}${path}`);
    return page;
  }

  /** Runs an AntaraClient call in the page, with the test's Antara as apiBase. */
  function run(page: Page, call: string, url?: string): Promise<Outcome> {
    return page.evaluate(
      async ({ appId, apiBase, call, url }) => {
        const Antara = (globalThis as unknown as { Antara: typeof import('../src/index.js') }).Antara;
        const antara = new Antara.AntaraClient({ appId, apiBase });
        try {
          const value = await (
            new Function('antara', 'url', `return ${call}`) as (a: unknown, u?: string) => unknown
          )(antara, url);
          return { ok: true as const, value };
        } catch (error) {
          const e = error as InstanceType<typeof Antara.AntaraError>;
          return {
            ok: false as const,
            name: e.name,
            code: e.code,
            status: e.status,
            message: e.message,
            requestId: e.requestId ?? null,
            isAntaraError: e instanceof Antara.AntaraError,
          };
        }
      },
      { appId, apiBase: h.baseUrl, call, url },
    );
  }

  it("defines the global Antara with the guide's AntaraClient", async () => {
    const page = await openSite();
    await expect(
      page.evaluate(
        () => typeof (globalThis as { Antara?: { AntaraClient?: unknown } }).Antara?.AntaraClient,
      ),
    ).resolves.toBe('function');
  });

  it('login() redirects to /oauth/authorize with an S256 challenge of a verifier kept in sessionStorage', async () => {
    const page = await openSite();
    const authorize = page.waitForRequest((request) =>
      request.url().startsWith(`${h.baseUrl}/oauth/authorize`),
    );
    await page.evaluate(
      ({ appId, apiBase }) => {
        const Antara = (globalThis as unknown as { Antara: typeof import('../src/index.js') }).Antara;
        void new Antara.AntaraClient({ appId, apiBase }).login();
      },
      { appId, apiBase: h.baseUrl },
    );
    const url = new URL((await authorize).url());
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      client_id: appId,
      redirect_uri: `${site.origin}/callback`,
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'identity.read messages.send',
    });
    expect(params.state).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Let the browser land on the consent page before leaving it, so no navigation is cut off.
    await page.waitForURL((landed) => landed.pathname === '/oauth/consent');
    // The verifier waits in the site's sessionStorage, under the state, for the return trip.
    await page.goto(`${site.origin}/`);
    const stored = await page.evaluate(
      (state) => sessionStorage.getItem(`antara.login.${state}`),
      params.state,
    );
    const pending = JSON.parse(stored ?? '{}') as { verifier: string; redirectUri: string };
    expect(pending.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.code_challenge).toBe(createHash('sha256').update(pending.verifier).digest('base64url'));
    expect(pending.redirectUri).toBe(`${site.origin}/callback`);
  });

  it('refuses a callback whose state this tab never created, and cleans the address bar', async () => {
    const page = await openSite(`/callback?code=abc&state=forged&iss=${encodeURIComponent(h.baseUrl)}`);
    const outcome = await run(page, 'antara.handleRedirectCallback()');
    expect(outcome).toMatchObject({
      ok: false,
      name: 'AntaraError',
      code: 'state_mismatch',
      status: 0,
      isAntaraError: true,
    });
    expect(page.url()).toBe(`${site.origin}/callback`);
  });

  it('refuses a callback naming another issuer, and one without iss (RFC 9207)', async () => {
    const page = await openSite();
    for (const iss of ['https://evil.example', null]) {
      const url = await run(page, 'antara.createLoginUrl()');
      const state = new URL(String((url as { value: string }).value)).searchParams.get('state');
      const query = new URLSearchParams({ code: 'abc', state: String(state) });
      if (iss) query.set('iss', iss);
      const outcome = await run(
        page,
        'antara.handleRedirectCallback(url)',
        `${site.origin}/callback?${query}`,
      );
      expect(outcome).toMatchObject({ ok: false, code: 'issuer_mismatch' });
    }
  });

  it('turns a refusal on the consent screen into AntaraError access_denied, once', async () => {
    const page = await openSite();
    const url = await run(page, 'antara.createLoginUrl()');
    const state = new URL(String((url as { value: string }).value)).searchParams.get('state');
    const query = new URLSearchParams({ error: 'access_denied', state: String(state), iss: h.baseUrl });
    const callback = `${site.origin}/callback?${query}`;
    expect(await run(page, 'antara.isRedirectCallback(url)', callback)).toEqual({ ok: true, value: true });
    expect(await run(page, 'antara.handleRedirectCallback(url)', callback)).toMatchObject({
      ok: false,
      code: 'access_denied',
    });
    // The pending login was single use.
    expect(await run(page, 'antara.handleRedirectCallback(url)', callback)).toMatchObject({
      ok: false,
      code: 'state_mismatch',
    });
  });

  it('surfaces Antara refusing the code as a typed error with the request id', async () => {
    const page = await openSite();
    const url = await run(page, 'antara.createLoginUrl()');
    const state = new URL(String((url as { value: string }).value)).searchParams.get('state');
    const query = new URLSearchParams({ code: 'not-a-real-code', state: String(state), iss: h.baseUrl });
    const outcome = await run(page, 'antara.handleRedirectCallback(url)', `${site.origin}/callback?${query}`);
    expect(outcome).toMatchObject({
      ok: false,
      name: 'AntaraError',
      status: 400,
      code: 'invalid_grant',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('starts signed out: no user, no token, logout is harmless', async () => {
    const page = await openSite();
    expect(
      await run(
        page,
        '(async () => [antara.isAuthenticated(), antara.getUser(), antara.getAccessToken(), (await antara.logout()) ?? "logged out"])()',
      ),
    ).toEqual({ ok: true, value: [false, null, null, 'logged out'] });
  });

  it('logs a person in end to end: login, consent, callback, tokens in memory only, logout revokes', async () => {
    const person = await signIn(h, 'browser.person@example.com');
    const page = await openSite();
    const authorize = page.waitForRequest((request) =>
      request.url().startsWith(`${h.baseUrl}/oauth/authorize`),
    );
    await page.evaluate(
      ({ appId, apiBase }) => {
        const Antara = (globalThis as unknown as { Antara: typeof import('../src/index.js') }).Antara;
        void new Antara.AntaraClient({ appId, apiBase, scopes: ['identity.read', 'profile.basic'] }).login();
      },
      { appId, apiBase: h.baseUrl },
    );
    // The person approves (here through the JSON consent API; the demo app test clicks the page).
    const redirectTo = await approveConsent(h, (await authorize).url(), person.accessToken, {
      alias: 'Browser Person',
    });
    expect(redirectTo.startsWith(`${site.origin}/callback?`)).toBe(true);
    await page.waitForURL((landed) => landed.pathname === '/oauth/consent');
    await page.goto(redirectTo);

    const outcome = await page.evaluate(
      async ({ appId, apiBase }) => {
        const Antara = (globalThis as unknown as { Antara: typeof import('../src/index.js') }).Antara;
        const antara = new Antara.AntaraClient({ appId, apiBase });
        const result = await antara.handleRedirectCallback();
        const before = {
          authenticated: antara.isAuthenticated(),
          user: antara.getUser(),
          sameToken: antara.getAccessToken() === result.accessToken,
        };
        const storage = JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie;
        await antara.logout();
        return { result, before, after: antara.isAuthenticated(), storage, address: location.href };
      },
      { appId, apiBase: h.baseUrl },
    );
    expect(outcome.result).toMatchObject({
      accessToken: expect.stringMatching(/^oit_/),
      scopes: ['identity.read', 'profile.basic'],
      user: { userId: expect.any(String), alias: 'Browser Person', verified: true },
    });
    expect(outcome.result.user.slug).toMatch(/^[A-Za-z0-9]{12,}$/);
    expect(outcome.before).toEqual({ authenticated: true, user: outcome.result.user, sameToken: true });
    expect(outcome.address).toBe(`${site.origin}/callback`);
    // Memory only: nothing of the token in storage or cookies; the pending login is gone too.
    expect(outcome.storage).not.toContain(outcome.result.accessToken);
    expect(outcome.storage).not.toContain('antara.login.');
    expect(JSON.stringify(outcome.result)).not.toContain('browser.person@example.com');
    expect(outcome.after).toBe(false);

    // logout() revoked the token at Antara.
    const server = new AntaraServer({ apiKey: registered.apiKey, apiBase: h.baseUrl });
    expect(await server.introspect(outcome.result.accessToken)).toEqual({ active: false });
  });
});
