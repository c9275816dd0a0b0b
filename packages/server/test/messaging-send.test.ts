import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { revokeGrant, rotateSlug } from '../src/grants/grant-changes.js';
import { purgeExpired } from '../src/jobs/purge-expired.js';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import {
  approve,
  approveViaOAuth,
  countRows,
  deliveredEvents,
  messagingApp,
  type Person,
  send,
} from './support/messaging.js';

const DAY_MS = 24 * 60 * 60 * 1000;

eachDialect('sending messages: addressing, recipient rules, idempotency, delivery', (dialect) => {
  let h: Harness;
  let parcel: Awaited<ReturnType<typeof messagingApp>>;
  let ada: Person;
  let adaGrant: { userId: string; slug: string };

  beforeAll(async () => {
    h = await startHarness({ dialect, listen: true });
    parcel = await messagingApp(h, 'dev@parcel.example');
    ada = await signIn(h, 'ada@example.com');
    // Ada approves Parcel Tracker through the real OAuth JSON flow; later recipients are
    // approved through the grants service the consent step calls, which is quicker.
    adaGrant = await approveViaOAuth(h, ada, parcel);
  });
  afterAll(async () => {
    await h?.close();
  });

  const inbox = async (person: Person) => {
    const res = await h.app.inject({
      method: 'GET',
      url: '/me/v1/messages',
      headers: bearer(person.accessToken),
    });
    expect(res.statusCode).toBe(200);
    return res.json().data as Array<{ messageId: string; body: string; subject: string | null }>;
  };
  const freshToken = async () => {
    parcel.aat = await parcel.token();
  };

  it('delivers to the inbox by slug, answers 201 as the guide says, and writes message.delivered in the outbox', async () => {
    const res = await send(h, parcel.aat, 'order-1234-shipped', {
      slug: adaGrant.slug,
      body: 'Your order #1234 shipped!',
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    const body = res.json();
    expect(body).toEqual({
      data: {
        messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        slug: adaGrant.slug,
        status: 'delivered',
        createdAt: Math.floor(h.clock.now() / 1000),
      },
      meta: { requestId: res.headers['x-request-id'], issuedAt: expect.any(Number) },
    });
    const { messageId } = body.data;

    const listed = await inbox(ada);
    expect(listed[0]).toMatchObject({
      messageId,
      appId: parcel.appId,
      appName: 'Parcel Tracker',
      slug: adaGrant.slug,
      subject: null,
      body: 'Your order #1234 shipped!',
      readAt: null,
    });
    // The event carries the app-facing userId and slug only: no account id, no email.
    expect((await deliveredEvents(h)).find((e) => e.data.messageId === messageId)).toEqual({
      appId: parcel.appId,
      data: { appId: parcel.appId, messageId, userId: adaGrant.userId, slug: adaGrant.slug },
    });
  });

  it('takes the logical address to: "<slug>@useantara.com" (the domain in any case) and an optional subject', async () => {
    h.clock.advance(1000);
    const res = await send(h, parcel.aat, randomUUID(), {
      to: `${adaGrant.slug}@UseAntara.com`,
      subject: 'Delivery window',
      body: 'Tomorrow between 9 and 11.\nReply in the app to change it.',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.slug).toBe(adaGrant.slug);
    expect((await inbox(ada))[0]).toMatchObject({
      subject: 'Delivery window',
      body: 'Tomorrow between 9 and 11.\nReply in the app to change it.',
    });
  });

  it('replays the first response for the same key and request with Idempotent-Replayed: true, and creates nothing', async () => {
    const first = await send(h, parcel.aat, 'replay-1', { slug: adaGrant.slug, body: 'Once only' });
    expect(first.statusCode).toBe(201);
    const counts = [await countRows(h, 'messages'), await countRows(h, 'outbox')];
    h.clock.advance(60_000);

    // The same request, also when addressed with `to` instead of `slug`.
    for (const payload of [
      { slug: adaGrant.slug, body: 'Once only' },
      { to: `${adaGrant.slug}@useantara.com`, body: 'Once only', subject: null },
    ]) {
      const again = await send(h, parcel.aat, 'replay-1', payload);
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json().data).toEqual(first.json().data);
      expect(again.json().meta.requestId).toBe(again.headers['x-request-id']);
    }
    expect([await countRows(h, 'messages'), await countRows(h, 'outbox')]).toEqual(counts);
  });

  it('refuses the same key with a different request: 422 idempotency_key_reused', async () => {
    await send(h, parcel.aat, 'reuse-1', { slug: adaGrant.slug, body: 'First text' });
    const counts = await countRows(h, 'messages');
    for (const payload of [
      { slug: adaGrant.slug, body: 'Second text' },
      { slug: adaGrant.slug, body: 'First text', subject: 'Now with a subject' },
    ]) {
      const res = await send(h, parcel.aat, 'reuse-1', payload);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('idempotency_key_reused');
    }
    expect(await countRows(h, 'messages')).toBe(counts);
  });

  it('scopes keys to the app: another app may use the same key for its own message', async () => {
    const other = await messagingApp(h, 'dev@florist.example', 'Florist');
    const grant = await approve(h, ada, other.appId);
    const mine = await send(h, parcel.aat, 'shared-key', { slug: adaGrant.slug, body: 'From Parcel' });
    const theirs = await send(h, other.aat, 'shared-key', { slug: grant.slug, body: 'From Florist' });
    expect([mine.statusCode, theirs.statusCode]).toEqual([201, 201]);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().data.messageId).not.toBe(mine.json().data.messageId);
  });

  it('requires an Idempotency-Key: 400 idempotency_key_required, and nothing is delivered', async () => {
    const counts = await countRows(h, 'messages');
    for (const key of [undefined, '', '   ']) {
      const res = await send(h, parcel.aat, key, { slug: adaGrant.slug, body: 'No key' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('idempotency_key_required');
    }
    expect(await countRows(h, 'messages')).toBe(counts);
  });

  it('forgets a key after 24 hours: it then sends a new message, and purge removes expired records', async () => {
    const first = await send(h, parcel.aat, 'daily-digest', { slug: adaGrant.slug, body: 'Digest' });
    h.clock.advance(DAY_MS - 1000);
    await freshToken();
    const within = await send(h, parcel.aat, 'daily-digest', { slug: adaGrant.slug, body: 'Digest' });
    expect(within.headers['idempotent-replayed']).toBe('true');

    h.clock.advance(1000);
    const purged = await purgeExpired(h.ctx);
    expect(purged.idempotencyKeys).toBeGreaterThanOrEqual(1);
    const stillThere = await h.ctx.repos.idempotencyKeys.findLive('app:' + parcel.appId, 'daily-digest', 0);
    expect(stillThere).toBeUndefined();

    const after = await send(h, parcel.aat, 'daily-digest', { slug: adaGrant.slug, body: 'Digest' });
    expect(after.statusCode).toBe(201);
    expect(after.headers['idempotent-replayed']).toBeUndefined();
    expect(after.json().data.messageId).not.toBe(first.json().data.messageId);
  });

  it('reuses an expired key record that purge has not reached yet', async () => {
    await send(h, parcel.aat, 'not-purged-yet', { slug: adaGrant.slug, body: 'One' });
    h.clock.advance(DAY_MS);
    await freshToken();
    const res = await send(h, parcel.aat, 'not-purged-yet', { slug: adaGrant.slug, body: 'Two' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it('answers one identical 404 recipient_not_found for unknown, foreign, rotated and disabled recipients', async () => {
    const florist = await messagingApp(h, 'dev@florist2.example', 'Florist Two');
    const grace = await signIn(h, 'grace@example.com');
    const graceAtFlorist = await approve(h, grace, florist.appId);
    const bob = await signIn(h, 'bob@example.com');
    const bobGrant = await approve(h, bob, parcel.appId);
    const carol = await signIn(h, 'carol@example.com');
    const carolOld = await approve(h, carol, parcel.appId);
    await rotateSlug(
      { db: h.ctx.storage.db, clock: h.ctx.clock, random: h.ctx.random },
      carol.user.id,
      parcel.appId,
    );
    // An operator disabled Bob's account (the moderation API is another issue's).
    await h.ctx.storage.db
      .updateTable('users')
      .set({ moderation_state: 'disabled' })
      .where('id', '=', bob.user.id)
      .execute();

    const answers = [];
    for (const slug of ['Zz9Zz9Zz9Zz9Zz', graceAtFlorist.slug, carolOld.slug, bobGrant.slug]) {
      const res = await send(h, parcel.aat, randomUUID(), { slug, body: 'Hello?' });
      expect(res.statusCode).toBe(404);
      answers.push({ ...res.json(), requestId: undefined, headers: res.headers['content-length'] });
    }
    expect(answers[0]).toMatchObject({ error: { code: 'recipient_not_found' } });
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  });

  it('refuses a revoked grant (403 grant_revoked) and a grant without messages.send (403 messages_not_granted)', async () => {
    const dan = await signIn(h, 'dan@example.com');
    const danGrant = await approve(h, dan, parcel.appId);
    await revokeGrant(
      { db: h.ctx.storage.db, clock: h.ctx.clock, random: h.ctx.random },
      dan.user.id,
      parcel.appId,
    );
    const revoked = await send(h, parcel.aat, randomUUID(), { slug: danGrant.slug, body: 'Still there?' });
    expect(revoked.statusCode).toBe(403);
    expect(revoked.json().error.code).toBe('grant_revoked');

    const eve = await signIn(h, 'eve@example.com');
    const eveGrant = await approve(h, eve, parcel.appId, ['identity.read']);
    const notGranted = await send(h, parcel.aat, randomUUID(), { slug: eveGrant.slug, body: 'Hi' });
    expect(notGranted.statusCode).toBe(403);
    expect(notGranted.json().error.code).toBe('messages_not_granted');
    expect(await inbox(eve)).toEqual([]);
  });

  it('refuses a person who muted the app (403 recipient_muted) and stores no refusal: the key works after unmuting', async () => {
    const fay = await signIn(h, 'fay@example.com');
    const fayGrant = await approve(h, fay, parcel.appId);
    const mute = await h.app.inject({
      method: 'POST',
      url: `/me/v1/apps/${parcel.appId}/mute`,
      headers: bearer(fay.accessToken),
    });
    expect(mute.statusCode).toBe(200);

    const refused = await send(h, parcel.aat, 'after-unmute', { slug: fayGrant.slug, body: 'Sale!' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('recipient_muted');
    expect(await inbox(fay)).toEqual([]);

    await h.app.inject({
      method: 'DELETE',
      url: `/me/v1/apps/${parcel.appId}/mute`,
      headers: bearer(fay.accessToken),
    });
    const delivered = await send(h, parcel.aat, 'after-unmute', { slug: fayGrant.slug, body: 'Sale!' });
    expect(delivered.statusCode).toBe(201);
    expect(delivered.headers['idempotent-replayed']).toBeUndefined();
    expect((await inbox(fay)).map((m) => m.body)).toEqual(['Sale!']);
  });

  it('limits sends per app and recipient, and per app overall, with 429 and retryAfter', async () => {
    const gus = await signIn(h, 'gus@example.com');
    const gusGrant = await approve(h, gus, parcel.appId);
    await freshToken();
    for (let i = 0; i < 30; i += 1) {
      const res = await send(h, parcel.aat, `burst-${i}`, { slug: gusGrant.slug, body: `Update ${i}` });
      expect(res.statusCode).toBe(201);
    }
    const limited = await send(h, parcel.aat, 'burst-30', { slug: gusGrant.slug, body: 'Update 30' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' }, retryAfter: expect.any(Number) });
    expect(Number(limited.headers['retry-after'])).toBe(limited.json().retryAfter);
    // Other recipients are unaffected.
    expect(
      (await send(h, parcel.aat, randomUUID(), { slug: adaGrant.slug, body: 'Hi Ada' })).statusCode,
    ).toBe(201);
    // After the window the recipient may be reached again, and the 429 was not stored.
    h.clock.advance(60_000);
    await freshToken();
    expect(
      (await send(h, parcel.aat, 'burst-30', { slug: gusGrant.slug, body: 'Update 30' })).statusCode,
    ).toBe(201);

    // The app's overall budget (6000 a minute), spent by other sends of this minute.
    for (let i = 0; i < 6000; i += 1)
      await h.ctx.rateLimiter.hit(`messages:sender:app:${parcel.appId}`, 6000, 60_000);
    const overall = await send(h, parcel.aat, randomUUID(), { slug: adaGrant.slug, body: 'One more' });
    expect(overall.statusCode).toBe(429);
    h.clock.advance(60_000);
    await freshToken();
  });

  it('creates exactly one message and one event for fifty concurrent requests with one key; none fails', async () => {
    const hal = await signIn(h, 'hal@example.com');
    const halGrant = await approve(h, hal, parcel.appId);
    await freshToken();
    const before = [await countRows(h, 'messages'), (await deliveredEvents(h)).length];
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${h.baseUrl}/app/v1/messages`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${parcel.aat}`,
            'idempotency-key': 'fifty-at-once',
            'content-type': 'application/json',
          },
          body: JSON.stringify({ slug: halGrant.slug, body: 'Exactly once' }),
        }).then(async (r) => ({
          status: r.status,
          replayed: r.headers.get('idempotent-replayed'),
          body: await r.json(),
        })),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const created = responses.filter((r) => r.status === 201);
    expect(created.filter((r) => r.replayed === null)).toHaveLength(1);
    expect(new Set(created.map((r) => r.body.data.messageId)).size).toBe(1);
    for (const r of responses.filter((x) => x.status === 409)) {
      expect(r.body.error.code).toBe('idempotency_request_in_progress');
    }
    expect([await countRows(h, 'messages'), (await deliveredEvents(h)).length]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
    expect((await inbox(hal)).map((m) => m.body)).toEqual(['Exactly once']);
  });

  it('delivers many concurrent sends with distinct keys, each exactly once', async () => {
    const ivy = await signIn(h, 'ivy@example.com');
    const ivyGrant = await approve(h, ivy, parcel.appId);
    const zed = await signIn(h, 'zed@example.com');
    const zedGrant = await approve(h, zed, parcel.appId);
    await freshToken();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        send(h, parcel.aat, `distinct-${i}`, { slug: i % 2 ? ivyGrant.slug : zedGrant.slug, body: `n${i}` }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(40).fill(201));
    expect(new Set(results.map((r) => r.json().data.messageId)).size).toBe(40);
    expect((await inbox(ivy)).length + (await inbox(zed)).length).toBe(40);
  });
});
