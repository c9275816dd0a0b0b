import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../src/events/outbox.js';
import type { HostResolver } from '../src/webhooks/destination.js';
import { createWebhookDispatcher } from '../src/webhooks/dispatcher.js';
import { createWebhookClient } from '../src/webhooks/http-client.js';
import { bearer, type Harness, startHarness } from './support/harness.js';
import { createDeveloperApp, type DeveloperApp, startReceiver } from './support/webhooks.js';

/** A resolver over a table that the test changes between registration and delivery. */
function tableResolver(table: Record<string, string[]>): HostResolver {
  return async (host) =>
    (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
}

/** A TCP listener on loopback that only counts connections. */
async function connectionCounter() {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    count: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function lastAttempt(h: Harness, dev: DeveloperApp, endpointId: string) {
  const list = await h.app.inject({
    method: 'GET',
    url: `/app/v1/webhooks/${endpointId}/deliveries`,
    headers: bearer(dev.appToken),
  });
  return list.json().data[0].attempts.at(-1);
}

describe('webhook SSRF guard at connect time', () => {
  const dns: Record<string, string[]> = {};
  let h: Harness;
  let dev: DeveloperApp;
  let counter: Awaited<ReturnType<typeof connectionCounter>>;
  beforeAll(async () => {
    h = await startHarness({
      env: { ANTARA_RATE_LIMITS: 'off' },
      deps: { webhookResolver: tableResolver(dns) },
    });
    dev = await createDeveloperApp(h, 'rebind@example.com');
    counter = await connectionCounter();
  });
  afterAll(async () => {
    await counter?.close();
    await h?.close();
  });

  async function register(host: string, registeredAs: string[]): Promise<string> {
    dns[host] = registeredAs;
    const created = await h.app.inject({
      method: 'POST',
      url: '/app/v1/webhooks',
      headers: bearer(dev.appToken),
      payload: { url: `https://${host}:${counter.port}/hook`, events: ['identity.approved'] },
    });
    expect(created.statusCode).toBe(201);
    return created.json().data.id;
  }

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

  it('refuses to connect when a host that was public at registration now resolves to loopback', async () => {
    const endpointId = await register('rebind.example.com', ['93.184.216.34']);
    dns['rebind.example.com'] = ['127.0.0.1'];
    const dispatcher = createWebhookDispatcher(h.ctx, { timeoutMs: 1000 });
    await event();
    await dispatcher.runOnce();
    await dispatcher.stop();
    expect(counter.count()).toBe(0);
    expect(await lastAttempt(h, dev, endpointId)).toMatchObject({
      statusCode: null,
      outcome: 'failed',
      error: expect.stringMatching(/^refused: rebind\.example\.com is 127\.0\.0\.1, a loopback address/),
    });
    await h.app.inject({
      method: 'DELETE',
      url: `/app/v1/webhooks/${endpointId}`,
      headers: bearer(dev.appToken),
    });
  });

  it('refuses a host whose answer mixes a public and a metadata address', async () => {
    const endpointId = await register('mixed.example.com', ['93.184.216.34']);
    dns['mixed.example.com'] = ['93.184.216.34', '::ffff:169.254.169.254'];
    const dispatcher = createWebhookDispatcher(h.ctx, { timeoutMs: 1000 });
    await event();
    await dispatcher.runOnce();
    await dispatcher.stop();
    expect(counter.count()).toBe(0);
    expect((await lastAttempt(h, dev, endpointId)).error).toMatch(/metadata address/);
    await h.app.inject({
      method: 'DELETE',
      url: `/app/v1/webhooks/${endpointId}`,
      headers: bearer(dev.appToken),
    });
  });
});

describe('webhook sockets connect to the address that was checked', () => {
  let h: Harness;
  let dev: DeveloperApp;
  beforeAll(async () => {
    h = await startHarness({
      env: { ANTARA_WEBHOOK_ALLOW_PRIVATE: '1', ANTARA_RATE_LIMITS: 'off' },
      deps: { webhookResolver: tableResolver({ 'hooks.invalid': ['127.0.0.1'] }) },
    });
    dev = await createDeveloperApp(h, 'checked@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('reaches a name that exists only in the injected resolver, so the checked answer is what was dialled', async () => {
    const receiver = await startReceiver(h.clock);
    const created = await h.app.inject({
      method: 'POST',
      url: '/app/v1/webhooks',
      headers: bearer(dev.appToken),
      payload: { url: `http://hooks.invalid:${receiver.port}/in`, events: ['identity.approved'] },
    });
    expect(created.statusCode).toBe(201);
    const dispatcher = createWebhookDispatcher(h.ctx, { timeoutMs: 1000 });
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
    await dispatcher.stop();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers.host).toBe(`hooks.invalid:${receiver.port}`);
    await receiver.close();
    await h.app.inject({
      method: 'DELETE',
      url: `/app/v1/webhooks/${created.json().data.id}`,
      headers: bearer(dev.appToken),
    });
  });

  it('judges a literal IP at send time too, when the policy no longer allows it', async () => {
    const counter = await connectionCounter();
    const created = await h.app.inject({
      method: 'POST',
      url: '/app/v1/webhooks',
      headers: bearer(dev.appToken),
      payload: { url: `http://127.0.0.1:${counter.port}/in`, events: ['identity.approved'] },
    });
    const closed = createWebhookClient({
      policy: { allowPrivate: false, allowCidrs: [] },
      resolve: tableResolver({}),
      timeoutMs: 1000,
    });
    const dispatcher = createWebhookDispatcher(h.ctx, { client: closed });
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
    await dispatcher.stop();
    expect(counter.count()).toBe(0);
    expect((await lastAttempt(h, dev, created.json().data.id)).error).toBe(
      'refused: 127.0.0.1 is a loopback address',
    );
    await counter.close();
  });
});
