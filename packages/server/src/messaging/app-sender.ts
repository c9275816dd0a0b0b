import { TOKEN_PREFIXES } from '@antara/protocol';
import { requireAppToken } from '../apps/authenticate-app.js';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import { batchLoader } from '../storage/batch-loader.js';
import { grantScopesOf } from '../storage/repositories/grants.js';
import type { SenderKind } from './sender.js';

/**
 * Apps send with an `aat_` token holding `messages.send`. A slug reaches a person only
 * through that person's grant to this very app: a slug of another app's grant, an unknown
 * or rotated slug and a disabled account all get the same 404, so nothing can be probed.
 */
export function createAppSender(ctx: AppContext): SenderKind {
  // The recipients of sends that arrive together are looked up with one query.
  const findRecipient = batchLoader((pairs: ReadonlyArray<{ appId: string; slug: string }>) =>
    ctx.repos.messageRecipients.findForAppMany(pairs),
  );
  return {
    prefix: TOKEN_PREFIXES.appAccess,
    async authenticate(request, reply) {
      const { app } = await requireAppToken(ctx, request, 'messages.send', reply);
      // CONTRACT §8: an app under `restrict` keeps its grants and lookups but sends nothing.
      if (app.moderation_state === 'restrict') throw new AntaraError('app_restricted');
      return {
        kind: 'app',
        id: app.id,
        scope: `app:${app.id}`,
        appId: app.id,
        async resolve(slug) {
          const found = await findRecipient({ appId: app.id, slug });
          if (!found || found.accountModerationState === 'disabled') {
            throw new AntaraError('recipient_not_found');
          }
          if (found.grantStatus !== 'active') throw new AntaraError('grant_revoked');
          if (!grantScopesOf({ scopes: found.grantScopes }).includes('messages.send')) {
            throw new AntaraError('messages_not_granted');
          }
          if (found.muted) throw new AntaraError('recipient_muted');
          return { accountId: found.accountId, userId: found.grantId, slug };
        },
      };
    },
  };
}
