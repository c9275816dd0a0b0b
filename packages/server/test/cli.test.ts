import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openStorage } from '../src/storage/database.js';
import { migrationProvider } from '../src/storage/migrations/index.js';
import { REPO_ROOT, runAntara, tempDataDir } from './support/antara-process.js';
import { freshDatabase, postgresAvailable } from './support/databases.js';

const pgUp = await postgresAvailable();
const migrationNames = Object.keys(await migrationProvider.getMigrations()).sort();

describe('antara CLI on SQLite (process)', () => {
  const data = tempDataDir();
  const env = { ANTARA_DATA_DIR: data.dir };
  afterAll(() => data.remove());

  it('migrate applies every migration once, then says the database is up to date', async () => {
    const first = await runAntara(['migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe(`applied: ${migrationNames.join(', ')}`);
    const second = await runAntara(['migrate'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim()).toBe('database is up to date');
  });

  it('user create --json prints the account, and finds the same account the second time', async () => {
    const first = await runAntara(['user', 'create', '--email', 'Ops@Example.com', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const account = JSON.parse(first.stdout);
    expect(account).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      primarySlug: expect.stringMatching(/^u-[a-z0-9]{10}$/),
      displayName: account.primarySlug,
      trustLevel: 'L1',
      verified: true,
      email: 'ops@example.com',
    });
    const again = await runAntara(['user', 'create', '--email', 'ops@example.com', '--json'], env);
    expect(JSON.parse(again.stdout).id).toBe(account.id);

    const storage = await openStorage({ kind: 'sqlite', file: path.join(data.dir, 'antara.sqlite') });
    try {
      const row = await storage.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'ops@example.com')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ id: account.id, trust_level: 'L1', moderation_state: 'clean' });
      expect(row.email_verified_at).toEqual(expect.any(Number));
    } finally {
      await storage.close();
    }
  });

  it('user create without --json prints one readable line', async () => {
    const run = await runAntara(['user', 'create', '--email', 'plain@example.com'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^account [0-9a-f-]{36} \(u-[a-z0-9]{10}\) for plain@example\.com\n$/);
  });

  it('refuses an address that is not one, and a missing --email, with exit status 1', async () => {
    const bad = await runAntara(['user', 'create', '--email', 'not-an-address'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--email: "not-an-address" is not an email address');
    // The API's rule: a right-to-left override hidden in an address is refused here too.
    const hidden = await runAntara(['user', 'create', '--email', 'ad\u202ea@example.com'], env);
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toContain('is not an email address');
    const missing = await runAntara(['user', 'create'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--email <email>' not specified");
  });

  it('lists its commands in --help and refuses an unknown one', async () => {
    const help = await runAntara(['--help'], env);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'user']) expect(help.stdout).toContain(command);
    const unknown = await runAntara(['frobnicate'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  it('runs through the package bin (bin/antara.js) too', async () => {
    const other = tempDataDir();
    try {
      const child = spawn(
        process.execPath,
        [
          path.join(REPO_ROOT, 'packages/server/bin/antara.js'),
          'user',
          'create',
          '--email',
          'bin@example.com',
          '--json',
        ],
        { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ANTARA_DATA_DIR: other.dir } },
      );
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ email: 'bin@example.com', verified: true });
    } finally {
      other.remove();
    }
  });
});

describe.skipIf(!pgUp)('antara CLI on PostgreSQL (process)', () => {
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await drop?.();
  });

  it('migrates a fresh database once, creates an account in it, and never touches SQLite', async () => {
    const database = await freshDatabase('postgres');
    drop = database.drop;
    if (database.config.kind !== 'postgres') throw new Error('expected PostgreSQL');
    const data = tempDataDir();
    const env = { ANTARA_DATABASE_URL: database.config.url, ANTARA_DATA_DIR: data.dir };
    try {
      const first = await runAntara(['migrate'], env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout.trim()).toBe(`applied: ${migrationNames.join(', ')}`);
      expect((await runAntara(['migrate'], env)).stdout.trim()).toBe('database is up to date');

      const created = await runAntara(['user', 'create', '--email', 'pg-ops@example.com', '--json'], env);
      expect(created.code, created.stderr).toBe(0);
      const account = JSON.parse(created.stdout);

      const storage = await openStorage(database.config);
      try {
        expect(await migrateToLatest(storage)).toEqual([]);
        const row = await storage.db
          .selectFrom('users')
          .select(['id', 'email'])
          .where('id', '=', account.id)
          .executeTakeFirst();
        expect(row).toEqual({ id: account.id, email: 'pg-ops@example.com' });
      } finally {
        await storage.close();
      }
      expect(fs.readdirSync(data.dir)).toEqual([]);
    } finally {
      data.remove();
    }
  });
});
