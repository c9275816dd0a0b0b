import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// 60 verify attempts per IP per 10 minutes (SIGN_IN_RATES.verifyPerIp).
async function verifyAttempts(harness: Harness, count: number) {
  const replies = [];
  for (let i = 0; i < count; i += 1) {
    replies.push(
      await harness.app.inject({
        method: 'POST',
        url: '/auth/email/verify',
        payload: { challengeId: randomUUID(), code: '123456' },
      }),
    );
  }
  return replies;
}

it('enforces per-IP rate limits by default and announces the budget in RateLimit headers', async () => {
  h = await startHarness();
  const replies = await verifyAttempts(h, 61);
  expect(replies[0]?.headers['ratelimit-limit']).toBe('60');
  expect(replies[59]?.statusCode).toBe(400);
  expect(replies[60]?.statusCode).toBe(429);
  expect(replies[60]?.json()).toMatchObject({ error: { code: 'rate_limited' } });
});

it('with ANTARA_RATE_LIMITS=off counts nothing and sends no RateLimit headers', async () => {
  h = await startHarness({ env: { ANTARA_RATE_LIMITS: 'off' } });
  expect(h.config.security.rateLimits).toBe(false);
  const replies = await verifyAttempts(h, 61);
  expect(replies.map((r) => r.statusCode)).toEqual(Array(61).fill(400));
  expect(replies[60]?.json()).toMatchObject({ error: { code: 'code_expired' } });
  expect(replies.some((r) => 'ratelimit-limit' in r.headers)).toBe(false);
});
