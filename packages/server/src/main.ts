#!/usr/bin/env node
// The only file that reads process.env, listens and handles signals.
import { Command } from 'commander';
import { buildApp } from './app.js';
import { addAppCommands } from './cli/app-commands.js';
import type { CliRuntime } from './cli/cli-runtime.js';
import { addOAuthCommands } from './cli/oauth-commands.js';
import { addUserCommands } from './cli/user-commands.js';
import { loadConfig, unknownSettings } from './config/config.js';
import { ConfigError } from './config/config-error.js';
import { createContext } from './context.js';
import { loggerOptions } from './http/request-log.js';
import { every, purgeExpired } from './jobs/purge-expired.js';
import { openRuntime } from './runtime.js';
import { DatabaseUnreachableError, migrateToLatest, openStorage } from './storage/database.js';
import { createWebhookDispatcher } from './webhooks/dispatcher.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** How long in-flight requests may take to finish after SIGTERM before the process gives up. */
const SHUTDOWN_GRACE_MS = 25_000;

function config() {
  const loaded = loadConfig(process.env);
  for (const name of unknownSettings(process.env)) {
    process.stderr.write(
      `warning: ${name} is not a setting of Antara and is ignored (see docs/configuration.md)\n`,
    );
  }
  return loaded;
}

async function serve(): Promise<void> {
  const cfg = config();
  const runtime = await openRuntime(cfg, say);
  const { app, ctx } = await buildApp({ ...runtime, logger: loggerOptions(cfg.server.logLevel) });
  const stopPurge = every(
    10 * 60_000,
    () => purgeExpired(ctx),
    (error) => app.log.error({ err: error }, 'purge failed'),
  );
  const webhooks = createWebhookDispatcher(ctx, {
    onError: (error) => app.log.error({ err: error }, 'webhook dispatcher failed'),
  });
  await app.listen({ host: cfg.server.host, port: cfg.server.port });
  webhooks.start();
  say(`Antara listening on ${cfg.server.publicUrl} (database ${runtime.storage.description})`);
  say(
    cfg.mail.smtpUrl
      ? `Sign-in codes are mailed through ${new URL(cfg.mail.smtpUrl).host}.`
      : 'No ANTARA_SMTP_URL: sign-in codes appear in this log as "[mail] …" lines.',
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      say(`${signal} again: stopping now`);
      process.exit(1);
    }
    stopping = true;
    say(`${signal}: finishing in-flight requests…`);
    setTimeout(() => {
      process.stderr.write(
        `in-flight requests still running after ${SHUTDOWN_GRACE_MS / 1000} s; stopping now\n`,
      );
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    const purgeStopped = stopPurge();
    // Why sweep: app.close() closes only the keep-alive connections idle at that moment; one
    // whose request finishes later would hold the process open until its keep-alive timeout.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
    try {
      // Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets.
      await app.close();
      clearInterval(sweep);
      // Attempts in flight finish (each within its timeout) and are recorded before storage closes.
      await webhooks.stop();
      await purgeStopped;
      await runtime.close();
    } catch (error) {
      process.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
      process.exit(1);
    }
    say('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

const program = new Command('antara').description('Antara identity provider').showHelpAfterError();

program.command('serve').description('run the server (the default)').action(serve);

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const storage = await openStorage(config().database);
    try {
      const applied = await migrateToLatest(storage);
      say(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await storage.close();
    }
  });

const withRuntime: CliRuntime = async (work) => {
  const runtime = await openRuntime(config(), (line) => process.stderr.write(`${line}\n`));
  try {
    await work(createContext(runtime));
  } finally {
    await runtime.close();
  }
};
addUserCommands(program, withRuntime);
addAppCommands(program, withRuntime);
addOAuthCommands(program, withRuntime);

program
  .parseAsync(process.argv.length > 2 ? process.argv : [...process.argv, 'serve'])
  .catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof DatabaseUnreachableError)
      process.stderr.write(`Antara cannot start. ${error.message}\n`);
    else process.stderr.write(`antara: ${(error as Error).message ?? error}\n`);
    process.exit(1);
  });
