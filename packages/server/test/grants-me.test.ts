import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import { fullFlow, registerApp } from './support/oauth.js';

eachDialect('a person manages their grants at /me/v1/grants', (dialect) => {
  let h: Harness;
  let parcel: Awaited<ReturnType<typeof registerApp>>;
  let notes: Awaited<ReturnType<typeof registerApp>>;
  let person: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    h = await startHarness({ dialect });
    parcel = await registerApp(h, 'Parcel Tracker');
    notes = await registerApp(h, 'Notes', ['https://notes.example/cb']);
    person = await signIn(h, 'ada@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  const call = (
    method: 'GET' | 'PATCH' | 'POST' | 'DELETE',
    url: string,
    payload?: object,
    token = person.accessToken,
  ) => h.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  const eventsOf = async (appId: string, type: string) =>
    (
      await h.ctx.storage.db
        .selectFrom('outbox')
        .selectAll()
        .where('app_id', '=', appId)
        .where('type', '=', type)
        .orderBy('created_at')
        .execute()
    ).map((row) => JSON.parse(row.payload));
  const active = async (token: string) =>
    (await h.app.inject({ method: 'POST', url: '/auth/introspect', payload: { token } })).json().data.active;

  it('lists the approved apps with the identity each knows, one page with a cursor', async () => {
    const first = await fullFlow(h, parcel, person, 'identity.read messages.send');
    h.clock.advance(1000);
    const second = await fullFlow(h, notes, person);
    const list = await call('GET', '/me/v1/grants');
    expect(list.statusCode).toBe(200);
    expect(list.json().meta.nextCursor).toBeNull();
    expect(list.json().data).toEqual([
      {
        appId: parcel.appId,
        app: { name: 'Parcel Tracker', homepageUrl: null, trustLevel: 'private' },
        userId: first.data.user.userId,
        slug: first.data.user.slug,
        alias: null,
        scopes: ['identity.read', 'messages.send'],
        status: 'active',
        createdAt: expect.any(Number),
        updatedAt: expect.any(Number),
      },
      expect.objectContaining({
        appId: notes.appId,
        userId: second.data.user.userId,
        scopes: ['identity.read', 'openid'],
      }),
    ]);
    const paged = await call('GET', '/me/v1/grants?limit=1');
    expect(paged.json().data).toHaveLength(1);
    const next = await call('GET', `/me/v1/grants?limit=1&cursor=${paged.json().meta.nextCursor}`);
    expect(next.json().data.map((g: { appId: string }) => g.appId)).toEqual([notes.appId]);
    expect(next.json().meta.nextCursor).toBeNull();
    expect((await call('GET', '/me/v1/grants?cursor=bogus')).statusCode).toBe(400);
  });

  it('renames the alias and tells the app with permission.changed (before and after)', async () => {
    const renamed = await call('PATCH', `/me/v1/grants/${parcel.appId}`, { alias: '  Ada L.  ' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().data.alias).toBe('Ada L.');
    const cleared = await call('PATCH', `/me/v1/grants/${parcel.appId}`, { alias: null });
    expect(cleared.json().data.alias).toBeNull();
    const grant = cleared.json().data;
    expect(await eventsOf(parcel.appId, 'permission.changed')).toEqual([
      {
        appId: parcel.appId,
        userId: grant.userId,
        change: 'alias',
        before: { alias: null },
        after: { alias: 'Ada L.' },
      },
      {
        appId: parcel.appId,
        userId: grant.userId,
        change: 'alias',
        before: { alias: 'Ada L.' },
        after: { alias: null },
      },
    ]);
    const bad = await call('PATCH', `/me/v1/grants/${parcel.appId}`, { alias: 'a\u0007b' });
    expect(bad.statusCode).toBe(400);
  });

  it('rotates the slug: the userId stays, the app hears the old and new slug, new tokens carry it', async () => {
    const before = (await call('GET', `/me/v1/grants/${notes.appId}`)).json().data;
    const rotated = await call('POST', `/me/v1/grants/${notes.appId}/rotate-slug`);
    expect(rotated.statusCode).toBe(200);
    const after = rotated.json().data;
    expect(after.userId).toBe(before.userId);
    expect(after.slug).toMatch(/^[0-9A-Za-z]{14}$/);
    expect(after.slug).not.toBe(before.slug);
    expect(await eventsOf(notes.appId, 'permission.changed')).toEqual([
      {
        appId: notes.appId,
        userId: before.userId,
        change: 'slug',
        before: { slug: before.slug },
        after: { slug: after.slug },
      },
    ]);
    const flow = await fullFlow(h, notes, person);
    expect(flow.data.user).toMatchObject({ userId: before.userId, slug: after.slug });
  });

  it('revokes: tokens die at once, the app hears permission.changed, the grant leaves the list', async () => {
    const { data } = await fullFlow(h, parcel, person, 'identity.read messages.send');
    expect(await active(data.accessToken)).toBe(true);
    const revoked = await call('DELETE', `/me/v1/grants/${parcel.appId}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().data.status).toBe('revoked');
    expect(await active(data.accessToken)).toBe(false);
    const userinfo = await h.app.inject({
      method: 'GET',
      url: '/oauth/userinfo',
      headers: bearer(data.accessToken),
    });
    expect(userinfo.statusCode).toBe(401);
    expect((await eventsOf(parcel.appId, 'permission.changed')).at(-1)).toEqual({
      appId: parcel.appId,
      userId: data.user.userId,
      change: 'revoked',
      before: { status: 'active', scopes: ['identity.read', 'messages.send'] },
      after: { status: 'revoked', scopes: [] },
    });
    const list = (await call('GET', '/me/v1/grants')).json().data;
    expect(list.map((g: { appId: string }) => g.appId)).toEqual([notes.appId]);
    expect((await call('DELETE', `/me/v1/grants/${parcel.appId}`)).statusCode).toBe(404);
  });

  it('approving again after a revoke keeps the userId, starts scopes afresh and announces identity.approved', async () => {
    const { data } = await fullFlow(h, parcel, person, 'identity.read');
    const approvals = await eventsOf(parcel.appId, 'identity.approved');
    expect(approvals).toHaveLength(2);
    expect(approvals[1]).toEqual({
      appId: parcel.appId,
      userId: data.user.userId,
      slug: data.user.slug,
      alias: null,
      scopes: ['identity.read'],
    });
    expect(approvals[0].userId).toBe(data.user.userId);
  });

  it('widening an active grant is a permission.changed of its scopes', async () => {
    await fullFlow(h, parcel, person, 'identity.read ai.chat');
    expect((await eventsOf(parcel.appId, 'permission.changed')).at(-1)).toMatchObject({
      change: 'scopes',
      before: { scopes: ['identity.read'] },
      after: { scopes: ['ai.chat', 'identity.read'] },
    });
  });

  it("answers 404 for another person's grant, a bad app id, and without a session 401", async () => {
    const other = await signIn(h, 'bob@example.com');
    expect(
      (await call('GET', `/me/v1/grants/${parcel.appId}`, undefined, other.accessToken)).statusCode,
    ).toBe(404);
    expect(
      (await call('DELETE', `/me/v1/grants/${parcel.appId}`, undefined, other.accessToken)).statusCode,
    ).toBe(404);
    expect((await call('POST', '/me/v1/grants/not-an-id/rotate-slug')).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/me/v1/grants' })).statusCode).toBe(401);
  });
});
