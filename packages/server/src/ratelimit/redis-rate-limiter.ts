import { Redis } from 'ioredis';
import { type RateLimiter, result } from './rate-limiter.js';

// INCR and set the expiry on first use in one round trip, atomically, so that every instance
// sharing the Redis counts into one window.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
return {count, ttl}`;

type WithHit = Redis & { antaraHit(key: string, windowMs: string): Promise<[number, number]> };

/**
 * Fixed-window counters in Redis, shared by every instance that uses the same URL and
 * prefix. The script is sent once and then run by its SHA (EVALSHA), so each hit is one
 * small round trip.
 */
export async function createRedisRateLimiter(url: string, prefix = 'antara:rl:'): Promise<RateLimiter> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  redis.defineCommand('antaraHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  await redis.connect();
  const client = redis as WithHit;
  return {
    async hit(key, limit, windowMs) {
      const [count, ttl] = await client.antaraHit(prefix + key, String(windowMs));
      return result(count, limit, ttl > 0 ? ttl : windowMs);
    },
    close: async () => {
      await redis.quit();
    },
  };
}
