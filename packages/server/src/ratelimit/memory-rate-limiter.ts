import type { Clock } from '../lib/clock.js';
import { type RateLimiter, result } from './rate-limiter.js';

export function createMemoryRateLimiter(clock: Clock): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let sweptAt = 0;
  return {
    async hit(key, limit, windowMs) {
      const now = clock.now();
      if (now - sweptAt > 60_000) {
        // Why: without a sweep, one-off keys (per IP, per address) would accumulate forever.
        for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
        sweptAt = now;
      }
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        window = { count: 0, resetAt: now + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return result(window.count, limit, window.resetAt - now);
    },
    close: async () => {
      windows.clear();
    },
  };
}
