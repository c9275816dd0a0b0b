import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/config.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

/** What a dialect can do, so that code branches on abilities rather than on names. */
export interface Capabilities {
  /** `SELECT … FOR UPDATE SKIP LOCKED`: several workers can lease rows concurrently. */
  readonly supportsSkipLocked: boolean;
  /** Only one writer at a time; concurrent workers must be a single process. */
  readonly singleWriter: boolean;
}

export interface Storage {
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  readonly description: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const INT8_OID = 20;

/** The configured database cannot be opened. The message names the setting and the fix. */
export class DatabaseUnreachableError extends Error {
  constructor(
    description: string,
    cause: unknown,
    problem: { variable: string; verb: string; fix: string } = {
      variable: 'ANTARA_DATABASE_URL',
      verb: 'reach',
      fix: 'check the URL and that the server is running (Antara never falls back to SQLite)',
    },
  ) {
    super(
      `${problem.variable}: cannot ${problem.verb} the database ${description}: ` +
        `${(cause as Error)?.message ?? cause}. Fix: ${problem.fix}.`,
    );
    this.name = 'DatabaseUnreachableError';
  }
}

export async function openStorage(config: Config['database']): Promise<Storage> {
  return config.kind === 'sqlite' ? openSqlite(config.file) : openPostgres(config.url, config.poolSize);
}

function openSqlite(file: string): Storage {
  let sqlite: SQLite.Database;
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    sqlite = new SQLite(file);
  } catch (error) {
    throw new DatabaseUnreachableError(`sqlite:${file}`, error, {
      variable: 'ANTARA_DATA_DIR',
      verb: 'open',
      fix: 'point ANTARA_DATA_DIR (or a sqlite: ANTARA_DATABASE_URL) at a directory Antara may write to',
    });
  }
  sqlite.pragma('journal_mode = WAL');
  // A 2xx means the write is on disk: FULL fsyncs the WAL on every commit.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's default page cache is 2 MB; inserts into indexes keyed by random ids touch pages
  // all over the file, and every miss is a read from the OS. 64 MB keeps the hot pages here.
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    capabilities: { supportsSkipLocked: false, singleWriter: true },
    description: `sqlite:${file}`,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * Kysely asks better-sqlite3 to prepare every query afresh, and compiling the SQL is a large
 * share of a small query's cost. Statements are reusable, so they are kept per SQL text
 * (bounded; the query shapes of this codebase are few). A statement still iterating a
 * streamed result is busy and cannot be shared, so a fresh one is prepared for that call.
 */
function withStatementCache(sqlite: SQLite.Database, limit = 1000) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string): SQLite.Statement {
      const cached = statements.get(text);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(text);
      if (!cached) {
        if (statements.size >= limit) statements.delete(statements.keys().next().value as string);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Storage> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    // bigint columns hold epoch milliseconds, well inside Number's safe range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // Why a listener: when the server restarts or drops an idle connection, the pool discards
  // that client and emits 'error'; unheard, that event would crash the process. The next
  // query connects afresh, and until it can, queries fail and /readyz answers 503.
  pool.on('error', () => undefined);
  const description = `postgres:${new URL(url).host}${new URL(url).pathname}`;
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new DatabaseUnreachableError(description, error);
  }
  return {
    db,
    capabilities: { supportsSkipLocked: true, singleWriter: false },
    description,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** Applies every pending migration in order. Safe to run from several processes at once. */
export async function migrateToLatest(storage: Storage): Promise<string[]> {
  const migrator = new Migrator({ db: storage.db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
