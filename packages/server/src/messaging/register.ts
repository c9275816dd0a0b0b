import type { AppContext } from '../context.js';
import type { TypedApp } from '../http/typed-app.js';
import { createGroupCommit } from '../storage/group-commit.js';
import { createAppSender } from './app-sender.js';
import { createInbox } from './inbox.js';
import { registerInboxPages } from './pages/inbox-routes.js';
import { registerInboxRoutes } from './routes/inbox.js';
import { registerSendRoute } from './routes/send.js';
import { createMessageSending } from './send-message.js';

/**
 * Messaging: the send endpoint, the inbox API and the inbox page. Sends go through one
 * group-commit writer (storage/group-commit.ts), closed with the app after in-flight work.
 */
export function registerMessaging(app: TypedApp, ctx: AppContext): void {
  const writer = createGroupCommit(ctx.storage);
  app.addHook('onClose', () => writer.close());
  const sending = createMessageSending({ repos: ctx.repos, clock: ctx.clock, random: ctx.random, writer });
  const inbox = createInbox(ctx);
  // Token kinds that may send. Capability tokens (`cap_`) join this list.
  const senders = [createAppSender(ctx)];
  registerSendRoute(app, ctx, sending, senders);
  registerInboxRoutes(app, ctx, inbox);
  registerInboxPages(app, ctx, inbox);
}
