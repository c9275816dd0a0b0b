import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendEvent } from '../src/events/outbox.js';
import { createWebhookDispatcher, type WebhookDispatcher } from '../src/webhooks/dispatcher.js';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import { createDeveloperApp, type Receiver, startReceiver, verifyWebhook } from './support/webhooks.js';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The schedule the issue promises, written out rather than imported from the code under test. */
const RETRY_SCHEDULE_MS = [
  0,
  5 * SECOND,
  5 * 60 * SECOND,
  30 * 60 * SECOND,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

eachDialect('webhook retries, timeouts, redirects and disabling', (dialect) => {
  let h: Harness;
  let dispatcher: WebhookDispatcher;
  const receivers: Receiver[] = [];
  let n = 0;
  beforeAll(async () => {
    h = await startHarness({
      dialect,
      env: { ANTARA_WEBHOOK_ALLOW_PRIVATE: '1', ANTARA_RATE_LIMITS: 'off' },
    });
    // A short timeout, so that the slow receiver costs the test a fraction of a second.
    dispatcher = createWebhookDispatcher(h.ctx, { timeoutMs: 300 });
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await Promise.all(receivers.map((r) => r.close()));
    await h?.close();
  });

  async function setup() {
    const email = `retries-${n++}@example.com`;
    const dev = await createDeveloperApp(h, email);
    const receiver = await startReceiver(h.clock);
    receivers.push(receiver);
    const created = await h.app.inject({
      method: 'POST',
      url: `/dev/v1/apps/${dev.appId}/webhooks`,
      headers: bearer(dev.userToken),
      payload: { url: `${receiver.url}/hook`, events: ['identity.approved'] },
    });
    const { id, secret } = created.json().data as { id: string; secret: string };
    // Tokens live ten minutes and the walks below cross days: sign in again when it ran out.
    let token = { value: dev.userToken, at: h.clock.now() };
    const dev$ = async (method: 'GET' | 'PATCH' | 'POST', path: string, payload?: object) => {
      if (h.clock.now() - token.at > 9 * 60_000 || h.clock.now() < token.at) {
        token = { value: (await signIn(h, email)).accessToken, at: h.clock.now() };
      }
      const accessToken = token.value;
      return h.app.inject({
        method,
        url: `/dev/v1/apps/${dev.appId}/webhooks/${id}${path}`,
        headers: bearer(accessToken),
        ...(payload ? { payload } : {}),
      });
    };
    const event = () =>
      appendEvent(h.ctx.storage.db, h.ctx, {
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
    return { dev, email, receiver, endpointId: id, secret, dev$, event };
  }

  it('walks the whole schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) and succeeds on the eighth attempt', async () => {
    const { receiver, secret, dev$, event } = await setup();
    receiver.respond = (_, i) => (i < 7 ? { status: 500, body: `boom ${i}` } : { status: 200, body: 'ok' });
    const eventId = await event();
    const start = h.clock.now();
    await dispatcher.runOnce();
    for (const delay of RETRY_SCHEDULE_MS.slice(1)) {
      const before = receiver.received.length;
      h.clock.advance(delay - 1);
      await dispatcher.runOnce();
      expect(receiver.received, 'not a millisecond early').toHaveLength(before);
      h.clock.advance(1);
      await dispatcher.runOnce();
      expect(receiver.received).toHaveLength(before + 1);
    }
    const offsets = receiver.received.map((r) => r.at - start);
    const cumulative = RETRY_SCHEDULE_MS.map((_, i) =>
      RETRY_SCHEDULE_MS.slice(0, i + 1).reduce((a, b) => a + b, 0),
    );
    expect(offsets).toEqual(cumulative);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
    expect(new Set(receiver.received.map((r) => r.headers['webhook-timestamp'])).size).toBe(8);
    for (const request of receiver.received)
      expect(verifyWebhook(secret, request)).toMatchObject({ type: 'identity.approved' });

    const [delivery] = (await dev$('GET', '/deliveries')).json().data;
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([
      500, 500, 500, 500, 500, 500, 500, 200,
    ]);
    expect(delivery.attempts[2]).toMatchObject({
      outcome: 'failed',
      responseExcerpt: 'boom 2',
      error: 'HTTP 500',
    });
    expect(
      delivery.attempts.map(
        (a: { attemptedAt: number }) => a.attemptedAt * 1000 - Math.floor(start / 1000) * 1000,
      ),
    ).toEqual(cumulative.map((c) => Math.floor((start + c) / 1000) * 1000 - Math.floor(start / 1000) * 1000));
    const endpoint = (await dev$('GET', '')).json().data;
    expect(endpoint).toMatchObject({ status: 'enabled', failingSince: null });

    h.clock.advance(2 * DAY);
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(8);
  });

  it('marks a delivery failed when all eight attempts fail, and attempts it no more', async () => {
    const { receiver, dev$, event } = await setup();
    receiver.respond = () => ({ status: 502 });
    await event();
    await dispatcher.runOnce();
    for (const delay of RETRY_SCHEDULE_MS.slice(1)) {
      h.clock.advance(delay);
      await dispatcher.runOnce();
    }
    expect(receiver.received).toHaveLength(8);
    const [delivery] = (await dev$('GET', '/deliveries')).json().data;
    expect(delivery).toMatchObject({ status: 'failed', attemptCount: 8, nextAttemptAt: null });
    h.clock.advance(3 * DAY);
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(8);
    expect((await dev$('GET', '')).json().data).toMatchObject({
      status: 'enabled',
      failingSince: expect.any(Number),
    });
  });

  it('records a timeout for a slow receiver and retries it on the schedule', async () => {
    const { receiver, dev$, event } = await setup();
    receiver.respond = (_, i) => (i === 0 ? { status: 200, delayMs: 1500 } : { status: 200 });
    await event();
    const startedAt = Date.now();
    await dispatcher.runOnce();
    expect(Date.now() - startedAt).toBeLessThan(1400);
    let [delivery] = (await dev$('GET', '/deliveries')).json().data;
    expect(delivery).toMatchObject({ status: 'pending', attemptCount: 1 });
    expect(delivery.attempts[0]).toMatchObject({
      statusCode: null,
      error: 'timed out after 300 ms',
      outcome: 'failed',
    });
    expect(delivery.attempts[0].latencyMs).toBeGreaterThanOrEqual(250);
    h.clock.advance(5 * SECOND);
    await dispatcher.runOnce();
    [delivery] = (await dev$('GET', '/deliveries')).json().data;
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect(receiver.received).toHaveLength(2);
  });

  it('never follows a redirect: a 3xx is a failed attempt and the target hears nothing', async () => {
    const { receiver, dev$, event } = await setup();
    const target = await startReceiver(h.clock);
    receivers.push(target);
    receiver.respond = () => ({ status: 307, headers: { location: `${target.url}/elsewhere` } });
    await event();
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(1);
    expect(target.received).toHaveLength(0);
    const [delivery] = (await dev$('GET', '/deliveries')).json().data;
    expect(delivery.status).toBe('pending');
    expect(delivery.attempts[0]).toMatchObject({
      statusCode: 307,
      error: `redirect not followed (Location: ${target.url}/elsewhere)`,
    });
  });

  it('honours Retry-After on 429 (seconds) and 503 (an HTTP date)', async () => {
    const { receiver, event } = await setup();
    receiver.respond = (_, i) => {
      if (i === 0) return { status: 429, headers: { 'retry-after': '120' } };
      if (i === 1)
        return { status: 503, headers: { 'retry-after': new Date(h.clock.now() + 3 * HOUR).toUTCString() } };
      return { status: 200 };
    };
    await event();
    const start = h.clock.now();
    await dispatcher.runOnce();
    h.clock.advance(5 * SECOND); // the schedule alone would retry now
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(1);
    h.clock.set(start + 120 * SECOND);
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(2);
    h.clock.set(start + 120 * SECOND + 3 * HOUR - SECOND);
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(2);
    h.clock.advance(SECOND);
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(3);
  });

  it('disables an endpoint that answers 410, fails its pending deliveries, mails the owner, and resumes once re-enabled', async () => {
    const { email, receiver, dev$, event } = await setup();
    receiver.respond = (_, i) => ({ status: i === 0 ? 500 : 410 });
    await event();
    await dispatcher.runOnce(); // first event: 500, pending
    h.clock.advance(SECOND);
    await event();
    await dispatcher.runOnce(); // second event: 410 → disabled
    expect(receiver.received).toHaveLength(2);
    const endpoint = (await dev$('GET', '')).json().data;
    expect(endpoint).toMatchObject({
      status: 'disabled',
      disabledReason: 'gone',
      disabledAt: expect.any(Number),
    });
    const deliveries = (await dev$('GET', '/deliveries')).json().data;
    expect(deliveries.map((d: { status: string }) => d.status)).toEqual(['failed', 'failed']);

    await dispatcher.runOnce(); // the notice goes out on the next pass
    const notice = h.outbox.filter((m) => m.to === email && /disabled a webhook endpoint/.test(m.subject));
    expect(notice).toHaveLength(1);
    expect(notice[0]!.text).toContain('410 Gone');
    h.clock.advance(HOUR);
    await event();
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(2);
    expect(h.outbox.filter((m) => m.to === email && /disabled/.test(m.subject))).toHaveLength(1);

    receiver.respond = () => ({ status: 200 });
    const enabled = await dev$('PATCH', '', { enabled: true });
    expect(enabled.json().data).toMatchObject({ status: 'enabled', disabledReason: null });
    const failed = deliveries[1];
    expect((await dev$('POST', `/deliveries/${failed.deliveryId}/redeliver`)).statusCode).toBe(202);
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received[2]!.headers['webhook-id']).toBe(failed.webhookId);
  });

  it('disables an endpoint that has failed for five days and tells its owner', async () => {
    const { email, receiver, dev$, event } = await setup();
    receiver.respond = () => ({ status: 500 });
    const start = h.clock.now();
    // One event a day; each walks part of its schedule; nothing ever succeeds.
    for (let day = 0; day < 5; day++) {
      h.clock.set(start + day * DAY);
      await event();
      for (let step = 0; step < 24; step++) {
        await dispatcher.runOnce();
        h.clock.advance(HOUR);
      }
      expect((await dev$('GET', '')).json().data).toMatchObject({
        status: 'enabled',
        failingSince: Math.floor(start / 1000),
      });
    }
    h.clock.set(start + 5 * DAY);
    await event();
    await dispatcher.runOnce();
    const endpoint = (await dev$('GET', '')).json().data;
    expect(endpoint).toMatchObject({ status: 'disabled', disabledReason: 'failing' });
    await dispatcher.runOnce();
    const notice = h.outbox.filter((m) => m.to === email && /disabled a webhook endpoint/.test(m.subject));
    expect(notice).toHaveLength(1);
    expect(notice[0]!.text).toContain('failed for five days');
    const pending = (await dev$('GET', '/deliveries?status=pending')).json().data;
    expect(pending).toEqual([]);
    const sent = receiver.received.length;
    h.clock.advance(DAY);
    await dispatcher.runOnce();
    expect(receiver.received).toHaveLength(sent);
  });
});
