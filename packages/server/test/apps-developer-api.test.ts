import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appWithKey, developer } from './support/apps.js';
import { eachDialect } from './support/dialects.js';
import { type Harness, startHarness } from './support/harness.js';

eachDialect('developer API: apps, keys and the audit trail', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('registers an app and returns it exactly as the contract shapes it', async () => {
    const dev = await developer(h, 'ada@example.com');
    const res = await dev.call('POST', '/dev/v1/apps', {
      name: '  Parcel Tracker ',
      redirectUris: ['https://parcel.example/callback', 'http://127.0.0.1:8080/cb'],
      homepageUrl: 'https://parcel.example',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const now = Math.floor(h.clock.now() / 1000);
    expect(body).toEqual({
      data: {
        appId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        name: 'Parcel Tracker',
        homepageUrl: 'https://parcel.example',
        redirectUris: ['https://parcel.example/callback', 'http://127.0.0.1:8080/cb'],
        trustLevel: 'private',
        moderationState: 'clean',
        createdAt: now,
        updatedAt: now,
      },
      meta: { requestId: res.headers['x-request-id'], issuedAt: now },
    });

    const got = await dev.call('GET', `/dev/v1/apps/${body.data.appId}`);
    expect(got.json().data).toEqual(body.data);
    const list = await dev.call('GET', '/dev/v1/apps');
    expect(list.json()).toMatchObject({ data: [body.data], meta: { nextCursor: null } });
  });

  it('hides apps of other developers behind the same 404 as apps that do not exist', async () => {
    const owner = await developer(h, 'owner@example.com');
    const other = await developer(h, 'other@example.com');
    const { app, key } = await appWithKey(owner);
    const attempts = [
      other.call('GET', `/dev/v1/apps/${app.appId}`),
      other.call('PATCH', `/dev/v1/apps/${app.appId}`, { name: 'Mine now' }),
      other.call('DELETE', `/dev/v1/apps/${app.appId}`),
      other.call('GET', `/dev/v1/apps/${app.appId}/keys`),
      other.call('POST', `/dev/v1/apps/${app.appId}/keys`, {}),
      other.call('DELETE', `/dev/v1/apps/${app.appId}/keys/${key.keyId}`),
      other.call('GET', `/dev/v1/apps/${app.appId}/audit`),
      other.call('GET', '/dev/v1/apps/00000000-0000-4000-8000-000000000000'),
      other.call('GET', '/dev/v1/apps/not-a-uuid'),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'not_found', message: 'No such app.' } });
    }
    expect((await other.call('GET', '/dev/v1/apps')).json().data).toEqual([]);
    expect((await owner.call('GET', `/dev/v1/apps/${app.appId}`)).json().data.name).toBe('Parcel Tracker');
  });

  it('refuses the developer API without a signed-in person', async () => {
    for (const headers of [{}, { authorization: 'Bearer uat_nope' }]) {
      const res = await h.app.inject({ method: 'GET', url: '/dev/v1/apps', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_token');
    }
  });

  it('updates name, redirect URIs and homepage, and clears the homepage with null', async () => {
    const dev = await developer(h, 'grace@example.com');
    const { app } = await appWithKey(dev, {}, { homepageUrl: 'https://grace.example' });
    h.clock.advance(5_000);
    const res = await dev.call('PATCH', `/dev/v1/apps/${app.appId}`, {
      name: 'Grace Parcels',
      redirectUris: ['https://grace.example/oauth/cb'],
      homepageUrl: null,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({
      name: 'Grace Parcels',
      redirectUris: ['https://grace.example/oauth/cb'],
      homepageUrl: null,
      updatedAt: Math.floor(h.clock.now() / 1000),
    });
    const empty = await dev.call('PATCH', `/dev/v1/apps/${app.appId}`, {});
    expect(empty.statusCode).toBe(400);
  });

  it('shows a new key in full once, then only by prefix and last four, and stores only its hash', async () => {
    const dev = await developer(h, 'keys@example.com');
    const { app } = await appWithKey(dev);
    h.clock.advance(1_000);
    const res = await dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, { name: 'worker' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = res.json().data;
    const now = Math.floor(h.clock.now() / 1000);
    expect(created).toEqual({
      keyId: expect.any(String),
      appId: app.appId,
      apiKey: expect.stringMatching(/^antara_live_[A-Za-z0-9_-]{43}$/),
      name: 'worker',
      prefix: created.apiKey.slice(0, 'antara_live_'.length + 6),
      lastFour: created.apiKey.slice(-4),
      scopes: ['ai.chat', 'identity.read', 'messages.send'],
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    });

    const { apiKey, ...visible } = created;
    const listed = await dev.call('GET', `/dev/v1/apps/${app.appId}/keys`);
    expect(listed.json().data[0]).toEqual(visible);
    const one = await dev.call('GET', `/dev/v1/apps/${app.appId}/keys/${created.keyId}`);
    expect(one.json().data).toEqual(visible);
    for (const res of [listed, one, await dev.call('GET', `/dev/v1/apps/${app.appId}/audit`)]) {
      expect(res.body).not.toContain(apiKey.slice('antara_live_'.length + 6));
    }

    const rows = await h.ctx.storage.db
      .selectFrom('api_keys')
      .selectAll()
      .where('app_id', '=', app.appId)
      .execute();
    const row = rows.find((r) => r.id === created.keyId);
    expect(row?.key_hash).toBe(createHash('sha256').update(apiKey).digest('hex'));
    for (const r of rows) expect(JSON.stringify(r)).not.toContain(apiKey.slice('antara_live_'.length + 6));
  });

  it('creates keys with fewer scopes, accepts the legacy names and reports them canonically', async () => {
    const dev = await developer(h, 'scopes@example.com');
    const { app } = await appWithKey(dev);
    const res = await dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, { scopes: ['message', 'identify'] });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.scopes).toEqual(['identity.read', 'messages.send']);
    const wide = await dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, { scopes: ['openid'] });
    expect(wide.statusCode).toBe(400);
    expect(wide.json().error.code).toBe('invalid_scope');
    const unknown = await dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, { scopes: ['everything'] });
    expect(unknown.json().error).toMatchObject({
      code: 'invalid_scope',
      details: { unknownScope: 'everything' },
    });
  });

  it('keeps several live keys for rotation and caps them at ten', async () => {
    const dev = await developer(h, 'rotate@example.com');
    const { app, key } = await appWithKey(dev);
    for (let i = 0; i < 9; i += 1) {
      expect((await dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, {})).statusCode).toBe(201);
    }
    const eleventh = await dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, {});
    expect(eleventh.statusCode).toBe(409);
    expect(eleventh.json().error.code).toBe('limit_reached');
    const revoked = await dev.call('DELETE', `/dev/v1/apps/${app.appId}/keys/${key.keyId}`);
    expect(revoked.json().data.revokedAt).toBe(Math.floor(h.clock.now() / 1000));
    expect((await dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, {})).statusCode).toBe(201);
    const again = await dev.call('DELETE', `/dev/v1/apps/${app.appId}/keys/${key.keyId}`);
    expect(again.statusCode).toBe(200);
    expect(again.json().data.revokedAt).toBe(revoked.json().data.revokedAt);
  });

  it('pages through keys with nextCursor', async () => {
    const dev = await developer(h, 'pages@example.com');
    const { app } = await appWithKey(dev);
    for (let i = 0; i < 4; i += 1) {
      h.clock.advance(1);
      await dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, { name: `k${i}` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await dev.call(
        'GET',
        `/dev/v1/apps/${app.appId}/keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().data.map((k: { name: string | null }) => k.name ?? 'first'));
      cursor = res.json().meta.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['k3', 'k2', 'k1', 'k0', 'first']);
    const bad = await dev.call('GET', `/dev/v1/apps/${app.appId}/keys?cursor=garbage`);
    expect(bad.statusCode).toBe(400);
  });

  it('records every change with actor and time, newest first, paged with nextCursor', async () => {
    const dev = await developer(h, 'audit@example.com');
    const { app, key } = await appWithKey(dev, { name: 'first' });
    h.clock.advance(1_000);
    await dev.call('PATCH', `/dev/v1/apps/${app.appId}`, { name: 'Renamed' });
    h.clock.advance(1_000);
    await dev.call('DELETE', `/dev/v1/apps/${app.appId}/keys/${key.keyId}`);

    const page1 = await dev.call('GET', `/dev/v1/apps/${app.appId}/audit?limit=2`);
    expect(page1.statusCode).toBe(200);
    const now = Math.floor(h.clock.now() / 1000);
    expect(page1.json().data).toEqual([
      {
        entryId: expect.any(String),
        action: 'key.revoked',
        actor: { kind: 'user', userId: dev.userId },
        createdAt: now,
        details: { keyId: key.keyId, prefix: key.prefix },
      },
      {
        entryId: expect.any(String),
        action: 'app.updated',
        actor: { kind: 'user', userId: dev.userId },
        createdAt: now - 1,
        details: { changed: { name: { from: 'Parcel Tracker', to: 'Renamed' } } },
      },
    ]);
    const cursor = page1.json().meta.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const page2 = await dev.call('GET', `/dev/v1/apps/${app.appId}/audit?limit=2&cursor=${cursor}`);
    // Created in the same millisecond, so their order is the id tie-break's.
    const older = page2.json().data as { action: string; details: object }[];
    expect(older.map((e) => e.action).sort()).toEqual(['app.created', 'key.created']);
    expect(older.find((e) => e.action === 'key.created')?.details).toEqual({
      keyId: key.keyId,
      prefix: key.prefix,
      name: 'first',
      scopes: ['ai.chat', 'identity.read', 'messages.send'],
    });
    expect(page2.json().meta.nextCursor).toBeNull();
  });

  it('deletes an app with its keys, tokens and grants, and keeps the deletion in the audit log', async () => {
    const dev = await developer(h, 'delete@example.com');
    const { app, key } = await appWithKey(dev);
    const exchange = await h.app.inject({
      method: 'POST',
      url: '/auth/token/exchange',
      payload: { apiKey: key.apiKey },
    });
    const token = exchange.json().data.accessToken;
    const db = h.ctx.storage.db;
    const now = h.clock.now();
    await db
      .insertInto('grants')
      .values({
        id: h.ctx.random.uuid(),
        account_id: dev.userId,
        app_id: app.appId,
        slug: 'AbCdEfGhIjKlMn',
        alias: null,
        scopes: '["identity.read"]',
        status: 'active',
        created_at: now,
        updated_at: now,
        revoked_at: null,
      })
      .execute();

    const res = await dev.call('DELETE', `/dev/v1/apps/${app.appId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual({ appId: app.appId, deleted: true });
    expect((await dev.call('GET', `/dev/v1/apps/${app.appId}`)).statusCode).toBe(404);

    const introspect = await h.app.inject({ method: 'POST', url: '/auth/introspect', payload: { token } });
    expect(introspect.json().data).toEqual({ active: false });
    const again = await h.app.inject({
      method: 'POST',
      url: '/auth/token/exchange',
      payload: { apiKey: key.apiKey },
    });
    expect(again.statusCode).toBe(401);
    for (const table of ['api_keys', 'app_tokens', 'grants'] as const) {
      const left = await db.selectFrom(table).select('id').where('app_id', '=', app.appId).execute();
      expect(left).toEqual([]);
    }
    const audit = await db.selectFrom('audit_log').selectAll().where('app_id', '=', app.appId).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['app.created', 'app.deleted', 'key.created']);
    expect(audit.find((a) => a.action === 'app.deleted')?.actor_user_id).toBe(dev.userId);
  });
});
