import type { Command } from 'commander';
import { Value } from 'typebox/value';
import { findOrCreateVerifiedAccount } from '../identity/accounts.js';
import { EmailSchema } from '../identity/schemas.js';
import { normalizeEmail, presentUser } from '../identity/user-profile.js';
import type { CliRuntime } from './cli-runtime.js';

export function addUserCommands(program: Command, withRuntime: CliRuntime): void {
  const user = program.command('user').description('manage accounts');
  user
    .command('create')
    .description('create (or find) the account of a verified email address')
    .requiredOption('--email <email>', 'the address')
    .option('--json', 'print the account as JSON')
    .action(async (options: { email: string; json?: boolean }) => {
      const email = normalizeEmail(options.email);
      // The same rule as POST /auth/email/start, so the CLI makes no account the API would refuse.
      if (!Value.Check(EmailSchema, email))
        throw new Error(`--email: "${options.email}" is not an email address`);
      await withRuntime(async (ctx) => {
        const account = await findOrCreateVerifiedAccount(ctx.repos.users, email, ctx.clock, ctx.random);
        const shown = { ...presentUser(account), email: account.email };
        process.stdout.write(
          options.json
            ? `${JSON.stringify(shown)}\n`
            : `account ${shown.id} (${shown.primarySlug}) for ${shown.email}\n`,
        );
      });
    });
}
