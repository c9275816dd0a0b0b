import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGN_IN_RATES } from '../src/identity/routes/email-auth.js';
import { eachDialect } from './support/dialects.js';
import { type Harness, signIn, startHarness } from './support/harness.js';

/** A random documentation-range address, so no two tests (or runs sharing Redis) share a budget. */
const someIp = () => `198.51.100.${1 + (randomBytes(1)[0]! % 250)}`;

function post(h: Harness, url: string, payload: object, remoteAddress = '203.0.113.7', headers = {}) {
  return h.app.inject({ method: 'POST', url, payload, remoteAddress, headers });
}

function expectRateLimited(res: Awaited<ReturnType<typeof post>>, retryAfter: number) {
  expect(res.statusCode).toBe(429);
  expect(res.json()).toEqual({
    error: { code: 'rate_limited', message: expect.any(String) },
    requestId: res.headers['x-request-id'],
    retryAfter,
  });
  expect(res.headers['retry-after']).toBe(String(retryAfter));
  expect(res.headers['ratelimit-remaining']).toBe('0');
}

eachDialect('sign-in rate limits', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
  });
  afterEach(async () => {
    await h?.close();
  });

  it('allows ten codes per address per hour, from any IP, then answers 429 until the hour is over', async () => {
    const { limit, windowMs } = SIGN_IN_RATES.startPerAddress;
    const started = h.clock.now();
    for (let i = 0; i < limit; i++) {
      const res = await post(h, '/auth/email/start', { email: 'Busy@Example.com' }, `192.0.2.${i + 1}`);
      expect(res.statusCode, `mail ${i + 1}`).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe(String(limit));
      h.clock.advance(61_000); // past the 60 s resend interval
    }
    const refused = await post(h, '/auth/email/start', { email: 'busy@example.com' }, '192.0.2.200');
    expectRateLimited(refused, Math.ceil((started + windowMs - h.clock.now()) / 1000));
    expect(h.outbox.filter((m) => m.to === 'busy@example.com')).toHaveLength(limit);

    h.clock.set(started + windowMs);
    const later = await post(h, '/auth/email/start', { email: 'busy@example.com' }, '192.0.2.201');
    expect(later.statusCode).toBe(200);
  });

  it('allows twenty codes per IP per ten minutes, whatever the addresses, while other IPs go on', async () => {
    const { limit, windowMs } = SIGN_IN_RATES.startPerIp;
    for (let i = 0; i < limit; i++) {
      const res = await post(h, '/auth/email/start', { email: `person${i}@example.com` });
      expect(res.statusCode, `mail ${i + 1}`).toBe(200);
      // The headers describe whichever budget (this IP's or this address's) is closer to empty.
      const addressLeft = SIGN_IN_RATES.startPerAddress.limit - 1;
      expect(res.headers['ratelimit-remaining']).toBe(String(Math.min(limit - i - 1, addressLeft)));
    }
    h.clock.advance(90_000);
    const refused = await post(h, '/auth/email/start', { email: 'one-more@example.com' });
    expectRateLimited(refused, (windowMs - 90_000) / 1000);
    expect(h.outbox.find((m) => m.to === 'one-more@example.com')).toBeUndefined();

    const elsewhere = await post(h, '/auth/email/start', { email: 'one-more@example.com' }, '203.0.113.99');
    expect(elsewhere.statusCode).toBe(200);
  });

  it('limits code checks per IP, so codes cannot be guessed across many challenges', async () => {
    const { limit, windowMs } = SIGN_IN_RATES.verifyPerIp;
    for (let i = 0; i < limit; i++) {
      const res = await post(h, '/auth/email/verify', { challengeId: randomUUID(), code: '123456' });
      expect(res.json().error.code, `guess ${i + 1}`).toBe('code_expired');
    }
    expectRateLimited(
      await post(h, '/auth/email/verify', { challengeId: randomUUID(), code: '123456' }),
      windowMs / 1000,
    );
    h.clock.advance(windowMs);
    const next = await post(h, '/auth/email/verify', { challengeId: randomUUID(), code: '123456' });
    expect(next.json().error.code).toBe('code_expired');
  });

  it('limits code exchanges per IP', async () => {
    const { limit, windowMs } = SIGN_IN_RATES.exchangePerIp;
    for (let i = 0; i < limit; i++) {
      const res = await post(h, '/auth/exchange-code', { code: `lc_${'A'.repeat(43)}` });
      expect(res.json().error.code, `exchange ${i + 1}`).toBe('invalid_grant');
    }
    h.clock.advance(1_000);
    expectRateLimited(
      await post(h, '/auth/exchange-code', { code: `lc_${'A'.repeat(43)}` }),
      windowMs / 1000 - 1,
    );
  });

  it('limits refreshes per IP', async () => {
    const session = await signIn(h, 'refresher@example.com');
    const ip = '203.0.113.50';
    let refreshToken = session.refreshToken;
    for (let i = 0; i < 120; i++) {
      const res = await post(h, '/auth/refresh', { refreshToken }, ip);
      expect(res.statusCode, `refresh ${i + 1}`).toBe(200);
      refreshToken = res.json().data.refreshToken;
    }
    expectRateLimited(await post(h, '/auth/refresh', { refreshToken }, ip), 60);
    // The refused attempt did not use the token up.
    expect((await post(h, '/auth/refresh', { refreshToken }, '203.0.113.51')).statusCode).toBe(200);
  });
});

