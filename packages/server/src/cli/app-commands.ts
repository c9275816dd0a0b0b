import type { Command } from 'commander';
import { createApiKey, keyScopes } from '../apps/api-keys.js';
import { createApp } from '../apps/app-registry.js';
import { presentApp, presentKey } from '../apps/presenters.js';
import { findOrCreateVerifiedAccount } from '../identity/accounts.js';
import { normalizeEmail } from '../identity/user-profile.js';
import type { CliRuntime } from './cli-runtime.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function addAppCommands(program: Command, withRuntime: CliRuntime): void {
  const app = program.command('app').description('manage apps for scripting and tests');
  app
    .command('create')
    .description('register an app for an owner (created if needed) and print its id and a first API key')
    .requiredOption('--owner <email>', 'the owner account’s email address')
    .requiredOption('--name <name>', 'the app name people see on the consent screen')
    .requiredOption('--redirect-uri <url>', 'an OAuth redirect URI (repeat for several)', collect, [])
    .option('--homepage <url>', 'the app’s homepage')
    .option('--scope <scope>', 'a scope of the first key (repeat; default: all app scopes)', collect, [])
    .option('--json', 'print the app and key as JSON')
    .action(
      async (options: {
        owner: string;
        name: string;
        redirectUri: string[];
        homepage?: string;
        scope: string[];
        json?: boolean;
      }) => {
        const email = normalizeEmail(options.owner);
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
          throw new Error(`--owner: "${options.owner}" is not an email address`);
        }
        const scopes = options.scope.length > 0 ? keyScopes(options.scope) : undefined;
        await withRuntime(async (ctx) => {
          const owner = await findOrCreateVerifiedAccount(ctx.repos.users, email, ctx.clock, ctx.random);
          // The operator acts at the console: the audit trail says so, with no user as actor.
          const actor = { userId: null, via: 'cli' as const };
          const created = await createApp(
            ctx,
            owner,
            { name: options.name, redirectUris: options.redirectUri, homepageUrl: options.homepage ?? null },
            actor,
          );
          const { key, apiKey } = await createApiKey(
            ctx,
            created,
            {
              name: 'created by antara app create',
              scopes,
            },
            actor,
          );
          const shown = {
            ...presentApp(created),
            owner: { id: owner.id, email: owner.email },
            apiKey,
            key: presentKey(key),
          };
          process.stdout.write(
            options.json
              ? `${JSON.stringify(shown)}\n`
              : `app ${shown.appId} "${shown.name}" owned by ${owner.email}\n` +
                  `api key ${key.id} (shown once, store it now): ${apiKey}\n`,
          );
        });
      },
    );
}
