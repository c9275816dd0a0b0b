import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, createContext } from '../src/context.js';
import { appendEvent } from '../src/events/outbox.js';
import { openStorage, type Storage } from '../src/storage/database.js';
import { createWebhookDispatcher, type WebhookDispatcher } from '../src/webhooks/dispatcher.js';
import { createWebhookClient, type WebhookClient } from '../src/webhooks/http-client.js';
import { postgresAvailable } from './support/databases.js';
import { bearer, type Harness, startHarness } from './support/harness.js';
import { createDeveloperApp, type Receiver, startReceiver, verifyWebhook } from './support/webhooks.js';

const pgUp = await postgresAvailable();

/** A client that counts what its dispatcher sent, so the test can see both instances worked. */
function countingClient(ctx: AppContext, counter: { sent: number }): WebhookClient {
  const inner = createWebhookClient({
    policy: ctx.webhooks.policy,
    resolve: ctx.webhooks.resolve,
    timeoutMs: 5000,
  });
  return {
    async post(url, headers, body, now) {
      counter.sent += 1;
      return inner.post(url, headers, body, now);
    },
    close: () => inner.close(),
  };
}

(pgUp ? describe : describe.skip)('two Antara instances on one PostgreSQL', () => {
  let h: Harness;
  let secondStorage: Storage;
  let second: AppContext;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startHarness({
      dialect: 'postgres',
      env: { ANTARA_WEBHOOK_ALLOW_PRIVATE: '1', ANTARA_RATE_LIMITS: 'off' },
    });
    // The second instance has its own connection pool, as a second process would.
    secondStorage = await openStorage(h.config.database);
    second = createContext({
      config: h.config,
      storage: secondStorage,
      mailer: h.ctx.mailer,
      rateLimiter: h.ctx.rateLimiter,
      secret: h.ctx.secret,
      clock: h.clock,
    });
    receiver = await startReceiver(h.clock);
  });
  afterAll(async () => {
    await receiver?.close();
    await secondStorage?.close();
    await h?.close();
  });

  it('delivers every event exactly once between them: no delivery fanned out twice, no attempt doubled', async () => {
    const dev = await createDeveloperApp(h, 'two@example.com');
    const created = await h.app.inject({
      method: 'POST',
      url: '/app/v1/webhooks',
      headers: bearer(dev.appToken),
      payload: { url: `${receiver.url}/hook`, events: ['identity.approved', 'message.delivered'] },
    });
    const { id: endpointId, secret } = created.json().data;
    // A little latency, so that both instances have attempts in flight at the same time.
    receiver.respond = () => ({ status: 200, delayMs: 5 });

    const counts = [{ sent: 0 }, { sent: 0 }];
    const dispatchers: WebhookDispatcher[] = [h.ctx, second].map((ctx, i) =>
      createWebhookDispatcher(ctx, { client: countingClient(ctx, counts[i]!), maxInFlight: 16, pollMs: 20 }),
    );
    const events: string[] = [];
    const append = async (count: number) => {
      for (let i = 0; i < count; i++) {
        events.push(
          await appendEvent(h.ctx.storage.db, h.ctx, {
            type: i % 2 === 0 ? 'identity.approved' : 'message.delivered',
            appId: dev.appId,
            data:
              i % 2 === 0
                ? {
                    appId: dev.appId,
                    userId: crypto.randomUUID(),
                    slug: 'slug0123456789',
                    alias: null,
                    scopes: [],
                  }
                : {
                    appId: dev.appId,
                    userId: crypto.randomUUID(),
                    slug: 'slug0123456789',
                    messageId: crypto.randomUUID(),
                  },
          }),
        );
      }
    };

    // Both passes run at once over the same backlog, then both loops run while more arrives.
    await append(200);
    await Promise.all(dispatchers.map((d) => d.runOnce()));
    for (const d of dispatchers) d.start();
    for (let round = 0; round < 4; round++) await append(50);
    await receiver.waitFor(400, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all(dispatchers.map((d) => d.stop()));

    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(400);
    expect(new Set(ids).size).toBe(400);
    expect(new Set(ids)).toEqual(new Set(events));
    for (const request of receiver.received.slice(0, 20)) expect(verifyWebhook(secret, request)).toBeTruthy();
    expect(counts[0]!.sent + counts[1]!.sent).toBe(400);
    expect(counts[0]!.sent).toBeGreaterThan(0);
    expect(counts[1]!.sent).toBeGreaterThan(0);

    const db = h.ctx.storage.db;
    const deliveries = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .execute();
    expect(deliveries).toHaveLength(400);
    expect(deliveries.every((d) => d.status === 'succeeded' && d.attempt_count === 1)).toBe(true);
    const attempts = await db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .execute();
    expect(attempts).toHaveLength(400);
    const unfanned = await db
      .selectFrom('outbox')
      .select('id')
      .where('webhooks_fanned_out_at', 'is', null)
      .execute();
    expect(unfanned).toEqual([]);
  }, 60_000);
});