describe('client addresses behind a proxy', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function exhaustStart(harness: Harness, forwardedFor: (i: number) => string) {
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_RATES.startPerIp.limit + 1; i++) {
      const res = await post(harness, '/auth/email/start', { email: `fwd${i}@example.com` }, '10.0.0.1', {
        'x-forwarded-for': forwardedFor(i),
      });
      statuses.push(res.statusCode);
    }
    return statuses;
  }

  it('ignores X-Forwarded-For unless ANTARA_TRUST_PROXY is on, so a client cannot pick its own budget', async () => {
    h = await startHarness();
    const statuses = await exhaustStart(h, (i) => `192.0.2.${i + 1}`);
    expect(statuses.at(-1)).toBe(429);
  });

  it('counts per forwarded address when ANTARA_TRUST_PROXY is on', async () => {
    h = await startHarness({ env: { ANTARA_TRUST_PROXY: '1' } });
    const statuses = await exhaustStart(h, (i) => `192.0.2.${i + 1}`);
    expect(statuses.every((status) => status === 200)).toBe(true);
  });
});

const REDIS_URL = process.env.ANTARA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await (async () => {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  try {
    await probe.connect();
    await probe.quit();
    return true;
  } catch (error) {
    probe.disconnect();
    if (process.env.CI === 'true') throw new Error(`Redis is required on CI: ${(error as Error).message}`);
    return false;
  }
})();

describe.skipIf(!redisUp)('rate limits shared through Redis (ANTARA_REDIS_URL)', () => {
  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const harness of harnesses) await harness.close();
  });

  it('gives two instances one budget per IP', async () => {
    const a = await startHarness({ env: { ANTARA_REDIS_URL: REDIS_URL } });
    harnesses.push(a);
    const b = await startHarness({ env: { ANTARA_REDIS_URL: REDIS_URL } });
    harnesses.push(b);
    const ip = someIp();
    const { limit } = SIGN_IN_RATES.verifyPerIp;
    // Why a fresh key: the IP alone might be reused by a later run within the window.
    const redis = new Redis(REDIS_URL);
    await redis.del(`antara:rl:${SIGN_IN_RATES.verifyPerIp.name}:${ip}`);
    await redis.quit();
    for (let i = 0; i < limit; i++) {
      const instance = i % 2 === 0 ? a : b;
      const res = await post(
        instance,
        '/auth/email/verify',
        { challengeId: randomUUID(), code: '000000' },
        ip,
      );
      expect(res.statusCode, `guess ${i + 1}`).toBe(400);
    }
    const refused = await post(b, '/auth/email/verify', { challengeId: randomUUID(), code: '000000' }, ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().retryAfter).toBeGreaterThan(0);
    expect(refused.headers['retry-after']).toBe(String(refused.json().retryAfter));
  });
});
