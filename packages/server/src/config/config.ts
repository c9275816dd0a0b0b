import path from 'node:path';
import { parseCidr } from '../webhooks/ip-address.js';
import { ConfigError } from './config-error.js';
import { type Env, readBool, readInt, readList, readOptional, readString, readUrl } from './readers.js';

/** Every setting of Antara, parsed once at start-up and frozen. See docs/configuration.md. */
export interface Config {
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly publicUrl: string;
    readonly trustProxy: boolean;
    readonly bodyLimitBytes: number;
    readonly logLevel: string;
  };
  readonly database:
    | { readonly kind: 'sqlite'; readonly file: string }
    | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };
  readonly redis: { readonly url: string | undefined };
  readonly mail: { readonly smtpUrl: string | undefined; readonly from: string };
  readonly security: {
    readonly secret: string | undefined;
    readonly adminEmails: readonly string[];
    /** ANTARA_RATE_LIMITS (default on); off only for load benchmarks or behind a gateway that limits. */
    readonly rateLimits: boolean;
  };
  readonly webhooks: {
    /** ANTARA_WEBHOOK_ALLOW_PRIVATE: loopback, private, link-local, CGNAT and ULA destinations allowed. */
    readonly allowPrivate: boolean;
    /** ANTARA_WEBHOOK_ALLOW_CIDRS: blocks webhooks may reach whatever their class. */
    readonly allowCidrs: readonly string[];
  };
  readonly ai: {
    readonly baseUrl: string | undefined;
    readonly apiKey: string | undefined;
    readonly model: string | undefined;
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function server(env: Env): Config['server'] {
  const port = readInt(env, 'PORT', 8080, 0, 65535);
  const host = readString(env, 'HOST', '0.0.0.0');
  const publicUrl = readUrl(env, 'ANTARA_PUBLIC_URL', ['http:', 'https:'], 'https://id.example.com');
  const logLevel = readString(env, 'ANTARA_LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      'ANTARA_LOG_LEVEL',
      `"${logLevel}" is not a log level`,
      `use one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  if (publicUrl && (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash || publicUrl.username)) {
    throw new ConfigError(
      'ANTARA_PUBLIC_URL',
      `"${publicUrl.href}" has a path, query or credentials; Antara is served from the root of its origin`,
      `set only the origin, like ${publicUrl.origin}`,
    );
  }
  return {
    host,
    port,
    publicUrl: publicUrl?.origin ?? `http://localhost:${port}`,
    trustProxy: readBool(env, 'ANTARA_TRUST_PROXY', false),
    bodyLimitBytes: readInt(env, 'ANTARA_BODY_LIMIT', 64 * 1024, 1024, 10 * 1024 * 1024),
    logLevel,
  };
}

function database(env: Env): Config['database'] {
  const url = readUrl(
    env,
    'ANTARA_DATABASE_URL',
    ['postgres:', 'postgresql:', 'sqlite:'],
    'postgres://user@host:5432/antara',
  );
  // Read even when unused, so that a bad value is reported whatever the database.
  const poolSize = readInt(env, 'ANTARA_DATABASE_POOL', 10, 1, 200);
  const dataDir = readString(env, 'ANTARA_DATA_DIR', './data');
  if (url && url.protocol !== 'sqlite:') return { kind: 'postgres', url: url.href, poolSize };
  const file = url ? decodeURIComponent(url.pathname) : path.join(dataDir, 'antara.sqlite');
  if (file === '') {
    throw new ConfigError(
      'ANTARA_DATABASE_URL',
      'the sqlite: URL names no file',
      'set it like sqlite:./data/antara.sqlite, or unset it and use ANTARA_DATA_DIR',
    );
  }
  return { kind: 'sqlite', file };
}

function mail(env: Env): Config['mail'] {
  const smtp = readUrl(env, 'ANTARA_SMTP_URL', ['smtp:', 'smtps:'], 'smtp://user:pass@mail.example.com:587');
  const from = readString(env, 'ANTARA_MAIL_FROM', 'Antara <no-reply@useantara.com>');
  if (!/^[^<>@\s]+@[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/.test(from)) {
    throw new ConfigError(
      'ANTARA_MAIL_FROM',
      `"${from}" holds no email address`,
      'set it like "Antara <no-reply@id.example.com>" or no-reply@id.example.com',
    );
  }
  return { smtpUrl: smtp?.href, from };
}

function security(env: Env): Config['security'] {
  const secret = readOptional(env, 'ANTARA_SECRET');
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError(
      'ANTARA_SECRET',
      'it is shorter than 32 characters',
      'generate one with `openssl rand -base64 48`',
    );
  }
  const adminEmails = readList(env, 'ANTARA_ADMIN_EMAILS').map((e) => e.toLowerCase());
  const notAnAddress = adminEmails.find((e) => !/^[^\s@]+@[^\s@]+$/.test(e));
  if (notAnAddress !== undefined) {
    throw new ConfigError(
      'ANTARA_ADMIN_EMAILS',
      `"${notAnAddress}" is not an email address`,
      'list addresses separated by commas, like ops@example.com,alice@example.com',
    );
  }
  return {
    secret,
    adminEmails,
    rateLimits: readBool(env, 'ANTARA_RATE_LIMITS', true),
  };
}

function ai(env: Env): Config['ai'] {
  const baseUrl = readUrl(env, 'ANTARA_AI_BASE_URL', ['http:', 'https:'], 'https://api.openai.com/v1');
  const apiKey = readOptional(env, 'ANTARA_AI_API_KEY');
  const model = readOptional(env, 'ANTARA_AI_MODEL');
  // Half a configuration is a mistake, not a choice: say so instead of answering ai_unavailable.
  if (baseUrl && !model) {
    throw new ConfigError(
      'ANTARA_AI_MODEL',
      'ANTARA_AI_BASE_URL is set but no model is named',
      'set ANTARA_AI_MODEL to a model the server offers, like gpt-4o-mini',
    );
  }
  if (!baseUrl && (model || apiKey)) {
    throw new ConfigError(
      'ANTARA_AI_BASE_URL',
      `${model ? 'ANTARA_AI_MODEL' : 'ANTARA_AI_API_KEY'} is set but no server is named`,
      'set ANTARA_AI_BASE_URL to an OpenAI-compatible API, like https://api.openai.com/v1',
    );
  }
  return { baseUrl: baseUrl?.href.replace(/\/$/, ''), apiKey, model };
}

function webhooks(env: Env): Config['webhooks'] {
  const allowCidrs = readList(env, 'ANTARA_WEBHOOK_ALLOW_CIDRS');
  const bad = allowCidrs.find((block) => parseCidr(block) === null);
  if (bad !== undefined) {
    throw new ConfigError(
      'ANTARA_WEBHOOK_ALLOW_CIDRS',
      `"${bad}" is not an address block`,
      'list blocks like 10.20.0.0/16,fd12:3456::/48',
    );
  }
  return { allowPrivate: readBool(env, 'ANTARA_WEBHOOK_ALLOW_PRIVATE', false), allowCidrs };
}

/** Parses the environment. Throws {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: Env): Config {
  const redis = readUrl(env, 'ANTARA_REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379');
  return deepFreeze({
    server: server(env),
    database: database(env),
    redis: { url: redis?.href },
    mail: mail(env),
    security: security(env),
    webhooks: webhooks(env),
    ai: ai(env),
  });
}

/**
 * ANTARA_* variables that no setting reads: usually a typo (ANTARA_DATABSE_URL) that would
 * otherwise pass silently. main.ts prints them as a warning. ANTARA_TEST_* belong to tests.
 */
export function unknownSettings(env: Env): string[] {
  const read = new Set<string>();
  const watched = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name);
    },
  });
  loadConfig(watched);
  return Object.keys(env)
    .filter((name) => name.startsWith('ANTARA_') && !name.startsWith('ANTARA_TEST_') && !read.has(name))
    .sort();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
