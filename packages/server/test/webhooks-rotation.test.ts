import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendEvent } from '../src/events/outbox.js';
import { createWebhookDispatcher, type WebhookDispatcher } from '../src/webhooks/dispatcher.js';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import { createDeveloperApp, type Receiver, startReceiver, verifyWebhook } from './support/webhooks.js';

const HOUR = 3_600_000;

eachDialect('webhook secret rotation', (dialect) => {
  let h: Harness;
  let dispatcher: WebhookDispatcher;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startHarness({
      dialect,
      env: { ANTARA_WEBHOOK_ALLOW_PRIVATE: '1', ANTARA_RATE_LIMITS: 'off' },
    });
    dispatcher = createWebhookDispatcher(h.ctx, { timeoutMs: 2000 });
    receiver = await startReceiver(h.clock);
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await receiver?.close();
    await h?.close();
  });

  it('signs with the old and the new secret for 24 hours, so receivers holding either one verify', async () => {
    const dev = await createDeveloperApp(h, 'rotate@example.com');
    const created = await h.app.inject({
      method: 'POST',
      url: `/dev/v1/apps/${dev.appId}/webhooks`,
      headers: bearer(dev.userToken),
      payload: { url: `${receiver.url}/hook`, events: ['permission.changed'] },
    });
    const { id, secret: oldSecret } = created.json().data;
    const deliver = async () => {
      await appendEvent(h.ctx.storage.db, h.ctx, {
        type: 'permission.changed',
        appId: dev.appId,
        data: {
          appId: dev.appId,
          userId: crypto.randomUUID(),
          change: 'slug',
          before: { slug: 'oldslug0123456' },
          after: { slug: 'newslug0123456' },
        },
      });
      const before = receiver.received.length;
      await dispatcher.runOnce();
      expect(receiver.received).toHaveLength(before + 1);
      return receiver.received.at(-1)!;
    };
    const holdsOnly = (secret: string) => (request: Parameters<typeof verifyWebhook>[1]) => {
      try {
        verifyWebhook(secret, request);
        return true;
      } catch {
        return false;
      }
    };

    const beforeRotation = await deliver();
    expect(beforeRotation.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(holdsOnly(oldSecret)(beforeRotation)).toBe(true);

    const rotated = await h.app.inject({
      method: 'POST',
      url: `/dev/v1/apps/${dev.appId}/webhooks/${id}/rotate-secret`,
      headers: bearer(dev.userToken),
    });
    const newSecret = rotated.json().data.secret;
    const oldReceiver = holdsOnly(oldSecret);
    const newReceiver = holdsOnly(newSecret);

    const during = await deliver();
    expect(during.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(oldReceiver(during)).toBe(true);
    expect(newReceiver(during)).toBe(true);

    h.clock.advance(24 * HOUR - 1000);
    const lastMoment = await deliver();
    expect(oldReceiver(lastMoment)).toBe(true);
    expect(newReceiver(lastMoment)).toBe(true);

    h.clock.advance(1000);
    const after = await deliver();
    expect(after.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(newReceiver(after)).toBe(true);
    expect(oldReceiver(after)).toBe(false);

    const { accessToken } = await signIn(h, 'rotate@example.com');
    const endpoint = await h.app.inject({
      method: 'GET',
      url: `/dev/v1/apps/${dev.appId}/webhooks/${id}`,
      headers: bearer(accessToken),
    });
    expect(endpoint.json().data.previousSecretExpiresAt).toBeNull();
  });

  it('keeps only the newest two secrets when rotated twice within the overlap', async () => {
    const dev = await createDeveloperApp(h, 'rotate-twice@example.com');
    const created = await h.app.inject({
      method: 'POST',
      url: '/app/v1/webhooks',
      headers: bearer(dev.appToken),
      payload: { url: `${receiver.url}/twice`, events: ['identity.approved'] },
    });
    const { id, secret: first } = created.json().data;
    const rotate = async () =>
      (
        await h.app.inject({
          method: 'POST',
          url: `/app/v1/webhooks/${id}/rotate-secret`,
          headers: bearer(dev.appToken),
        })
      ).json().data.secret as string;
    const second = await rotate();
    const third = await rotate();
    await appendEvent(h.ctx.storage.db, h.ctx, {
      type: 'identity.approved',
      appId: dev.appId,
      data: {
        appId: dev.appId,
        userId: crypto.randomUUID(),
        slug: 'slug0123456789',
        alias: null,
        scopes: [],
      },
    });
    await dispatcher.runOnce();
    const request = receiver.received.at(-1)!;
    expect(request.path).toBe('/twice');
    expect(request.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verifyWebhook(third, request)).toBeTruthy();
    expect(verifyWebhook(second, request)).toBeTruthy();
    expect(() => verifyWebhook(first, request)).toThrow(/No matching signature/);
  });
});
