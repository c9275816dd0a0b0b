import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { type Harness, startHarness } from './support/harness.js';
import { type SmtpPeer, startSmtpPeer } from './support/smtp-peer.js';

const OUTPUT_DIR = fileURLToPath(new URL('../../../test-output/', import.meta.url));

describe('the site in real Chromium', () => {
  let smtp: SmtpPeer;
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    smtp = await startSmtpPeer();
    h = await startHarness({ listen: true, env: { ANTARA_SMTP_URL: smtp.url } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await smtp?.close();
  });

  it('signs a person in with the code from a real mail, shows the account, and signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 860 } });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });

    await page.goto(`${h.baseUrl}/`);
    await expect(page.title()).resolves.toBe('Sign in · Antara');
    // The stylesheet arrived despite the strict CSP: the card has its rounded border.
    await expect(page.locator('.card').evaluate((card) => getComputedStyle(card).borderRadius)).resolves.toBe(
      '10px',
    );
    await page.fill('#email', 'Browser.Ada@Example.com');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${h.baseUrl}/sign-in`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Check your mail');

    const code = await smtp.codeFor('browser.ada@example.com');
    await page.fill('#code', code);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${h.baseUrl}/account`);

    await expect(page.locator('[data-field="handle"]').textContent()).resolves.toMatch(/^u-[a-z0-9]{10}$/);
    const handle = await page.locator('[data-field="handle"]').textContent();
    await expect(page.locator('[data-field="display-name"]').textContent()).resolves.toBe(handle);
    await expect(page.locator('[data-field="trust-level"] .badge').textContent()).resolves.toBe('L1');

    const session = (await context.cookies()).find((c) => c.name === 'antara_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // HttpOnly: scripts on the page cannot read the session.
    await expect(page.evaluate(() => document.cookie)).resolves.toBe('');

    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    const screenshot = `${OUTPUT_DIR}browser-sign-in.png`;
    fs.rmSync(screenshot, { force: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    // A PNG of the account page is left under test-output/ for a person to look at.
    expect(fs.readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');

    await page.click('text=Sign out');
    await page.waitForURL(`${h.baseUrl}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in to Antara');
    expect((await context.cookies()).some((c) => c.name === 'antara_session')).toBe(false);
    const old = await fetch(`${h.baseUrl}/me/v1/profile`, {
      headers: { cookie: `antara_session=${session!.value}` },
    });
    expect(old.status).toBe(401);

    expect(violations).toEqual([]);
    await context.close();
  });

  it('signs in through the link in the mail only after the person confirms on the page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/`);
    await page.fill('#email', 'link.ada@example.com');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${h.baseUrl}/sign-in`);
    const { link } = await smtp.signInMailFor('link.ada@example.com');
    expect(link.startsWith(h.config.server.publicUrl)).toBe(true);

    // The same link on Antara's listening address (the public URL names no port of the test).
    const { pathname, search } = new URL(link);
    await page.goto(`${h.baseUrl}${pathname}${search}`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in to Antara');
    await expect(page.locator('p.lead').textContent()).resolves.toBe('Sign in as link.ada@example.com?');
    expect((await context.cookies()).some((c) => c.name === 'antara_session')).toBe(false);

    await page.click('button[type="submit"]');
    await page.waitForURL(`${h.baseUrl}/account`);
    await expect(page.locator('[data-field="trust-level"] .badge').textContent()).resolves.toBe('L1');
    await context.close();
  });
});
