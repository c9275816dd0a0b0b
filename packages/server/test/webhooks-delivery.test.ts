import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendEvent } from '../src/events/outbox.js';
import { createWebhookDispatcher, type WebhookDispatcher } from '../src/webhooks/dispatcher.js';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import { createDeveloperApp, type Receiver, startReceiver, verifyWebhook } from './support/webhooks.js';

eachDialect('webhook delivery from the outbox', (dialect) => {
  let h: Harness;
  let dispatcher: WebhookDispatcher;
  const receivers: Receiver[] = [];
  let n = 0;
  beforeAll(async () => {
    h = await startHarness({
      dialect,
      env: { ANTARA_WEBHOOK_ALLOW_PRIVATE: '1', ANTARA_RATE_LIMITS: 'off' },
    });
    dispatcher = createWebhookDispatcher(h.ctx, { timeoutMs: 2000 });
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await Promise.all(receivers.map((r) => r.close()));
    await h?.close();
  });

  /** A new app with a loopback receiver registered for `events`. */
  async function setup(events: string[]) {
    const dev = await createDeveloperApp(h, `delivery-${n++}@example.com`);
    const receiver = await startReceiver(h.clock);
    receivers.push(receiver);
    const created = await h.app.inject({
      method: 'POST',
      url: '/app/v1/webhooks',
      headers: bearer(dev.appToken),
      payload: { url: `${receiver.url}/hook`, events },
    });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json().data as { id: string; secret: string };
    const deliveries = async () =>
      (
        await h.app.inject({
          method: 'GET',
          url: `/dev/v1/apps/${dev.appId}/webhooks/${id}/deliveries`,
          headers: bearer(dev.userToken),
        })
      ).json().data;
    return { dev, receiver, endpointId: id, secret, deliveries };
  }

  const approved = (appId: string, userId = crypto.randomUUID()) =>
    appendEvent(h.ctx.storage.db, h.ctx, {
      type: 'identity.approved',
      appId,
      data: { appId, userId, slug: 'xK9mNpQr2sTu', alias: null, scopes: ['identity.read'] },
    });

  it('delivers an outbox event as a signed {type, timestamp, data} body that standardwebhooks verifies', async () => {
    const { dev, receiver, secret, deliveries } = await setup(['identity.approved']);
    const userId = crypto.randomUUID();
    const eventId = await approved(dev.appId, userId);
    const pass = await dispatcher.runOnce();
    expect(pass.fannedOut).toBeGreaterThanOrEqual(1);
    const [request] = await receiver.waitFor(1);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hook');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['webhook-id']).toBe(eventId);
    expect(request!.headers['webhook-timestamp']).toBe(String(Math.floor(h.clock.now() / 1000)));
    expect(request!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(verifyWebhook(secret, request!)).toEqual({
      type: 'identity.approved',
      timestamp: new Date(h.clock.now()).toISOString(),
      data: { appId: dev.appId, userId, slug: 'xK9mNpQr2sTu', alias: null, scopes: ['identity.read'] },
    });
    expect(request!.body).not.toMatch(/@example\.com|email|phone/);

    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({
      webhookId: eventId,
      eventType: 'identity.approved',
      status: 'succeeded',
      attemptCount: 1,
      nextAttemptAt: null,
      attempts: [{ attemptNumber: 1, outcome: 'succeeded', statusCode: 204, error: null }],
    });
    expect(delivery.attempts[0].latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('sends each event once to each subscribed endpoint of its own app only', async () => {
    const a = await setup(['identity.approved']);
    const other = await setup(['permission.changed']);
    const stranger = await setup(['identity.approved']);
    await approved(a.dev.appId);
    await appendEvent(h.ctx.storage.db, h.ctx, {
      type: 'permission.changed',
      appId: a.dev.appId,
      data: {
        appId: a.dev.appId,
        userId: crypto.randomUUID(),
        change: 'alias',
        before: { alias: 'old' },
        after: { alias: 'new' },
      },
    });
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    expect(a.receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(['identity.approved']);
    expect(other.receiver.received).toHaveLength(0);
    expect(stranger.receiver.received).toHaveLength(0);
  });

  it('does not send an event to an endpoint registered after it happened', async () => {
    const dev = await createDeveloperApp(h, `late-${n++}@example.com`);
    await approved(dev.appId);
    h.clock.advance(1000);
    const receiver = await startReceiver(h.clock);
    receivers.push(receiver);
    await h.app.inject({
      method: 'POST',
      url: '/app/v1/webhooks',
      headers: bearer(dev.appToken),
      payload: { url: receiver.url, events: ['identity.approved'] },
    });
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(0);
  });

  it('keeps the first kilobyte of a response with the attempt', async () => {
    const { dev, receiver, deliveries } = await setup(['identity.approved']);
    receiver.respond = () => ({ status: 200, body: 'é'.repeat(3000) });
    await approved(dev.appId);
    await dispatcher.runOnce();
    const [delivery] = await deliveries();
    expect(Buffer.byteLength(delivery.attempts[0].responseExcerpt)).toBeLessThanOrEqual(1024);
    expect(delivery.attempts[0].responseExcerpt.startsWith('éé')).toBe(true);
  });

  it('sends a test event on request and redelivers with the same webhook-id', async () => {
    const { dev, receiver, endpointId, secret } = await setup(['message.delivered']);
    const base = `/app/v1/webhooks/${endpointId}`;
    const test = await h.app.inject({ method: 'POST', url: `${base}/test`, headers: bearer(dev.appToken) });
    expect(test.statusCode).toBe(202);
    const queued = test.json().data;
    expect(queued).toMatchObject({ eventType: 'webhook.test', status: 'pending', attemptCount: 0 });
    await dispatcher.runOnce();
    const [first] = await receiver.waitFor(1);
    expect(verifyWebhook(secret, first!)).toMatchObject({ type: 'webhook.test', data: { endpointId } });

    h.clock.advance(60_000);
    const again = await h.app.inject({
      method: 'POST',
      url: `${base}/deliveries/${queued.deliveryId}/redeliver`,
      headers: bearer(dev.appToken),
    });
    expect(again.statusCode).toBe(202);
    expect(again.json().data).toMatchObject({ status: 'pending', attemptCount: 1 });
    await dispatcher.runOnce();
    const [, second] = await receiver.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(Number(second!.headers['webhook-timestamp'])).toBe(
      Number(first!.headers['webhook-timestamp']) + 60,
    );
    expect(verifyWebhook(secret, second!)).toEqual(JSON.parse(first!.body));

    const one = await h.app.inject({
      method: 'GET',
      url: `${base}/deliveries/${queued.deliveryId}`,
      headers: bearer(dev.appToken),
    });
    expect(one.json().data).toMatchObject({
      status: 'succeeded',
      attemptCount: 2,
      attempts: [{ attemptNumber: 1 }, { attemptNumber: 2 }],
    });
    const missing = await h.app.inject({
      method: 'POST',
      url: `${base}/deliveries/${crypto.randomUUID()}/redeliver`,
      headers: bearer(dev.appToken),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('pages the delivery list newest first and filters it by status', async () => {
    const { dev, receiver, endpointId } = await setup(['identity.approved']);
    receiver.respond = (_, i) => ({ status: i === 0 ? 500 : 200 });
    await approved(dev.appId);
    h.clock.advance(1);
    await approved(dev.appId);
    h.clock.advance(1);
    await approved(dev.appId);
    await dispatcher.runOnce();
    const list = (query: string) =>
      h.app.inject({
        method: 'GET',
        url: `/app/v1/webhooks/${endpointId}/deliveries${query}`,
        headers: bearer(dev.appToken),
      });
    const first = await list('?limit=2');
    expect(first.json().data).toHaveLength(2);
    const cursor = first.json().meta.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const rest = await list(`?limit=2&cursor=${cursor}`);
    expect(rest.json().data).toHaveLength(1);
    expect(rest.json().meta.nextCursor).toBeNull();
    const created = [...first.json().data, ...rest.json().data].map(
      (d: { createdAt: number }) => d.createdAt,
    );
    expect(created).toEqual([...created].sort((x, y) => y - x));
    const pending = await list('?status=pending');
    expect(pending.json().data).toHaveLength(1);
    expect(pending.json().data[0].attempts[0]).toMatchObject({ statusCode: 500, error: 'HTTP 500' });
  });

  it('forgets fanned-out outbox events after 7 days and finished deliveries after 30', async () => {
    const { dev, receiver, endpointId } = await setup(['identity.approved']);
    const eventId = await approved(dev.appId);
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(1);
    const outboxRow = () =>
      h.ctx.storage.db.selectFrom('outbox').select('id').where('id', '=', eventId).executeTakeFirst();
    // The clock moves by days, so each look signs in afresh.
    const listed = async () => {
      const { accessToken } = await signIn(h, dev.email);
      const list = await h.app.inject({
        method: 'GET',
        url: `/dev/v1/apps/${dev.appId}/webhooks/${endpointId}/deliveries`,
        headers: bearer(accessToken),
      });
      return list.json().data as Array<{ webhookId: string }>;
    };
    h.clock.advance(7 * 24 * 3_600_000 - 1000);
    await dispatcher.purge();
    expect(await outboxRow()).toBeDefined();
    h.clock.advance(2000);
    await dispatcher.purge();
    expect(await outboxRow()).toBeUndefined();
    expect((await listed()).map((d) => d.webhookId)).toEqual([eventId]);
    h.clock.advance(23 * 24 * 3_600_000);
    await dispatcher.purge();
    expect(await listed()).toEqual([]);
  });
});
