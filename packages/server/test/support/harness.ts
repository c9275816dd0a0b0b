import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import type { AppContext, AppDeps } from '../../src/context.js';
import type { TypedApp } from '../../src/http/typed-app.js';
import type { Mailer, OutgoingMail } from '../../src/mail/mailer.js';
import { openRuntime } from '../../src/runtime.js';
import { type TestClock, testClock } from './clock.js';
import { type Dialect, freshDatabase } from './databases.js';

export interface Harness {
  app: TypedApp;
  ctx: AppContext;
  clock: TestClock;
  config: Config;
  /** Mails sent when no SMTP URL was given. */
  outbox: OutgoingMail[];
  /** Base URL when started with `listen: true`. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  dialect?: Dialect;
  env?: Record<string, string>;
  listen?: boolean;
  /** The port to listen on (default: any free one), e.g. one the public URL already names. */
  port?: number;
  clock?: TestClock;
  /** Use the real system clock instead of a test clock. */
  realClock?: boolean;
  /** Extra dependencies for buildApp, such as a webhook DNS resolver. */
  deps?: Pick<AppDeps, 'webhookResolver'>;
  /** Adds routes before the app is ready, e.g. a probe behind a guard under test. */
  routes?: (app: TypedApp, ctx: AppContext) => void;
}

/** A fully wired Antara over a fresh database of the dialect. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = await freshDatabase(options.dialect ?? 'sqlite');
  const clock = options.clock ?? testClock();
  const config = loadConfig({ ANTARA_LOG_LEVEL: 'silent', ...options.env });
  const outbox: OutgoingMail[] = [];
  const runtime = await openRuntime(
    { ...config, database: database.config },
    () => undefined,
    options.realClock ? { now: () => Date.now() } : clock,
  );
  const mailer: Mailer = config.mail.smtpUrl
    ? runtime.mailer
    : {
        send: async (mail) => {
          outbox.push(mail);
        },
        close: async () => undefined,
      };
  const { app, ctx } = await buildApp({ ...runtime, ...options.deps, mailer, logger: false });
  options.routes?.(app, ctx);
  let baseUrl = '';
  if (options.listen) {
    await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  } else {
    await app.ready();
  }
  return {
    app,
    ctx,
    clock,
    config: { ...config, database: database.config },
    outbox,
    baseUrl,
    async close() {
      await app.close();
      await runtime.close();
      await database.drop();
    },
  };
}

/** The 6-digit code in the newest captured mail to an address. */
export function lastCodeFor(harness: Harness, email: string): string {
  const mail = [...harness.outbox].reverse().find((m) => m.to === email.toLowerCase());
  const code = mail && /sign-in code is (\d{6})/.exec(mail.text)?.[1];
  if (!code) throw new Error(`no code mailed to ${email}`);
  return code;
}

/** Signs a person in through the public API and returns the exchange-code response data. */
export async function signIn(harness: Harness, email: string) {
  const start = await harness.app.inject({ method: 'POST', url: '/auth/email/start', payload: { email } });
  if (start.statusCode !== 200) throw new Error(`start failed: ${start.body}`);
  const { challengeId } = start.json().data;
  const verify = await harness.app.inject({
    method: 'POST',
    url: '/auth/email/verify',
    payload: { challengeId, code: lastCodeFor(harness, email) },
  });
  if (verify.statusCode !== 200) throw new Error(`verify failed: ${verify.body}`);
  const exchange = await harness.app.inject({
    method: 'POST',
    url: '/auth/exchange-code',
    payload: { code: verify.json().data.code },
  });
  if (exchange.statusCode !== 200) throw new Error(`exchange failed: ${exchange.body}`);
  return exchange.json().data as {
    accessToken: string;
    refreshToken: string;
    user: { id: string; primarySlug: string; displayName: string; trustLevel: string; verified: boolean };
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
