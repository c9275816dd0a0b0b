import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import { approve, messagingApp, type Person, send } from './support/messaging.js';

eachDialect('the inbox API: list, read, mark, delete, mute, report', (dialect) => {
  let h: Harness;
  let ada: Person;
  let bob: Person;
  let parcel: Awaited<ReturnType<typeof messagingApp>>;
  let florist: Awaited<ReturnType<typeof messagingApp>>;
  const sent: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness({ dialect });
    parcel = await messagingApp(h, 'dev@parcel.example', 'Parcel Tracker');
    florist = await messagingApp(h, 'dev@florist.example', 'Florist');
    ada = await signIn(h, 'ada@example.com');
    bob = await signIn(h, 'bob@example.com');
    const adaAtParcel = await approve(h, ada, parcel.appId);
    const adaAtFlorist = await approve(h, ada, florist.appId);
    // Five messages, one second apart, alternating apps: p1 f2 p3 f4 p5 (p5 newest).
    for (let i = 1; i <= 5; i += 1) {
      h.clock.advance(1000);
      const [app, slug] = i % 2 ? [parcel, adaAtParcel.slug] : [florist, adaAtFlorist.slug];
      const res = await send(h, app.aat, randomUUID(), { slug, body: `message ${i}`, subject: `No. ${i}` });
      expect(res.statusCode).toBe(201);
      sent[`m${i}`] = res.json().data.messageId;
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  const call = (
    person: Person,
    method: 'GET' | 'PATCH' | 'DELETE' | 'POST',
    url: string,
    payload?: unknown,
  ) =>
    h.app.inject({
      method,
      url,
      headers: bearer(person.accessToken),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const bodies = (res: { json(): { data: Array<{ body: string }> } }) => res.json().data.map((m) => m.body);

  it('lists newest first with cursor pagination', async () => {
    const first = await call(ada, 'GET', '/me/v1/messages?limit=2');
    expect(first.statusCode).toBe(200);
    expect(bodies(first)).toEqual(['message 5', 'message 4']);
    const cursor = first.json().meta.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const second = await call(ada, 'GET', `/me/v1/messages?limit=2&cursor=${cursor}`);
    expect(bodies(second)).toEqual(['message 3', 'message 2']);
    const third = await call(ada, 'GET', `/me/v1/messages?limit=2&cursor=${second.json().meta.nextCursor}`);
    expect(bodies(third)).toEqual(['message 1']);
    expect(third.json().meta.nextCursor).toBeNull();
    expect(first.json().data[0]).toEqual({
      messageId: sent.m5,
      appId: parcel.appId,
      appName: 'Parcel Tracker',
      slug: expect.any(String),
      subject: 'No. 5',
      body: 'message 5',
      createdAt: expect.any(Number),
      readAt: null,
    });
    const bad = await call(ada, 'GET', '/me/v1/messages?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
  });

  it('filters by app and by unread', async () => {
    const byApp = await call(ada, 'GET', `/me/v1/messages?appId=${florist.appId}`);
    expect(bodies(byApp)).toEqual(['message 4', 'message 2']);
    await call(ada, 'PATCH', `/me/v1/messages/${sent.m5}`, { read: true });
    const unread = await call(ada, 'GET', '/me/v1/messages?unread=true');
    expect(bodies(unread)).toEqual(['message 4', 'message 3', 'message 2', 'message 1']);
    const both = await call(ada, 'GET', `/me/v1/messages?unread=true&appId=${parcel.appId}`);
    expect(bodies(both)).toEqual(['message 3', 'message 1']);
  });

  it('shows one message, and marks it read (keeping the first read time) and unread', async () => {
    const one = await call(ada, 'GET', `/me/v1/messages/${sent.m3}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().data).toMatchObject({ messageId: sent.m3, body: 'message 3', readAt: null });

    const read = await call(ada, 'PATCH', `/me/v1/messages/${sent.m3}`, { read: true });
    const readAt = read.json().data.readAt;
    expect(readAt).toBe(Math.floor(h.clock.now() / 1000));
    h.clock.advance(5000);
    const again = await call(ada, 'PATCH', `/me/v1/messages/${sent.m3}`, { read: true });
    expect(again.json().data.readAt).toBe(readAt);
    const unread = await call(ada, 'PATCH', `/me/v1/messages/${sent.m3}`, { read: false });
    expect(unread.json().data.readAt).toBeNull();
  });

  it("keeps one person's messages from another: every id of Ada's is 404 for Bob", async () => {
    for (const [method, suffix, payload] of [
      ['GET', '', undefined],
      ['PATCH', '', { read: true }],
      ['DELETE', '', undefined],
      ['POST', '/report', { reason: 'spam' }],
    ] as const) {
      const res = await call(bob, method, `/me/v1/messages/${sent.m1}${suffix}`, payload);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    expect((await call(bob, 'GET', '/me/v1/messages')).json().data).toEqual([]);
    expect((await call(ada, 'GET', `/me/v1/messages/not-a-uuid`)).statusCode).toBe(404);
    expect((await call(ada, 'GET', `/me/v1/messages/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('reports a message once, with a reason, and keeps the report after the message is deleted', async () => {
    const report = await call(ada, 'POST', `/me/v1/messages/${sent.m2}/report`, {
      reason: 'spam',
      note: '  Flowers I never ordered  ',
    });
    expect(report.statusCode).toBe(201);
    expect(report.json().data).toEqual({
      reportId: expect.any(String),
      messageId: sent.m2,
      appId: florist.appId,
      reason: 'spam',
      note: 'Flowers I never ordered',
      createdAt: expect.any(Number),
    });
    const twice = await call(ada, 'POST', `/me/v1/messages/${sent.m2}/report`, { reason: 'abuse' });
    expect(twice.statusCode).toBe(200);
    expect(twice.json().data.reportId).toBe(report.json().data.reportId);
    const badReason = await call(ada, 'POST', `/me/v1/messages/${sent.m2}/report`, { reason: 'boring' });
    expect(badReason.statusCode).toBe(400);

    const deleted = await call(ada, 'DELETE', `/me/v1/messages/${sent.m2}`);
    expect(deleted.json().data).toEqual({ messageId: sent.m2, deleted: true });
    expect((await call(ada, 'GET', `/me/v1/messages/${sent.m2}`)).statusCode).toBe(404);
    expect((await call(ada, 'DELETE', `/me/v1/messages/${sent.m2}`)).statusCode).toBe(404);
    const kept = await h.ctx.repos.messageReports.listByApp(florist.appId, 10);
    expect(kept.map((r) => [r.message_id, r.reason, r.user_id])).toEqual([[sent.m2, 'spam', ada.user.id]]);
  });

  it('mutes and unmutes an app, lists muted apps, and answers 404 for an app that does not exist', async () => {
    const mute = await call(ada, 'POST', `/me/v1/apps/${florist.appId}/mute`);
    expect(mute.statusCode).toBe(200);
    expect(mute.json().data).toEqual({ appId: florist.appId, muted: true, mutedAt: expect.any(Number) });
    h.clock.advance(1000);
    const twice = await call(ada, 'POST', `/me/v1/apps/${florist.appId}/mute`);
    expect(twice.json().data.mutedAt).toBe(mute.json().data.mutedAt);
    expect((await call(ada, 'GET', '/me/v1/mutes')).json().data).toEqual([
      { appId: florist.appId, appName: 'Florist', mutedAt: mute.json().data.mutedAt },
    ]);
    // Bob's mutes are his own.
    expect((await call(bob, 'GET', '/me/v1/mutes')).json().data).toEqual([]);

    const unmute = await call(ada, 'DELETE', `/me/v1/apps/${florist.appId}/mute`);
    expect(unmute.json().data).toEqual({ appId: florist.appId, muted: false, mutedAt: null });
    expect((await call(ada, 'GET', '/me/v1/mutes')).json().data).toEqual([]);

    for (const appId of [randomUUID(), 'nope']) {
      const res = await call(ada, 'POST', `/me/v1/apps/${appId}/mute`);
      expect(res.statusCode).toBe(404);
    }
  });

  it('needs a signed-in person: no token is 401, an app token is 401', async () => {
    const none = await h.app.inject({ method: 'GET', url: '/me/v1/messages' });
    expect(none.statusCode).toBe(401);
    const appToken = await h.app.inject({
      method: 'GET',
      url: '/me/v1/messages',
      headers: bearer(parcel.aat),
    });
    expect(appToken.statusCode).toBe(401);
  });
});
