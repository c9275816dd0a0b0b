import type { Config } from './config/config.js';
import type { AppDeps } from './context.js';
import type { Clock } from './lib/clock.js';
import { systemClock } from './lib/clock.js';
import { cryptoRandom } from './lib/random.js';
import { createLogMailer } from './mail/log-mailer.js';
import type { Mailer } from './mail/mailer.js';
import { createSmtpMailer } from './mail/smtp-mailer.js';
import { createDisabledRateLimiter } from './ratelimit/disabled-rate-limiter.js';
import { createMemoryRateLimiter } from './ratelimit/memory-rate-limiter.js';
import type { RateLimiter } from './ratelimit/rate-limiter.js';
import { createRedisRateLimiter } from './ratelimit/redis-rate-limiter.js';
import { migrateToLatest, openStorage } from './storage/database.js';
import { loadServerSecret } from './tokens/server-secret.js';

/** Opens everything a config names: storage (migrated), mailer, rate limiter, secret. */
export async function openRuntime(
  config: Config,
  log: (line: string) => void,
  clock: Clock = systemClock,
): Promise<Omit<AppDeps, 'logger'> & { close(): Promise<void> }> {
  const storage = await openStorage(config.database);
  try {
    await migrateToLatest(storage);
    const secret = await loadServerSecret(storage.db, config.security.secret, cryptoRandom, clock.now());
    const mailer: Mailer = config.mail.smtpUrl
      ? createSmtpMailer(config.mail.smtpUrl, config.mail.from)
      : createLogMailer(log);
    const rateLimiter = await openRateLimiter(config, clock);
    if (!config.security.rateLimits) log('ANTARA_RATE_LIMITS=off: no rate limit is enforced.');
    return {
      config,
      storage,
      mailer,
      rateLimiter,
      secret,
      clock,
      async close() {
        await rateLimiter.close();
        await mailer.close();
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

async function openRateLimiter(config: Config, clock: Clock): Promise<RateLimiter> {
  if (!config.security.rateLimits) return createDisabledRateLimiter();
  if (config.redis.url) return createRedisRateLimiter(config.redis.url);
  return createMemoryRateLimiter(clock);
}
