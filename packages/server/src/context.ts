import type { FastifyBaseLogger } from 'fastify';
import { type AppSessions, createAppSessions } from './apps/app-sessions.js';
import type { Config } from './config/config.js';
import { createEmailLogin, type EmailLogin } from './identity/email-login.js';
import { createUserSessions, type UserSessions } from './identity/sessions.js';
import { type Clock, systemClock } from './lib/clock.js';
import { cryptoRandom, type Random } from './lib/random.js';
import type { Mailer } from './mail/mailer.js';
import type { RateLimiter } from './ratelimit/rate-limiter.js';
import type { Storage } from './storage/database.js';
import { createRepositories, type Repositories } from './storage/repositories/index.js';
import type { Introspector } from './tokens/introspection.js';
import type { HostResolver } from './webhooks/destination.js';
import { createWebhookService, type WebhookService } from './webhooks/webhook-service.js';

/** Everything outside the process that the app talks to, passed in so tests control it. */
export interface AppDeps {
  config: Config;
  storage: Storage;
  mailer: Mailer;
  rateLimiter: RateLimiter;
  /** HMAC key for codes and CSRF tokens (see tokens/server-secret.ts). */
  secret: string;
  clock?: Clock;
  /** DNS for webhook URL checks (the system resolver by default); tests inject one. */
  webhookResolver?: HostResolver;
  random?: Random;
  logger?: boolean | FastifyBaseLogger | { level: string };
}

/** The services built from the deps, shared by every route module. */
export interface AppContext {
  config: Config;
  storage: Storage;
  repos: Repositories;
  clock: Clock;
  random: Random;
  mailer: Mailer;
  rateLimiter: RateLimiter;
  secret: string;
  emailLogin: EmailLogin;
  sessions: UserSessions;
  appSessions: AppSessions;
  /** Token kinds `POST /auth/introspect` understands; domains add theirs. */
  introspectors: Introspector[];
  webhooks: WebhookService;
}

export function createContext(deps: AppDeps): AppContext {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? cryptoRandom;
  const repos = createRepositories(deps.storage.db);
  const sessions = createUserSessions({ repos, clock, random });
  return {
    config: deps.config,
    storage: deps.storage,
    repos,
    clock,
    random,
    mailer: deps.mailer,
    rateLimiter: deps.rateLimiter,
    secret: deps.secret,
    emailLogin: createEmailLogin({
      repos,
      clock,
      random,
      mailer: deps.mailer,
      secret: deps.secret,
      publicUrl: deps.config.server.publicUrl,
    }),
    sessions,
    appSessions: createAppSessions({ repos, storage: deps.storage, clock, random }),
    introspectors: [],
    webhooks: createWebhookService({
      config: deps.config,
      repos,
      clock,
      random,
      secret: deps.secret,
      ...(deps.webhookResolver ? { resolve: deps.webhookResolver } : {}),
    }),
  };
}
