import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpPeer, startSmtpPeer } from '../../../packages/server/test/support/smtp-peer.js';
import { freePort } from '../../../packages/server-sdk/test/support/antara.js';
import { launchChromium } from '../../../packages/web-sdk/test/support/browser.js';
import { type RunningProcess, runProcess, startProcess } from './support/processes.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVER_DIR = path.join(ROOT, 'packages/server');
const DEMO_DIR = path.join(ROOT, 'examples/demo-app');

/**
 * The README's steps, run for real: Antara (`antara serve`) and the demo app (`npm start`) as
 * processes, the app registered with `antara app create`, a person in Chromium.
 */
describe('Login with Antara, end to end: Antara, the demo app and Chromium', () => {
  let smtp: SmtpPeer;
  let antara: RunningProcess;
  let demo: RunningProcess;
  let browser: Browser;
  let dataDir: string;
  let antaraUrl: string;
  let demoUrl: string;

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'antara-e2e-'));
    const antaraPort = await freePort();
    antaraUrl = `http://127.0.0.1:${antaraPort}`;
    const antaraEnv = {
      HOST: '127.0.0.1',
      PORT: String(antaraPort),
      ANTARA_PUBLIC_URL: antaraUrl,
      ANTARA_DATA_DIR: dataDir,
      ANTARA_SMTP_URL: smtp.url,
      ANTARA_WEBHOOK_ALLOW_PRIVATE: '1',
      ANTARA_LOG_LEVEL: 'warn',
    };
    antara = await startProcess(['--import', 'tsx', 'src/main.ts', 'serve'], {
      cwd: SERVER_DIR,
      env: antaraEnv,
      ready: /Antara listening on/,
    });

    const demoPort = await freePort();
    demoUrl = `http://127.0.0.1:${demoPort}`;
    const created = JSON.parse(
      await runProcess(
        [
          '--import',
          'tsx',
          'src/main.ts',
          'app',
          'create',
          '--owner',
          'developer@example.com',
          '--name',
          'Demo app',
          '--redirect-uri',
          `${demoUrl}/callback`,
          '--json',
        ],
        { cwd: SERVER_DIR, env: antaraEnv },
      ),
    ) as { appId: string; apiKey: string };

    demo = await startProcess(['--conditions=@antara/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: DEMO_DIR,
      env: {
        HOST: '127.0.0.1',
        PORT: String(demoPort),
        DEMO_PUBLIC_URL: demoUrl,
        ANTARA_URL: antaraUrl,
        ANTARA_APP_ID: created.appId,
        ANTARA_API_KEY: created.apiKey,
      },
      ready: /Demo app "Demo app" listening/,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await antara?.stop();
    await smtp?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs a person in, shows their per-app identity, sends them a message, and receives verified webhooks', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    // The demo's front page: the button.
    await page.goto(`${demoUrl}/`);
    await page.click('#login');

    // Antara: sign in with the code from the mail, then approve.
    await page.waitForURL((url) => url.origin === antaraUrl);
    await page.fill('#email', 'person@example.com');
    await page.click('button[type="submit"]');
    await page.fill('#code', await smtp.codeFor('person@example.com'));
    await page.click('button[type="submit"]');
    await page.click('button[value="approve"]');

    // Back on the demo: the per-app identity it received.
    await page.waitForURL(`${demoUrl}/`);
    const slug = (await page.locator('[data-field="slug"]').textContent()) ?? '';
    expect(slug).toMatch(/^[A-Za-z0-9]{12,}$/);
    await expect(page.locator('[data-field="trust"]').textContent()).resolves.toMatch(/^L\d/);
    await expect(page.content()).resolves.not.toContain('person@example.com');

    // The demo sends the person a message through the server SDK.
    await page.fill('#subject', 'Hello from the demo');
    await page.fill('#message', 'Your order #1234 shipped!');
    await page.click('#send');
    await page.waitForURL((url) => url.pathname === '/' && url.searchParams.has('sent'));
    const messageId = (await page.locator('[data-field="message-id"]').textContent()) ?? '';
    expect(messageId).not.toBe('');

    // Antara's dispatcher delivers both events; the demo verified their signatures.
    const deadline = Date.now() + 30_000;
    let table = '';
    for (;;) {
      await page.goto(`${demoUrl}/webhooks`);
      table = (await page.locator('table').textContent()) ?? '';
      const approved = await page.locator('tr[data-event="identity.approved"][data-verified="true"]').count();
      const delivered = await page
        .locator('tr[data-event="message.delivered"][data-verified="true"]')
        .count();
      if (approved > 0 && delivered > 0) break;
      if (Date.now() > deadline)
        throw new Error(`webhooks not received in time:\n${table}\n${demo.output()}`);
      await page.waitForTimeout(250);
    }
    expect(table).toContain(`slug ${slug}`);
    expect(table).toContain(`message ${messageId} to ${slug}`);
    await expect(page.locator('[data-field="rejected"]').textContent()).resolves.toBe('0');

    // The message sits in the person's Antara inbox (same browser, signed in to Antara).
    await page.goto(`${antaraUrl}/inbox`);
    await expect(page.locator('body').textContent()).resolves.toContain('Hello from the demo');
    expect(pageErrors).toEqual([]);
  });
});
