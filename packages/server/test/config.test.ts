import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, unknownSettings } from '../src/config/config.js';
import { ConfigError } from '../src/config/config-error.js';
import { runAntara, tempDataDir } from './support/antara-process.js';
import { PG_ADMIN_URL, postgresAvailable } from './support/databases.js';

const pgUp = await postgresAvailable();

/** The variables loadConfig looks at, found by watching it read an empty environment. */
function variablesRead(): string[] {
  const read = new Set<string>();
  loadConfig(
    new Proxy({} as Record<string, string | undefined>, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return Reflect.get(target, name);
      },
    }),
  );
  return [...read].sort();
}

function documentedVariables(): string[] {
  const doc = fs.readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  return doc
    .split('\n')
    .map((line) => /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('runs on SQLite under ./data, port 8080, mail to the log, when nothing is set', () => {
    const config = loadConfig({});
    expect(config.server).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      publicUrl: 'http://localhost:8080',
      trustProxy: false,
      bodyLimitBytes: 65536,
      logLevel: 'info',
    });
    expect(config.database).toEqual({ kind: 'sqlite', file: path.join('data', 'antara.sqlite') });
    expect(config.mail.smtpUrl).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.security.rateLimits).toBe(true);
    expect(config.webhooks.allowPrivate).toBe(false);
    expect(config.ai).toEqual({ baseUrl: undefined, apiKey: undefined, model: undefined });
  });

  it('returns one deeply frozen object', () => {
    const config = loadConfig({ ANTARA_ADMIN_EMAILS: 'ops@example.com' });
    expect(Object.isFrozen(config)).toBe(true);
    for (const section of Object.values(config)) expect(Object.isFrozen(section)).toBe(true);
    expect(Object.isFrozen(config.security.adminEmails)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('reads every documented setting', () => {
    const config = loadConfig({
      PORT: '3000',
      HOST: '127.0.0.1',
      ANTARA_PUBLIC_URL: 'https://ID.Example.com/',
      ANTARA_DATABASE_URL: 'postgres://antara:pw@db.internal:5432/antara',
      ANTARA_DATABASE_POOL: '20',
      ANTARA_REDIS_URL: 'redis://redis:6379',
      ANTARA_SMTP_URL: 'smtps://user:pass@smtp.example.com:465',
      ANTARA_MAIL_FROM: 'Example ID <id@example.com>',
      ANTARA_SECRET: 'x'.repeat(40),
      ANTARA_ADMIN_EMAILS: 'Ops@Example.com, alice@example.com',
      ANTARA_TRUST_PROXY: 'yes',
      ANTARA_BODY_LIMIT: '131072',
      ANTARA_LOG_LEVEL: 'warn',
      ANTARA_RATE_LIMITS: 'off',
      ANTARA_WEBHOOK_ALLOW_PRIVATE: 'true',
      ANTARA_AI_BASE_URL: 'https://api.openai.com/v1/',
      ANTARA_AI_API_KEY: 'sk-test',
      ANTARA_AI_MODEL: 'gpt-4o-mini',
    });
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'https://id.example.com',
      trustProxy: true,
      bodyLimitBytes: 131072,
      logLevel: 'warn',
    });
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://antara:pw@db.internal:5432/antara',
      poolSize: 20,
    });
    expect(config.redis.url).toBe('redis://redis:6379');
    expect(config.mail).toEqual({
      smtpUrl: 'smtps://user:pass@smtp.example.com:465',
      from: 'Example ID <id@example.com>',
    });
    expect(config.security).toEqual({
      secret: 'x'.repeat(40),
      adminEmails: ['ops@example.com', 'alice@example.com'],
      rateLimits: false,
    });
    expect(config.webhooks.allowPrivate).toBe(true);
    expect(config.ai).toEqual({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-test',
      model: 'gpt-4o-mini',
    });
  });

  it('takes an explicit sqlite: URL and ANTARA_DATA_DIR', () => {
    expect(loadConfig({ ANTARA_DATA_DIR: '/var/lib/antara' }).database).toEqual({
      kind: 'sqlite',
      file: path.join('/var/lib/antara', 'antara.sqlite'),
    });
    expect(loadConfig({ ANTARA_DATABASE_URL: 'sqlite:///srv/antara/db.sqlite' }).database).toEqual({
      kind: 'sqlite',
      file: '/srv/antara/db.sqlite',
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', ANTARA_DATABASE_URL: '  ' }).database.kind).toBe('sqlite');
  });

  const bad: Array<[string, Record<string, string>]> = [
    ['PORT', { PORT: '80a' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['ANTARA_PUBLIC_URL', { ANTARA_PUBLIC_URL: 'id.example.com' }],
    ['ANTARA_PUBLIC_URL', { ANTARA_PUBLIC_URL: 'ftp://id.example.com' }],
    ['ANTARA_PUBLIC_URL', { ANTARA_PUBLIC_URL: 'https://example.com/antara' }],
    ['ANTARA_PUBLIC_URL', { ANTARA_PUBLIC_URL: 'https://example.com/?x=1' }],
    ['ANTARA_DATABASE_URL', { ANTARA_DATABASE_URL: 'mysql://root@db/antara' }],
    ['ANTARA_DATABASE_URL', { ANTARA_DATABASE_URL: 'db.internal:5432' }],
    ['ANTARA_DATABASE_URL', { ANTARA_DATABASE_URL: 'sqlite:' }],
    ['ANTARA_DATABASE_POOL', { ANTARA_DATABASE_POOL: '0' }],
    ['ANTARA_REDIS_URL', { ANTARA_REDIS_URL: 'http://redis:6379' }],
    ['ANTARA_SMTP_URL', { ANTARA_SMTP_URL: 'mail.example.com' }],
    ['ANTARA_MAIL_FROM', { ANTARA_MAIL_FROM: 'Antara' }],
    ['ANTARA_SECRET', { ANTARA_SECRET: 'short' }],
    ['ANTARA_ADMIN_EMAILS', { ANTARA_ADMIN_EMAILS: 'ops@example.com,bob' }],
    ['ANTARA_TRUST_PROXY', { ANTARA_TRUST_PROXY: 'maybe' }],
    ['ANTARA_BODY_LIMIT', { ANTARA_BODY_LIMIT: '64k' }],
    ['ANTARA_BODY_LIMIT', { ANTARA_BODY_LIMIT: '10' }],
    ['ANTARA_LOG_LEVEL', { ANTARA_LOG_LEVEL: 'loud' }],
    ['ANTARA_RATE_LIMITS', { ANTARA_RATE_LIMITS: 'sometimes' }],
    ['ANTARA_WEBHOOK_ALLOW_PRIVATE', { ANTARA_WEBHOOK_ALLOW_PRIVATE: '2' }],
    ['ANTARA_WEBHOOK_ALLOW_CIDRS', { ANTARA_WEBHOOK_ALLOW_CIDRS: '10.0.0.0/33' }],
    ['ANTARA_AI_BASE_URL', { ANTARA_AI_BASE_URL: 'not a url', ANTARA_AI_MODEL: 'm' }],
    ['ANTARA_AI_MODEL', { ANTARA_AI_BASE_URL: 'https://api.openai.com/v1' }],
    ['ANTARA_AI_BASE_URL', { ANTARA_AI_MODEL: 'gpt-4o-mini' }],
    ['ANTARA_AI_BASE_URL', { ANTARA_AI_API_KEY: 'sk-test' }],
  ];
  it.each(bad)('refuses a bad %s, naming it and the fix (%o)', (variable, env) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toMatch(/\. Fix: \S/);
  });

  it('never echoes a password from a URL it refuses', () => {
    const error = configError({ ANTARA_DATABASE_URL: 'postgres://antara:hunter2@db host/antara' });
    expect(error.variable).toBe('ANTARA_DATABASE_URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('names ANTARA_* variables that no setting reads, but not test ones', () => {
    expect(
      unknownSettings({
        ANTARA_DATABSE_URL: 'postgres://x/y',
        ANTARA_DATABASE_POOL: '5',
        ANTARA_TEST_PG_URL: 'postgres://x/y',
        ANTARA_DATA_DIR: '/tmp',
        PATH: '/bin',
      }),
    ).toEqual(['ANTARA_DATABSE_URL']);
  });
});

describe('docs/configuration.md', () => {
  it('has a row for every variable the loader reads, and none it does not', () => {
    expect(documentedVariables()).toEqual(variablesRead());
  });

  it('gives every row a default, a meaning and an example', () => {
    const doc = fs.readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    for (const line of doc.split('\n').filter((l) => /^\|\s*`[A-Z]/.test(l))) {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      expect(cells, line).toHaveLength(4);
      expect(cells[3], line).toContain('=');
      for (const cell of cells) expect(cell.length, line).toBeGreaterThan(0);
    }
  });
});

describe('start-up with a bad setting (process)', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove();
  });

  it('stops with exit status 1 and a message naming the variable and the fix', async () => {
    const data = tempDataDir();
    dirs.push(data);
    const run = await runAntara(['serve'], { ANTARA_DATA_DIR: data.dir, PORT: 'eighty' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Antara cannot start. PORT: "eighty" is not a whole number');
    expect(run.stderr).toContain('Fix: set PORT=8080');
    expect(run.stdout).not.toContain('listening');
  });

  it('exits non-zero when ANTARA_DATABASE_URL cannot be reached, and creates no SQLite file', async () => {
    const data = tempDataDir();
    dirs.push(data);
    const run = await runAntara(['serve'], {
      ANTARA_DATA_DIR: data.dir,
      HOST: '127.0.0.1',
      PORT: '0',
      ANTARA_DATABASE_URL: 'postgres://antara@127.0.0.1:1/antara',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Antara cannot start. ANTARA_DATABASE_URL: cannot reach the database');
    expect(run.stderr).toContain('never falls back to SQLite');
    expect(run.stdout).not.toContain('listening');
    expect(fs.readdirSync(data.dir)).toEqual([]);
  });

  it.skipIf(!pgUp)(
    'exits non-zero when the PostgreSQL server answers but the database does not exist',
    async () => {
      const data = tempDataDir();
      dirs.push(data);
      const url = new URL(PG_ADMIN_URL);
      url.pathname = '/antara_no_such_database';
      const run = await runAntara(['serve'], {
        ANTARA_DATA_DIR: data.dir,
        HOST: '127.0.0.1',
        PORT: '0',
        ANTARA_DATABASE_URL: url.href,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('ANTARA_DATABASE_URL: cannot reach the database');
      expect(run.stderr).toContain('antara_no_such_database');
      expect(fs.readdirSync(data.dir)).toEqual([]);
    },
  );

  it('stops with exit status 1 naming ANTARA_DATA_DIR when the directory cannot be made', async () => {
    const data = tempDataDir();
    dirs.push(data);
    const notADirectory = path.join(data.dir, 'a-file');
    fs.writeFileSync(notADirectory, 'not a directory');
    const run = await runAntara(['serve'], { ANTARA_DATA_DIR: path.join(notADirectory, 'data') });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Antara cannot start. ANTARA_DATA_DIR: cannot open the database sqlite:');
    expect(run.stderr).toContain('Fix: point ANTARA_DATA_DIR');
  });

  it('warns about an unknown ANTARA_* variable and carries on', async () => {
    const data = tempDataDir();
    dirs.push(data);
    const run = await runAntara(['migrate'], {
      ANTARA_DATA_DIR: data.dir,
      ANTARA_DATABSE_URL: 'postgres://x/y',
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: ANTARA_DATABSE_URL is not a setting of Antara');
  });
});
