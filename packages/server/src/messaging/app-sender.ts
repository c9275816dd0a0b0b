import { TOKEN_PREFIXES } from '@antara/protocol';
import { requireAppToken } from '../apps/authenticate-app.js';
import { AntaraError } from '../errors/antara-error.js';
import { grantScopesOf } from '../storage/repositories/grants.js';
import type { SenderKind } from './sender.js';

/**
 * Apps send with an `aat_` token holding `messages.send`. A slug reaches a person only
 * through that person's grant to this very app: a slug of another app's grant, an unknown
 * or rotated slug and a disabled account all get the same 404, so nothing can be probed.
 */
export const appSender: SenderKind = {
  prefix: TOKEN_PREFIXES.appAccess,
  async authenticate(ctx, request, reply) {
    const { app } = await requireAppToken(ctx, request, 'messages.send', reply);
    return {
      kind: 'app',
      id: app.id,
      scope: `app:${app.id}`,
      appId: app.id,
      async resolve(slug) {
        const found = await ctx.repos.messageRecipients.findForApp(app.id, slug);
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
