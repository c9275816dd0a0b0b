import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../../src/config/config.js';

export type Dialect = 'sqlite' | 'postgres';

/** PostgreSQL used by the tests; override with ANTARA_TEST_PG_URL. */
export const PG_ADMIN_URL = process.env.ANTARA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgAvailable: Promise<boolean> | undefined;

/** Whether PostgreSQL answers. On CI (CI=true) a missing PostgreSQL is a failure, not a skip. */
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      if (process.env.CI === 'true')
        throw new Error(`PostgreSQL is required on CI: ${(error as Error).message}`);
      return false;
    }
  })();
  return pgAvailable;
}

/** The dialects every storage-touching test runs on. */
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/** A brand-new empty database of the dialect, and how to drop it. */
export async function freshDatabase(
  dialect: Dialect,
): Promise<{ config: Config['database']; drop(): Promise<void> }> {
  const name = `antara_t_${randomBytes(6).toString('hex')}`;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'antara-'));
    return {
      config: { kind: 'sqlite', file: path.join(dir, `${name}.sqlite`) },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.href, poolSize: 5 },
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      // Why wait: pg's pool.end() resolves before its sockets have closed, and FORCE would
      // then kill those closing connections, which surfaces as an uncaught 57P01 error.
      for (let i = 0; i < 100; i += 1) {
        const { rows } = await client.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
