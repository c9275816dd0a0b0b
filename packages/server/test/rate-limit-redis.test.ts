import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/apps/api-keys.js';
import { APP_RATES } from '../src/apps/app-rates.js';
import { createApp } from '../src/apps/app-registry.js';
import { loadConfig } from '../src/config/config.js';
import type { AppContext } from '../src/context.js';
import type { TypedApp } from '../src/http/typed-app.js';
import { findOrCreateVerifiedAccount } from '../src/identity/accounts.js';
import { createRedisRateLimiter } from '../src/ratelimit/redis-rate-limiter.js';
import { openRuntime } from '../src/runtime.js';
import { DIALECTS, freshDatabase, postgresAvailable } from './support/databases.js';

const REDIS_URL = process.env.ANTARA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await (async () => {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch (error) {
    if (process.env.CI === 'true') throw new Error(`Redis is required on CI: ${(error as Error).message}`);
    return false;
  } finally {
    probe.disconnect();
  }
})();
const pgUp = await postgresAvailable();

interface Instance {
  app: TypedApp;
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

/** One Antara process: its own storage pool and its own Redis connection, as in production. */
async function startInstance(
  database: Awaited<ReturnType<typeof freshDatabase>>,
  prefix: string,
): Promise<Instance> {
  const config = { ...loadConfig({ ANTARA_LOG_LEVEL: 'silent' }), database: database.config };
  const runtime = await openRuntime(config, () => undefined);
  const rateLimiter = await createRedisRateLimiter(REDIS_URL, prefix);
  const { app, ctx } = await buildApp({ ...runtime, rateLimiter, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    ctx,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    async close() {
      await app.close();
      await rateLimiter.close();
      await runtime.close();
    },
  };
}

for (const dialect of DIALECTS) {
  describe.skipIf(!redisUp || (dialect === 'postgres' && !pgUp))(
    `two Antara instances sharing Redis and one database [${dialect}]`,
    () => {
      // A prefix of its own, so parallel runs against the same Redis never share a budget.
      const prefix = `antara-test:${randomBytes(6).toString('hex')}:rl:`;
      let database: Awaited<ReturnType<typeof freshDatabase>>;
      let a: Instance;
      let b: Instance;
      let appId: string;
      let apiKey: string;
      let otherKey: string;

      beforeAll(async () => {
        database = await freshDatabase(dialect);
        a = await startInstance(database, prefix);
        b = await startInstance(database, prefix);
        const owner = await findOrCreateVerifiedAccount(
          a.ctx.repos.users,
          'shared@example.com',
          a.ctx.clock,
          a.ctx.random,
        );
        const actor = { userId: owner.id, via: 'api' as const };
        const app = await createApp(
          a.ctx,
          owner,
          { name: 'Shared', redirectUris: ['https://s.example/cb'] },
          actor,
        );
        appId = app.id;
        apiKey = (await createApiKey(a.ctx, app, {}, actor)).apiKey;
        otherKey = (await createApiKey(a.ctx, app, {}, actor)).apiKey;
      });
      afterAll(async () => {
        await a?.close();
        await b?.close();
        await database?.drop();
        const redis = new Redis(REDIS_URL);
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      });

      const exchange = (instance: Instance, key: string) =>
        fetch(`${instance.url}/auth/token/exchange`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ apiKey: key }),
        });

      it('counts one per-key budget across both instances and refuses the next call on either', async () => {
        const limit = APP_RATES.tokenPerKey.limit;
        const remaining: number[] = [];
        for (let i = 0; i < limit; i += 1) {
          const res = await exchange(i % 2 === 0 ? a : b, apiKey);
          expect(res.status).toBe(200);
          remaining.push(Number(res.headers.get('ratelimit-remaining')));
        }
        // One shared counter: the remaining budget falls by one on every call, whichever instance took it.
        expect(remaining.slice(0, 4)).toEqual([limit - 1, limit - 2, limit - 3, limit - 4]);
        expect(remaining.at(-1)).toBe(0);

        for (const instance of [a, b]) {
          const over = await exchange(instance, apiKey);
          expect(over.status).toBe(429);
          const body = await over.json();
          expect(body).toMatchObject({ error: { code: 'rate_limited' }, retryAfter: expect.any(Number) });
          expect(body.retryAfter).toBeGreaterThan(0);
          expect(body.retryAfter).toBeLessThanOrEqual(60);
          expect(over.headers.get('retry-after')).toBe(String(body.retryAfter));
        }
        const redis = new Redis(REDIS_URL);
        const keys = await redis.keys(`${prefix}${APP_RATES.tokenPerKey.name}:*`);
        await redis.quit();
        expect(keys).toHaveLength(1);
      });

      it('keeps the other key of the same app in its own budget, and a token minted on one instance works on the other', async () => {
        const minted = await exchange(a, otherKey);
        expect(minted.status).toBe(200);
        const token = (await minted.json()).data.accessToken;
        const seen = await fetch(`${b.url}/auth/introspect`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        });
        expect((await seen.json()).data).toMatchObject({ active: true, audience: appId });
      });
    },
  );
}
