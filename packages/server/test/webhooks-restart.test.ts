import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../src/events/outbox.js';
import { systemClock } from '../src/lib/clock.js';
import { cryptoRandom } from '../src/lib/random.js';
import { openStorage } from '../src/storage/database.js';
import { runAntara, type Served, startServe, tempDataDir } from './support/antara-process.js';
import { type Receiver, startReceiver, verifyWebhook } from './support/webhooks.js';

async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('webhook deliveries survive kill -9', () => {
  const data = tempDataDir();
  const env = { ANTARA_DATA_DIR: data.dir, ANTARA_WEBHOOK_ALLOW_PRIVATE: '1', ANTARA_RATE_LIMITS: 'off' };
  let receiver: Receiver;
  let served: Served | undefined;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    if (served && served.child.exitCode === null && served.child.signalCode === null) {
      served.child.kill('SIGKILL');
      await served.exited;
    }
    await receiver?.close();
    data.remove();
  });

  it('delivers every pending event after a restart, with the webhook-id of the first attempt', async () => {
    const created = await runAntara(
      [
        'app',
        'create',
        '--owner',
        'ops@example.com',
        '--name',
        'Survivor',
        '--redirect-uri',
        'https://s.example.com/cb',
        '--json',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const { appId, apiKey } = JSON.parse(created.stdout) as { appId: string; apiKey: string };

    served = await startServe(env);
    const api = async (method: string, url: string, token?: string, body?: unknown) => {
      const response = await fetch(`${served!.baseUrl}${url}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the assertions below check the shape.
      return { status: response.status, json: (await response.json()) as { data: any } };
    };
    const token = (await api('POST', '/auth/token/exchange', undefined, { apiKey })).json.data.accessToken;
    const endpoint = await api('POST', '/app/v1/webhooks', token, {
      url: `${receiver.url}/hook`,
      events: ['identity.approved'],
    });
    expect(endpoint.status).toBe(201);
    const { id: endpointId, secret } = endpoint.json.data;

    // Every first attempt fails, so each delivery is left pending with a retry 5 s later.
    receiver.respond = () => ({ status: 500 });
    const queued: Array<{ deliveryId: string; webhookId: string }> = [];
    for (let i = 0; i < 5; i++) {
      const test = await api('POST', `/app/v1/webhooks/${endpointId}/test`, token);
      expect(test.status).toBe(202);
      queued.push(test.json.data);
    }
    await receiver.waitFor(5);
    await waitUntil('the first attempts to be recorded', async () => {
      const list = await api('GET', `/app/v1/webhooks/${endpointId}/deliveries`, token);
      const recorded = list.json.data.filter((d: { attemptCount: number }) => d.attemptCount === 1);
      return recorded.length === 5 ? true : undefined;
    });

    served.child.kill('SIGKILL');
    const killed = await served.exited;
    expect(killed.signal).toBe('SIGKILL');

    // While the server is down, three changes commit their events to the outbox.
    const storage = await openStorage({ kind: 'sqlite', file: path.join(data.dir, 'antara.sqlite') });
    const outboxIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      outboxIds.push(
        await appendEvent(
          storage.db,
          { clock: systemClock, random: cryptoRandom },
          {
            type: 'identity.approved',
            appId,
            data: { appId, userId: cryptoRandom.uuid(), slug: `slug${i}abcdefghij`, alias: null, scopes: [] },
          },
        ),
      );
    }
    await storage.close();

    receiver.respond = () => ({ status: 200 });
    served = await startServe(env);
    const after = await receiver.waitFor(5 + 5 + 3);
    const retried = after.slice(5);
    for (const request of after) expect(verifyWebhook(secret, request)).toBeTruthy();

    const firstIds = after.slice(0, 5).map((r) => r.headers['webhook-id']);
    expect(new Set(firstIds)).toEqual(new Set(queued.map((q) => q.webhookId)));
    const retriedIds = retried.map((r) => r.headers['webhook-id']);
    expect(new Set(retriedIds)).toEqual(new Set([...queued.map((q) => q.webhookId), ...outboxIds]));
    expect(retriedIds).toHaveLength(8);

    const freshToken = (await api('POST', '/auth/token/exchange', undefined, { apiKey })).json.data
      .accessToken;
    const final = await api('GET', `/app/v1/webhooks/${endpointId}/deliveries?limit=100`, freshToken);
    expect(final.json.data).toHaveLength(8);
    for (const delivery of final.json.data) expect(delivery.status).toBe('succeeded');
    const retriedTests = final.json.data.filter((d: { eventType: string }) => d.eventType === 'webhook.test');
    for (const delivery of retriedTests) {
      expect(delivery.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
    }

    served.child.kill('SIGTERM');
    const stopped = await served.exited;
    expect(stopped.code).toBe(0);
  }, 120_000);
});
