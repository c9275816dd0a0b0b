import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PG_ADMIN_URL } from './support/databases.js';
import { eachDialect } from './support/dialects.js';
import { type Harness, startHarness } from './support/harness.js';

eachDialect('liveness and readiness', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
  });
  afterEach(async () => {
    await h?.close();
  });

  const get = (url: string) => h.app.inject({ method: 'GET', url });

  it('answers /healthz and /readyz in the envelope, naming the database kind', async () => {
    const health = await get('/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({
      data: { status: 'ok' },
      meta: { requestId: health.headers['x-request-id'], issuedAt: expect.any(Number) },
    });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().data).toEqual({ status: 'ready', database: dialect });
  });

  if (dialect === 'postgres') {
    it('answers /readyz 503 while PostgreSQL refuses connections, /healthz 200, and ready again once it is back', async () => {
      if (h.config.database.kind !== 'postgres') throw new Error('expected PostgreSQL');
      const name = new URL(h.config.database.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      try {
        // The database goes away for Antara: no new connections, and the open ones are cut.
        await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          name,
        ]);

        const down = await get('/readyz');
        expect(down.statusCode).toBe(503);
        expect(down.json()).toEqual({
          error: { code: 'service_unavailable', message: 'The database does not answer.' },
          requestId: down.headers['x-request-id'],
        });
        expect((await get('/healthz')).statusCode).toBe(200);

        await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
        expect((await get('/readyz')).statusCode).toBe(200);
      } finally {
        await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
        await admin.end();
      }
    });
  } else {
    it('answers /readyz 503 once the SQLite database is closed, while /healthz stays 200', async () => {
      await h.ctx.storage.close();
      const down = await get('/readyz');
      expect(down.statusCode).toBe(503);
      expect(down.json().error.code).toBe('service_unavailable');
      expect((await get('/healthz')).statusCode).toBe(200);
    });
  }
});
