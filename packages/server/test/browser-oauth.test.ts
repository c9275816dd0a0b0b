import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrCreateVerifiedAccount } from '../src/identity/accounts.js';
import { launchChromium } from './support/chromium.js';
import type { Harness } from './support/harness.js';
import { authorizeParams, pkcePair, startIssuer } from './support/oauth.js';
import { type SmtpPeer, startSmtpPeer } from './support/smtp-peer.js';

const OUTPUT_DIR = fileURLToPath(new URL('../../../test-output/', import.meta.url));

/** A third-party app's callback on a loopback port: it records what the browser brought. */
async function startCallback(): Promise<{ server: Server; url: string; hits: URL[] }> {
  const hits: URL[] = [];
  const server = createServer((request, response) => {
    hits.push(new URL(request.url ?? '/', 'http://127.0.0.1'));
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>Parcel callback</title><p>Back at the app.</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, hits };
}

/**
 * Registers the third-party app through the developer API. Its developer signs in without
 * mail (the SMTP peer is the person's), through the same session service the API uses.
 */
async function registerAppOverSmtp(h: Harness, redirectUri: string) {
  const { repos, clock, random, sessions } = h.ctx;
  const developer = await findOrCreateVerifiedAccount(repos.users, 'developer@example.com', clock, random);
  const { accessToken } = await sessions.issue(developer);
  const created = await fetch(`${h.baseUrl}/dev/v1/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name: 'Parcel Tracker', redirectUris: [redirectUri] }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { data: { appId: string } }).data;
}

describe('the OAuth flow in real Chromium', () => {
  let smtp: SmtpPeer;
  let h: Harness;
  let browser: Browser;
  let callback: Awaited<ReturnType<typeof startCallback>>;

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    h = await startIssuer('sqlite', { env: { ANTARA_SMTP_URL: smtp.url }, realClock: true });
    callback = await startCallback();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await smtp?.close();
    await new Promise((resolve) => callback?.server.close(resolve));
  });

  it('authorize → sign in with the mailed code → consent → approve → back at the loopback callback with code and state', async () => {
    // Registered without a port: native apps listen on whatever port is free (RFC 8252 §7.3).
    const app = await registerAppOverSmtp(h, 'http://127.0.0.1/callback');
    const { verifier, challenge } = pkcePair();
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: callback.url,
      challenge,
      scope: 'openid identity.read messages.send',
      state: 'browser-state-1',
      nonce: 'browser-nonce',
    });

    const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });

    await page.goto(`${h.baseUrl}/oauth/authorize?${new URLSearchParams(params)}`);
    expect(new URL(page.url()).pathname).toBe('/oauth/consent');
    await expect(page.locator('h1').first().textContent()).resolves.toBe(
      'Sign in to continue to Parcel Tracker',
    );
    await page.fill('#email', 'chromium.ada@example.com');
    await page.click('button[type="submit"]');
    await expect(page.locator('h1').textContent()).resolves.toBe('Check your mail');
    await page.fill('#code', await smtp.codeFor('chromium.ada@example.com'));
    await page.click('button[type="submit"]');

    await page.waitForURL((url) => url.pathname === '/oauth/consent');
    await expect(page.locator('h1').textContent()).resolves.toBe('Allow Parcel Tracker to recognise you?');
    await expect(page.locator('[data-field="trust"]').textContent()).resolves.toBe('private');
    await expect(page.locator('[data-field="scopes"] li').allTextContents()).resolves.toEqual([
      'Recognise you with a stable per-app Antara ID (identity.read)',
      'Send messages to your Antara inbox (messages.send)',
      'Sign you in with OpenID Connect (openid)',
    ]);
    const slug = await page.locator('[data-field="slug"]').textContent();
    expect(slug).toMatch(/^[0-9A-Za-z]{14}$/);
    await page.fill('#alias', 'Ada from Chromium');
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: `${OUTPUT_DIR}browser-oauth-consent.png`, fullPage: true });

    await page.click('button[value="approve"]');
    await page.waitForURL((url) => url.href.startsWith(callback.url));
    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('browser-state-1');
    expect(landed.searchParams.get('iss')).toBe(h.baseUrl);
    const code = landed.searchParams.get('code') ?? '';
    expect(code).toMatch(/^oac_/);
    expect(
      callback.hits.filter((hit) => hit.pathname === '/callback').map((hit) => hit.searchParams.get('code')),
    ).toEqual([code]);

    // The app finishes the flow on its back end.
    const token = await fetch(`${h.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callback.url,
        client_id: app.appId,
        code_verifier: verifier,
      }),
    });
    expect(token.status).toBe(200);
    const { data } = (await token.json()) as {
      data: { user: { slug: string; alias: string }; idToken: string };
    };
    expect(data.user).toMatchObject({ slug, alias: 'Ada from Chromium' });
    expect(data.idToken).toEqual(expect.any(String));

    // The consent page may not be framed by anyone.
    const consent = await fetch(`${h.baseUrl}/oauth/consent?${new URLSearchParams(params)}`);
    expect(consent.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(consent.headers.get('x-frame-options')).toBe('DENY');

    // A second authorization goes straight back: consent is remembered.
    await page.goto(`${h.baseUrl}/oauth/authorize?${new URLSearchParams({ ...params, state: 'second' })}`);
    await page.waitForURL((url) => url.href.startsWith(callback.url));
    expect(new URL(page.url()).searchParams.get('state')).toBe('second');

    expect(problems).toEqual([]);
    await context.close();
  });
});
