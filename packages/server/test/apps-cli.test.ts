import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import type { TypedApp } from '../src/http/typed-app.js';
import { openRuntime } from '../src/runtime.js';
import { type Dialect, freshDatabase } from './support/databases.js';
import { eachDialect } from './support/dialects.js';

const run = promisify(execFile);
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function databaseUrl(config: Awaited<ReturnType<typeof freshDatabase>>['config']): string {
  return config.kind === 'sqlite' ? `sqlite:${config.file}` : config.url;
}

eachDialect('antara app create', (dialect: Dialect) => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let app: TypedApp;
  let close: () => Promise<void>;
  let countApps: () => Promise<number>;

  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: serverDir,
      env: { ...process.env, ANTARA_DATABASE_URL: databaseUrl(database.config), ANTARA_LOG_LEVEL: 'silent' },
    });

  beforeAll(async () => {
    database = await freshDatabase(dialect);
  });
  afterAll(async () => {
    await close?.();
    await database?.drop();
  });

  it('creates the owner, the app and a first API key that exchanges for an aat_ token', async () => {
    const { stdout } = await cli(
      'app',
      'create',
      '--owner',
      'Script@Example.com',
      '--name',
      'Scripted App',
      '--redirect-uri',
      'https://scripted.example/cb',
      '--redirect-uri',
      'http://127.0.0.1/cb',
      '--json',
    );
    const created = JSON.parse(stdout);
    expect(created).toMatchObject({
      appId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Scripted App',
      redirectUris: ['https://scripted.example/cb', 'http://127.0.0.1/cb'],
      owner: { email: 'script@example.com' },
      apiKey: expect.stringMatching(/^antara_live_[A-Za-z0-9_-]{43}$/),
      key: { scopes: ['ai.chat', 'identity.read', 'messages.send'] },
    });

    const config = { ...loadConfig({ ANTARA_LOG_LEVEL: 'silent' }), database: database.config };
    const runtime = await openRuntime(config, () => undefined);
    ({ app } = await buildApp({ ...runtime, logger: false }));
    countApps = async () => (await runtime.storage.db.selectFrom('apps').select('id').execute()).length;
    close = async () => {
      await app.close();
      await runtime.close();
    };
    const exchange = await app.inject({
      method: 'POST',
      url: '/auth/token/exchange',
      payload: { apiKey: created.apiKey },
    });
    expect(exchange.statusCode).toBe(200);
    expect(exchange.json().data).toMatchObject({ audience: created.appId, app: { name: 'Scripted App' } });

    const audit = await runtime.storage.db
      .selectFrom('audit_log')
      .selectAll()
      .where('app_id', '=', created.appId)
      .execute();
    expect(audit.map((row) => [row.action, row.actor_user_id, JSON.parse(row.details).via]).sort()).toEqual([
      ['app.created', null, 'cli'],
      ['key.created', null, 'cli'],
    ]);
  });

  it('prints plain lines without --json, and reuses the existing owner account', async () => {
    const { stdout } = await cli(
      'app',
      'create',
      '--owner',
      'script@example.com',
      '--name',
      'Second',
      '--redirect-uri',
      'https://second.example/cb',
      '--scope',
      'identify',
    );
    expect(stdout).toMatch(/^app [0-9a-f-]{36} "Second" owned by script@example\.com\n/);
    expect(stdout).toMatch(/\(shown once, store it now\): antara_live_[A-Za-z0-9_-]{43}\n$/);
  });

  it('refuses an invalid redirect URI or scope with the reason and exit code 1, creating nothing', async () => {
    const bad = await cli(
      'app',
      'create',
      '--owner',
      'x@example.com',
      '--name',
      'Bad',
      '--redirect-uri',
      'http://x.example/cb',
    ).catch((error: { code: number; stderr: string }) => error);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('not loopback') });
    const scope = await cli(
      'app',
      'create',
      '--owner',
      'x@example.com',
      '--name',
      'Bad',
      '--redirect-uri',
      'https://x.example/cb',
      '--scope',
      'openid',
    ).catch((error: { code: number; stderr: string }) => error);
    expect(scope).toMatchObject({ code: 1, stderr: expect.stringContaining('openid') });
    expect(await countApps()).toBe(2);
  });
});
