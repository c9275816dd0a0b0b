import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { type Harness, lastCodeFor, signIn, startHarness } from './support/harness.js';
import { approve, messagingApp, send } from './support/messaging.js';
import { siteClient } from './support/site-client.js';

const OUTPUT_DIR = fileURLToPath(new URL('../../../test-output/', import.meta.url));

describe('the inbox page in real Chromium', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    // No SMTP: the harness keeps the mails, so the test reads the sign-in code from them.
    h = await startHarness({ listen: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows a message an app sent, reads it, mutes the app, and the next send is refused', async () => {
    const parcel = await messagingApp(h, 'dev@parcel.example', 'Parcel Tracker');
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });

    // Not signed in: the inbox sends the browser to sign-in and back.
    await page.goto(`${h.baseUrl}/inbox`);
    await page.waitForURL(`${h.baseUrl}/?next=%2Finbox`);
    await page.fill('#email', 'reader@example.com');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${h.baseUrl}/sign-in`);
    await page.fill('#code', lastCodeFor(h, 'reader@example.com'));
    await page.click('button[type="submit"]');
    await page.waitForURL(`${h.baseUrl}/inbox`);
    await expect(page.locator('[data-empty="inbox"]').count()).resolves.toBe(1);

    const account = await h.ctx.repos.users.findByEmail('reader@example.com');
    const { slug } = await approve(h, { user: { id: account!.id } }, parcel.appId);
    const sent = await send(h, parcel.aat, 'browser-1', {
      slug,
      subject: 'Your parcel <b>shipped</b>',
      body: 'Order #1234 left the warehouse.\nTrack it in the app.',
    });
    expect(sent.statusCode).toBe(201);
    const { messageId } = sent.json().data;

    await page.reload();
    const item = page.locator(`[data-message-id="${messageId}"]`);
    await expect(item.getAttribute('class')).resolves.toBe('message-item unread');
    // The subject is text, never markup.
    await expect(item.locator('a').textContent()).resolves.toBe('Your parcel <b>shipped</b>');
    await expect(page.locator(`[data-app-id="${parcel.appId}"]`).textContent()).resolves.toContain(
      '1 unread',
    );

    await item.locator('a').click();
    await page.waitForURL(`${h.baseUrl}/inbox/messages/${messageId}`);
    await expect(page.locator('[data-field="from"]').textContent()).resolves.toBe('Parcel Tracker');
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: the line break must show.
    await expect(page.locator('[data-field="body"]').innerText()).resolves.toBe(
      'Order #1234 left the warehouse.\nTrack it in the app.',
    );
    const listed = await fetch(`${h.baseUrl}/me/v1/messages/${messageId}`, {
      headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    expect((await listed.json()).data.readAt).toEqual(expect.any(Number));

    await page.selectOption('#reason', 'spam');
    await page.click('[data-action="report"]');
    await page.waitForURL(`${h.baseUrl}/inbox/messages/${messageId}?done=reported`);
    await expect(page.locator('[data-field="reported"]').count()).resolves.toBe(1);

    await page.click('[data-action="mute"]');
    await page.waitForURL(`${h.baseUrl}/inbox?app=${parcel.appId}&done=muted`);
    await expect(page.locator('[role="status"]').textContent()).resolves.toContain('muted');
    await expect(page.locator(`[data-app-id="${parcel.appId}"]`).textContent()).resolves.toContain('(muted)');
    await expect(page.locator(`[data-message-id="${messageId}"]`).getAttribute('class')).resolves.toBe(
      'message-item',
    );
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: `${OUTPUT_DIR}inbox-muted.png`, fullPage: true });

    const refused = await send(h, parcel.aat, 'browser-2', { slug, body: 'Another update' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('recipient_muted');

    await page.click('[data-action="unmute"]');
    await page.waitForURL(`${h.baseUrl}/inbox?app=${parcel.appId}&done=unmuted`);
    expect((await send(h, parcel.aat, 'browser-2', { slug, body: 'Another update' })).statusCode).toBe(201);

    expect(violations).toEqual([]);
    await context.close();
  });
});

describe('the inbox page without a browser', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses form posts without the CSRF token and shows another person nothing of the message', async () => {
    const parcel = await messagingApp(h, 'dev@parcel2.example');
    const reader = await signIn(h, 'forms@example.com');
    const { slug } = await approve(h, reader, parcel.appId);
    const messageId = (await send(h, parcel.aat, 'forms-1', { slug, body: 'Private text' })).json().data
      .messageId;

    const site = siteClient(h);
    // A cookie session of the reader, as the sign-in page would set it.
    const web = await h.ctx.sessions.issueWeb((await h.ctx.repos.users.findById(reader.user.id))!);
    site.cookies.set('antara_session', web.token);
    const inbox = await site.get('/inbox');
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain(messageId);

    const forged = await site.post(`/inbox/apps/${parcel.appId}/mute`, { _csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['content-type']).toMatch(/^text\/html/);
    expect(await h.ctx.repos.messageMutes.find(reader.user.id, parcel.appId)).toBeUndefined();

    const stranger = siteClient(h);
    const other = await signIn(h, 'stranger@example.com');
    const strangerWeb = await h.ctx.sessions.issueWeb((await h.ctx.repos.users.findById(other.user.id))!);
    stranger.cookies.set('antara_session', strangerWeb.token);
    const peek = await stranger.get(`/inbox/messages/${messageId}`);
    expect(peek.statusCode).toBe(404);
    expect(peek.body).not.toContain('Private text');

    const anonymous = await siteClient(h).get(`/inbox/messages/${messageId}`);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe(`/?next=${encodeURIComponent(`/inbox/messages/${messageId}`)}`);
  });
});
