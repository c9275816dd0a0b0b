import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UserSession } from '@antara/protocol';
import pg from 'pg';
import { freePort, type ServerProcess, startServerProcess } from './server-process.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface AntaraOptions {
  database: DatabaseKind;
  /** A PostgreSQL URL allowed to CREATE DATABASE; each run gets a fresh database there. */
  postgresAdminUrl: string;
  /** Write a V8 CPU profile of the server into this folder when it stops. */
  cpuProfileDir?: string;
}

/** A running Antara, as scenarios see it: plain HTTP, like any client. */
export interface AntaraServer {
  readonly url: string;
  readonly database: DatabaseKind;
  /** A JSON request; returns the envelope's `data` and throws on any non-2xx answer. */
  call<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /**
   * Signs a person in through the public API: email start, the code from the server's
   * `[mail] … sign-in code is NNNNNN` log line (no SMTP is configured), verify, exchange.
   */
  signIn(email: string): Promise<UserSession>;
}

export interface RunningAntara extends AntaraServer {
  readonly process: ServerProcess;
  /** Stops the server and removes its data directory or database. */
  stop(): Promise<void>;
}

/**
 * `antara serve` in its own process on a fresh SQLite file or PostgreSQL database, with
 * rate limits off (ANTARA_RATE_LIMITS=off) so that a benchmark measures work, not 429s.
 */
export async function startAntara(options: AntaraOptions): Promise<RunningAntara> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'antara-bench-'));
  const database =
    options.database === 'postgres' ? await freshPostgres(options.postgresAdminUrl) : undefined;
  let server: ServerProcess;
  try {
    server = await startServerProcess({
      name: 'antara',
      script: 'packages/server/src/main.ts',
      args: ['serve'],
      nodeFlags: options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
      env: {
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        ANTARA_PUBLIC_URL: url,
        ANTARA_DATA_DIR: dataDir,
        ANTARA_LOG_LEVEL: 'warn',
        ANTARA_RATE_LIMITS: 'off',
        ...(database ? { ANTARA_DATABASE_URL: database.url } : {}),
      },
      readyLine: /^Antara listening on /,
    });
  } catch (error) {
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  async function call<T>(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(url + route, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
    return (JSON.parse(text) as { data: T }).data;
  }

  return {
    url,
    database: options.database,
    process: server,
    call,
    async signIn(email) {
      const address = email.toLowerCase();
      const { challengeId } = await call<{ challengeId: string }>('POST', '/auth/email/start', {
        email: address,
      });
      const mailed = new RegExp(`^\\[mail\\] to=${escapeRegExp(address)} .*sign-in code is (\\d{6})`);
      const [, code] = await server.waitForLine(mailed);
      const verified = await call<{ code: string }>('POST', '/auth/email/verify', { challengeId, code });
      return call<UserSession>('POST', '/auth/exchange-code', { code: verified.code });
    },
    async stop() {
      await server.stop();
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function freshPostgres(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `antara_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
