import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebhookDispatcher, type WebhookDispatcher } from '../src/webhooks/dispatcher.js';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import { approve, authorizeParams, pkcePair } from './support/oauth.js';
import {
  createDeveloperApp,
  type DeveloperApp,
  type Receiver,
  startReceiver,
  verifyWebhook,
} from './support/webhooks.js';

eachDialect('webhook events wired end to end through the public API', (dialect) => {
  let h: Harness;
  let dispatcher: WebhookDispatcher;
  let receiver: Receiver;
  let dev: DeveloperApp;
  let secret: string;
  beforeAll(async () => {
    h = await startHarness({
      dialect,
      env: { ANTARA_WEBHOOK_ALLOW_PRIVATE: '1', ANTARA_RATE_LIMITS: 'off' },
    });
    dispatcher = createWebhookDispatcher(h.ctx, { timeoutMs: 2000 });
    receiver = await startReceiver(h.clock);
    dev = await createDeveloperApp(h, 'events-dev@example.com');
    const created = await h.app.inject({
      method: 'POST',
      url: '/app/v1/webhooks',
      headers: bearer(dev.appToken),
      payload: {
        url: `${receiver.url}/events`,
        events: ['identity.approved', 'message.delivered', 'permission.changed'],
      },
    });
    secret = created.json().data.secret;
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await receiver?.close();
    await h?.close();
  });

  /** Runs the dispatcher and returns the events that arrived, verified with standardwebhooks. */
  async function delivered(): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    const before = receiver.received.length;
    await dispatcher.runOnce();
    return receiver.received
      .slice(before)
      .map((request) => verifyWebhook(secret, request) as { type: string; data: Record<string, unknown> });
  }

  it('announces consent, messages, alias and slug changes, revocation and re-approval, with app-facing fields only', async () => {
    const person = await signIn(h, 'ada.events@example.com');
    const consent = (scope: string, alias?: string) =>
      approve(
        h,
        person.accessToken,
        authorizeParams({
          clientId: dev.appId,
          redirectUri: 'https://hooked.example.com/callback',
          challenge: pkcePair().challenge,
          scope,
        }),
        alias === undefined ? {} : { alias },
      );

    await consent('identity.read', 'ada');
    const [approved] = await delivered();
    expect(approved).toEqual({
      type: 'identity.approved',
      timestamp: expect.any(String),
      data: {
        appId: dev.appId,
        userId: expect.any(String),
        slug: expect.stringMatching(/^[0-9A-Za-z]{12,}$/),
        alias: 'ada',
        scopes: ['identity.read'],
      },
    });
    const { userId, slug } = approved!.data as { userId: string; slug: string };
    expect(userId).not.toBe(person.user.id);

    await consent('identity.read messages.send');
    const [widened] = await delivered();
    expect(widened).toMatchObject({
      type: 'permission.changed',
      data: {
        userId,
        change: 'scopes',
        before: { scopes: ['identity.read'] },
        after: { scopes: ['identity.read', 'messages.send'] },
      },
    });

    const sent = await h.app.inject({
      method: 'POST',
      url: '/app/v1/messages',
      headers: { ...bearer(dev.appToken), 'idempotency-key': randomBytes(8).toString('hex') },
      payload: { slug, body: 'Your order shipped.' },
    });
    expect(sent.statusCode).toBeLessThan(300);
    const [message] = await delivered();
    expect(message).toMatchObject({
      type: 'message.delivered',
      data: { appId: dev.appId, userId, slug, messageId: expect.any(String) },
    });

    const me = (method: 'PATCH' | 'POST' | 'DELETE', path: string, payload?: object) =>
      h.app.inject({
        method,
        url: `/me/v1/grants/${dev.appId}${path}`,
        headers: bearer(person.accessToken),
        ...(payload ? { payload } : {}),
      });
    expect((await me('PATCH', '', { alias: 'lovelace' })).statusCode).toBe(200);
    const [alias] = await delivered();
    expect(alias).toMatchObject({
      type: 'permission.changed',
      data: {
        appId: dev.appId,
        userId,
        change: 'alias',
        before: { alias: 'ada' },
        after: { alias: 'lovelace' },
      },
    });

    expect((await me('POST', '/rotate-slug')).statusCode).toBe(200);
    const [rotated] = await delivered();
    expect(rotated).toMatchObject({
      type: 'permission.changed',
      data: { userId, change: 'slug', before: { slug } },
    });
    const newSlug = (rotated!.data.after as { slug: string }).slug;
    expect(newSlug).not.toBe(slug);

    expect((await me('DELETE', '')).statusCode).toBe(200);
    const [revoked] = await delivered();
    expect(revoked).toMatchObject({
      type: 'permission.changed',
      data: { userId, change: 'revoked', before: { status: 'active' }, after: { status: 'revoked' } },
    });

    await consent('identity.read');
    const [again] = await delivered();
    expect(again).toMatchObject({ type: 'identity.approved', data: { userId, slug: newSlug } });

    // Nothing the app may not see: no email, no account id, no primary handle.
    for (const request of receiver.received) {
      expect(request.body).not.toContain('ada.events@example.com');
      expect(request.body).not.toContain(person.user.id);
      expect(request.body).not.toContain(person.user.primarySlug);
    }
  });
});
