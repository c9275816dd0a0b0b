import { type RateLimiter, result } from './rate-limiter.js';

/** ANTARA_RATE_LIMITS=off: counts nothing and allows every hit. */
export function createDisabledRateLimiter(): RateLimiter {
  return {
    enforcing: false,
    hit: async (_key, limit, windowMs) => result(0, limit, windowMs),
    close: async () => undefined,
  };
}
