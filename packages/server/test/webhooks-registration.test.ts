import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostResolver } from '../src/webhooks/destination.js';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, startHarness } from './support/harness.js';
import { createDeveloperApp, type DeveloperApp } from './support/webhooks.js';

const DNS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'other.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
  'intranet.example.com': ['192.168.10.5'],
};
const resolver: HostResolver = async (host) =>
  (DNS[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

eachDialect('webhook endpoint registration', (dialect) => {
  let h: Harness;
  let dev: DeveloperApp;
  let stranger: DeveloperApp;
  beforeAll(async () => {
    h = await startHarness({ dialect, deps: { webhookResolver: resolver } });
    dev = await createDeveloperApp(h, 'hooks-dev@example.com');
    stranger = await createDeveloperApp(h, 'stranger@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: unknown) =>
    h.app.inject({
      method,
      url,
      headers: bearer(token),
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  it('registers an endpoint with an app token and shows its whsec_ secret once', async () => {
    const created = await call('POST', '/app/v1/webhooks', dev.appToken, {
      url: 'https://hooks.example.com/antara',
      events: ['message.delivered', 'identity.approved', 'identity.approved'],
      description: 'production',
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const data = created.json().data;
    expect(data).toMatchObject({
      id: expect.any(String),
      appId: dev.appId,
      url: 'https://hooks.example.com/antara',
      events: ['identity.approved', 'message.delivered'],
      description: 'production',
      status: 'enabled',
      disabledReason: null,
      previousSecretExpiresAt: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const stored = await h.ctx.storage.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', data.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(data.secret.slice(6));

    const fetched = await call('GET', `/app/v1/webhooks/${data.id}`, dev.appToken);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json().data).not.toHaveProperty('secret');
    const listed = await call('GET', '/app/v1/webhooks', dev.appToken);
    expect(listed.json().data.map((e: { id: string }) => e.id)).toContain(data.id);
    expect(listed.json().meta.nextCursor).toBeNull();
  });

  it('answers an unknown event name with 400 listing the valid ones', async () => {
    const refused = await call('POST', '/app/v1/webhooks', dev.appToken, {
      url: 'https://hooks.example.com/x',
      events: ['identity.approved', 'user.created'],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'unknown_event_type',
      details: {
        unknown: ['user.created'],
        validEvents: ['identity.approved', 'message.delivered', 'permission.changed'],
      },
    });
  });

  it('refuses loopback, private and metadata destinations and plain http at registration', async () => {
    const cases: Array<[string, string]> = [
      ['https://127.0.0.1/hook', 'address_not_allowed'],
      ['https://[::ffff:169.254.169.254]/', 'address_not_allowed'],
      ['https://intranet.example.com/hook', 'address_not_allowed'],
      ['https://localhost/hook', 'unresolvable'],
      ['http://hooks.example.com/hook', 'scheme'],
    ];
    for (const [url, reason] of cases) {
      const refused = await call('POST', '/app/v1/webhooks', dev.appToken, {
        url,
        events: ['identity.approved'],
      });
      expect(refused.statusCode, url).toBe(400);
      expect(refused.json().error, url).toMatchObject({ code: 'webhook_url_refused', details: { reason } });
    }
  });

  it('lets the developer manage the same endpoints under /dev/v1/apps/:appId/webhooks', async () => {
    const base = `/dev/v1/apps/${dev.appId}/webhooks`;
    const created = await call('POST', base, dev.userToken, {
      url: 'https://other.example.com/in',
      events: ['permission.changed'],
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().data.id;
    expect((await call('GET', `/app/v1/webhooks/${id}`, dev.appToken)).statusCode).toBe(200);

    const patched = await call('PATCH', `${base}/${id}`, dev.userToken, {
      events: ['permission.changed', 'identity.approved'],
      description: 'staging',
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().data).toMatchObject({
      events: ['identity.approved', 'permission.changed'],
      description: 'staging',
    });
    const badUrl = await call('PATCH', `${base}/${id}`, dev.userToken, { url: 'https://10.0.0.1/' });
    expect(badUrl.json().error.code).toBe('webhook_url_refused');

    const off = await call('PATCH', `${base}/${id}`, dev.userToken, { enabled: false });
    expect(off.json().data).toMatchObject({ status: 'disabled', disabledReason: 'manual' });
    const test = await call('POST', `${base}/${id}/test`, dev.userToken);
    expect(test.statusCode).toBe(409);
    expect(test.json().error.code).toBe('webhook_disabled');
    const on = await call('PATCH', `${base}/${id}`, dev.userToken, { enabled: true });
    expect(on.json().data).toMatchObject({ status: 'enabled', disabledReason: null, disabledAt: null });

    const deleted = await call('DELETE', `${base}/${id}`, dev.userToken);
    expect(deleted.json().data).toEqual({ id, deleted: true });
    expect((await call('GET', `${base}/${id}`, dev.userToken)).statusCode).toBe(404);

    const audit = await call('GET', `/dev/v1/apps/${dev.appId}/audit`, dev.userToken);
    expect(audit.statusCode).toBe(200);
    const actions = audit.json().data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['webhook.created', 'webhook.updated', 'webhook.deleted']),
    );
  });

  it('rotates the secret and reports until when the previous one still signs', async () => {
    const created = await call('POST', '/app/v1/webhooks', dev.appToken, {
      url: 'https://hooks.example.com/rotate',
      events: ['identity.approved'],
    });
    const { id, secret } = created.json().data;
    const rotated = await call('POST', `/app/v1/webhooks/${id}/rotate-secret`, dev.appToken);
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().data.secret).toMatch(/^whsec_/);
    expect(rotated.json().data.secret).not.toBe(secret);
    expect(rotated.json().data.previousSecretExpiresAt).toBe(Math.floor(h.clock.now() / 1000) + 24 * 3600);
  });

  it('keeps each app to its own endpoints, for app tokens and developers alike', async () => {
    const created = await call('POST', '/app/v1/webhooks', dev.appToken, {
      url: 'https://hooks.example.com/private',
      events: ['identity.approved'],
    });
    const id = created.json().data.id;
    expect((await call('GET', `/app/v1/webhooks/${id}`, stranger.appToken)).statusCode).toBe(404);
    expect((await call('DELETE', `/app/v1/webhooks/${id}`, stranger.appToken)).statusCode).toBe(404);
    expect(
      (await call('GET', `/dev/v1/apps/${dev.appId}/webhooks/${id}`, stranger.userToken)).statusCode,
    ).toBe(404);
    expect((await call('GET', `/dev/v1/apps/${dev.appId}/webhooks`, stranger.userToken)).statusCode).toBe(
      404,
    );
    const ids = (await call('GET', '/app/v1/webhooks', stranger.appToken)).json().data;
    expect(ids).toEqual([]);
    const anonymous = await h.app.inject({ method: 'GET', url: '/app/v1/webhooks' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('invalid_token');
    const userTokenOnAppPath = await call('GET', '/app/v1/webhooks', dev.userToken);
    expect(userTokenOnAppPath.statusCode).toBe(401);
  });

  it('caps an app at 20 endpoints', async () => {
    const other = await createDeveloperApp(h, 'many-hooks@example.com');
    const answers: number[] = [];
    for (let i = 0; i < 21; i++) {
      const r = await call('POST', '/app/v1/webhooks', other.appToken, {
        url: `https://hooks.example.com/${i}`,
        events: ['identity.approved'],
      });
      answers.push(r.statusCode);
    }
    expect(answers.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(answers[20]).toBe(409);
  });
});
