import type { Command } from 'commander';
import { createSigningKeys } from '../oauth/signing-keys.js';
import type { CliRuntime } from './cli-runtime.js';

export function addOAuthCommands(program: Command, withRuntime: CliRuntime): void {
  const oauth = program.command('oauth').description('OAuth / OpenID Connect operations');
  oauth
    .command('rotate-signing-key')
    .description(
      'add a new ES256 id_token signing key; it signs from now on (each instance picks it up within a ' +
        'minute) and the previous key stays in the JWKS so id_tokens it signed still verify',
    )
    .action(async () => {
      await withRuntime(async (ctx) => {
        const keys = createSigningKeys({ keys: ctx.repos.signingKeys, clock: ctx.clock, random: ctx.random });
        await keys.ensure();
        const kid = await keys.rotate();
        process.stdout.write(
          `new signing key ${kid}; /.well-known/jwks.json now publishes it and the one before\n`,
        );
      });
    });
}
