import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openStorage, type Storage } from '../src/storage/database.js';
import type { EmailChallengeRow } from '../src/storage/repositories/email-challenges.js';
import { createRepositories, type Repositories } from '../src/storage/repositories/index.js';
import type { UserSessionRow } from '../src/storage/repositories/user-sessions.js';
import type { UserRow } from '../src/storage/repositories/users.js';
import { freshDatabase } from './support/databases.js';
import { eachDialect } from './support/dialects.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const MINUTE = 60_000;

let serial = 0;
const unique = (label: string) => `${label}-${++serial}-${randomUUID().slice(0, 8)}`;

function userRow(overrides: Partial<UserRow> = {}): UserRow {
  const handle = unique('u');
  return {
    id: randomUUID(),
    email: `${handle}@example.com`,
    phone: null,
    primary_slug: handle,
    display_name: handle,
    trust_level: 'L1',
    email_verified_at: T0,
    moderation_state: 'clean',
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

function challengeRow(overrides: Partial<EmailChallengeRow> = {}): EmailChallengeRow {
  return {
    id: randomUUID(),
    email: `${unique('c')}@example.com`,
    code_hash: unique('code-hash'),
    magic_hash: unique('magic-hash'),
    attempts: 0,
    created_at: T0,
    expires_at: T0 + 10 * MINUTE,
    closed_at: null,
    verified_at: null,
    user_id: null,
    exchange_hash: null,
    exchange_expires_at: null,
    exchanged_at: null,
    ...overrides,
  };
}

function sessionRow(userId: string, overrides: Partial<UserSessionRow> = {}): UserSessionRow {
  return {
    id: randomUUID(),
    user_id: userId,
    kind: 'api',
    access_hash: unique('access'),
    access_expires_at: T0 + 10 * MINUTE,
    refresh_hash: unique('refresh'),
    previous_refresh_hash: null,
    refresh_expires_at: T0 + 30 * 24 * 60 * MINUTE,
    created_at: T0,
    rotated_at: null,
    revoked_at: null,
    ...overrides,
  };
}

eachDialect('storage contract', (dialect) => {
  let storage: Storage;
  let repos: Repositories;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await freshDatabase(dialect);
    drop = database.drop;
    storage = await openStorage(database.config);
    await migrateToLatest(storage);
    repos = createRepositories(storage.db);
  });
  afterAll(async () => {
    await storage?.close();
    await drop?.();
  });

  describe('users', () => {
    it('inserts a user and finds it by id, email and handle, with times as numbers', async () => {
      const row = userRow();
      expect(await repos.users.insertOrGet(row)).toEqual(row);
      expect(await repos.users.findById(row.id)).toEqual(row);
      expect(await repos.users.findByEmail(row.email)).toEqual(row);
      expect(await repos.users.findByPrimarySlug(row.primary_slug)).toEqual(row);
      expect(typeof (await repos.users.findById(row.id))!.created_at).toBe('number');
      expect(await repos.users.findById(randomUUID())).toBeUndefined();
      expect(await repos.users.findByEmail('nobody@example.com')).toBeUndefined();
    });

    it('insertOrGet is idempotent per email: a second insert returns the first row', async () => {
      const first = userRow();
      await repos.users.insertOrGet(first);
      const second = await repos.users.insertOrGet(userRow({ email: first.email }));
      expect(second).toEqual(first);
    });

    it('insertOrGet under concurrency creates one account and gives everyone its id', async () => {
      const email = `${unique('race')}@example.com`;
      const results = await Promise.all(
        Array.from({ length: 10 }, () => repos.users.insertOrGet(userRow({ email }))),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      const count = await storage.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);
    });

    it('updates a user and refuses a handle someone else holds', async () => {
      const a = await repos.users.insertOrGet(userRow());
      const b = await repos.users.insertOrGet(userRow());
      const updated = await repos.users.updateById(a.id, { display_name: 'Ada', updated_at: T0 + 1 });
      expect(updated).toMatchObject({ id: a.id, display_name: 'Ada', updated_at: T0 + 1 });
      await expect(repos.users.updateById(b.id, { primary_slug: a.primary_slug })).rejects.toThrow(
        /unique|duplicate/i,
      );
      expect(await repos.users.updateById(randomUUID(), { display_name: 'x' })).toBeUndefined();
    });
  });

  describe('email challenges', () => {
    it('closes the older open challenges of the same address when a new one is inserted', async () => {
      const email = `${unique('replace')}@example.com`;
      const older = challengeRow({ email });
      const other = challengeRow();
      await repos.emailChallenges.insertReplacingOlder(older);
      await repos.emailChallenges.insertReplacingOlder(other);
      const newer = challengeRow({ email, created_at: T0 + MINUTE });
      await repos.emailChallenges.insertReplacingOlder(newer);
      expect((await repos.emailChallenges.findById(older.id))!.closed_at).toBe(T0 + MINUTE);
      expect((await repos.emailChallenges.findById(newer.id))!.closed_at).toBeNull();
      expect((await repos.emailChallenges.findById(other.id))!.closed_at).toBeNull();
      expect((await repos.emailChallenges.findNewestByEmail(email))!.id).toBe(newer.id);
    });

    it('counts attempts atomically: of 20 parallel attempts exactly 5 are allowed', async () => {
      const row = challengeRow();
      await repos.emailChallenges.insertReplacingOlder(row);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => repos.emailChallenges.countAttempt(row.id, T0 + MINUTE, 5)),
      );
      const allowed = outcomes.filter((o) => o !== undefined);
      expect(allowed).toHaveLength(5);
      expect(allowed.map((o) => o!.attempts).sort()).toEqual([1, 2, 3, 4, 5]);
      expect((await repos.emailChallenges.findById(row.id))!.attempts).toBe(5);
    });

    it('allows no attempt on an expired, closed or unknown challenge', async () => {
      const expired = challengeRow();
      const closed = challengeRow();
      await repos.emailChallenges.insertReplacingOlder(expired);
      await repos.emailChallenges.insertReplacingOlder(closed);
      await repos.emailChallenges.close(closed.id, T0 + 1);
      expect(await repos.emailChallenges.countAttempt(expired.id, expired.expires_at, 5)).toBeUndefined();
      expect(await repos.emailChallenges.countAttempt(closed.id, T0 + 2, 5)).toBeUndefined();
      expect(await repos.emailChallenges.countAttempt(randomUUID(), T0, 5)).toBeUndefined();
      expect((await repos.emailChallenges.findById(expired.id))!.attempts).toBe(0);
    });

    it('marks a challenge verified once, even when two verifications race', async () => {
      const user = await repos.users.insertOrGet(userRow());
      const row = challengeRow();
      await repos.emailChallenges.insertReplacingOlder(row);
      const results = await Promise.all(
        ['a', 'b'].map((which) =>
          repos.emailChallenges.markVerified(row.id, {
            userId: user.id,
            exchangeHash: unique(`exchange-${which}`),
            exchangeExpiresAt: T0 + 2 * MINUTE,
            now: T0 + 1,
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await repos.emailChallenges.findById(row.id)).toMatchObject({
        closed_at: T0 + 1,
        verified_at: T0 + 1,
        user_id: user.id,
      });
    });

    it('consumes an exchange code once, and not after it expired', async () => {
      const user = await repos.users.insertOrGet(userRow());
      const live = challengeRow();
      const late = challengeRow();
      for (const row of [live, late]) {
        await repos.emailChallenges.insertReplacingOlder(row);
        await repos.emailChallenges.markVerified(row.id, {
          userId: user.id,
          exchangeHash: `hash-of-${row.id}`,
          exchangeExpiresAt: T0 + 2 * MINUTE,
          now: T0,
        });
      }
      const consumed = await Promise.all(
        Array.from({ length: 5 }, () => repos.emailChallenges.consumeExchange(`hash-of-${live.id}`, T0 + 1)),
      );
      expect(consumed.filter((id) => id !== undefined)).toEqual([user.id]);
      expect(
        await repos.emailChallenges.consumeExchange(`hash-of-${late.id}`, T0 + 2 * MINUTE),
      ).toBeUndefined();
      expect(await repos.emailChallenges.consumeExchange('no-such-hash', T0)).toBeUndefined();
    });

    it('deletes only challenges whose code and exchange code both expired before the cut-off', async () => {
      const cutoff = T0 + 60 * MINUTE;
      const gone = challengeRow({ expires_at: cutoff - 1 });
      const goneWithExchange = challengeRow({
        expires_at: cutoff - 2,
        exchange_hash: unique('x'),
        exchange_expires_at: cutoff - 1,
      });
      const stillOpen = challengeRow({ expires_at: cutoff + 1 });
      const exchangeLive = challengeRow({
        expires_at: cutoff - 5,
        exchange_hash: unique('x'),
        exchange_expires_at: cutoff + 1,
      });
      for (const row of [gone, goneWithExchange, stillOpen, exchangeLive]) {
        await repos.emailChallenges.insertReplacingOlder(row);
      }
      const before = await storage.db.selectFrom('email_challenges').select('id').execute();
      const deleted = await repos.emailChallenges.deleteExpired(cutoff);
      const after = new Set(
        (await storage.db.selectFrom('email_challenges').select('id').execute()).map((r) => r.id),
      );
      expect(after.has(gone.id)).toBe(false);
      expect(after.has(goneWithExchange.id)).toBe(false);
      expect(after.has(stillOpen.id)).toBe(true);
      expect(after.has(exchangeLive.id)).toBe(true);
      expect(deleted).toBe(before.length - after.size);
    });
  });

  describe('user sessions', () => {
    it('finds a live session with its user by access hash, but not an expired or revoked one', async () => {
      const user = await repos.users.insertOrGet(userRow());
      const live = sessionRow(user.id);
      const expired = sessionRow(user.id, { access_expires_at: T0 });
      const revoked = sessionRow(user.id);
      for (const row of [live, expired, revoked]) await repos.userSessions.insert(row);
      await repos.userSessions.revoke(revoked.id, T0);
      expect(await repos.userSessions.findLiveByAccessHash(live.access_hash, T0)).toEqual({
        session: live,
        user,
      });
      expect(await repos.userSessions.findLiveByAccessHash(expired.access_hash, T0)).toBeUndefined();
      expect(await repos.userSessions.findLiveByAccessHash(revoked.access_hash, T0)).toBeUndefined();
      expect(await repos.userSessions.findLiveByAccessHash('unknown', T0)).toBeUndefined();
    });

    it('rotates a refresh token once when two rotations race; the loser changes nothing', async () => {
      const user = await repos.users.insertOrGet(userRow());
      const row = sessionRow(user.id);
      await repos.userSessions.insert(row);
      const next = (label: string) => ({
        accessHash: unique(`access-${label}`),
        accessExpiresAt: T0 + 20 * MINUTE,
        refreshHash: unique(`refresh-${label}`),
        refreshExpiresAt: row.refresh_expires_at,
        now: T0 + MINUTE,
      });
      const attempts = [next('a'), next('b'), next('c')];
      const won = await Promise.all(
        attempts.map((n) => repos.userSessions.rotate(row.id, row.refresh_hash!, n)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = attempts[won.indexOf(true)]!;
      const stored = await repos.userSessions.findByRefreshHash(winner.refreshHash);
      expect(stored).toMatchObject({
        id: row.id,
        access_hash: winner.accessHash,
        previous_refresh_hash: row.refresh_hash,
        rotated_at: T0 + MINUTE,
      });
      expect(await repos.userSessions.findByRefreshHash(row.refresh_hash!)).toBeUndefined();
      expect((await repos.userSessions.findByPreviousRefreshHash(row.refresh_hash!))!.id).toBe(row.id);
      expect(await repos.userSessions.rotate(row.id, row.refresh_hash!, next('late'))).toBe(false);
    });

    it('does not rotate a revoked session, and keeps the first revocation time', async () => {
      const user = await repos.users.insertOrGet(userRow());
      const row = sessionRow(user.id);
      await repos.userSessions.insert(row);
      await repos.userSessions.revoke(row.id, T0 + 1);
      await repos.userSessions.revoke(row.id, T0 + 2);
      expect((await repos.userSessions.findByRefreshHash(row.refresh_hash!))!.revoked_at).toBe(T0 + 1);
      const rotated = await repos.userSessions.rotate(row.id, row.refresh_hash!, {
        accessHash: unique('a'),
        accessExpiresAt: T0 + MINUTE,
        refreshHash: unique('r'),
        refreshExpiresAt: T0 + MINUTE,
        now: T0 + 3,
      });
      expect(rotated).toBe(false);
    });

    it('deletes sessions whose refresh expired or that were revoked before the cut-off', async () => {
      const user = await repos.users.insertOrGet(userRow());
      const cutoff = T0 + 60 * MINUTE;
      const expired = sessionRow(user.id, { refresh_expires_at: cutoff - 1 });
      const revokedLongAgo = sessionRow(user.id);
      const revokedRecently = sessionRow(user.id);
      const live = sessionRow(user.id, { access_expires_at: cutoff - 1 });
      for (const row of [expired, revokedLongAgo, revokedRecently, live])
        await repos.userSessions.insert(row);
      await repos.userSessions.revoke(revokedLongAgo.id, cutoff - 1);
      await repos.userSessions.revoke(revokedRecently.id, cutoff + 1);
      await repos.userSessions.deleteExpired(cutoff);
      const left = new Set(
        (await storage.db.selectFrom('user_sessions').select('id').execute()).map((r) => r.id),
      );
      expect(left.has(expired.id)).toBe(false);
      expect(left.has(revokedLongAgo.id)).toBe(false);
      expect(left.has(revokedRecently.id)).toBe(true);
      expect(left.has(live.id)).toBe(true);
    });
  });
});
