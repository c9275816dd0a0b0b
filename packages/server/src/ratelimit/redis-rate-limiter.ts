import { Redis } from 'ioredis';
import { type RateLimiter, result } from './rate-limiter.js';

// INCR and set the expiry on first use in one round trip, atomically.
const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
return {count, ttl}`;

export async function createRedisRateLimiter(url: string, prefix = 'antara:rl:'): Promise<RateLimiter> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  await redis.connect();
  return {
    async hit(key, limit, windowMs) {
      const [count, ttl] = (await redis.eval(SCRIPT, 1, prefix + key, String(windowMs))) as [number, number];
      return result(count, limit, ttl > 0 ? ttl : windowMs);
    },
    close: async () => {
      await redis.quit();
    },
  };
}
