import type { AppContext } from '../context.js';
import type { WebhookEndpointRow } from '../storage/repositories/webhook-endpoints.js';

const WHY: Record<string, string> = {
  gone: 'it answered 410 Gone, which tells Antara to stop sending',
  failing: 'every delivery attempt to it has failed for five days',
};

/**
 * Mails the owner of each app whose endpoint was disabled automatically. Each notice is claimed
 * in the database first, so that with several dispatchers exactly one sends it; a mail that
 * fails is released and tried again on a later pass.
 */
export async function notifyOwners(ctx: AppContext, limit = 20): Promise<number> {
  const endpoints = await ctx.repos.webhookEndpoints.listUnnotified(limit);
  let sent = 0;
  for (const endpoint of endpoints) {
    if (!(await ctx.repos.webhookEndpoints.claimOwnerNotice(endpoint.id, ctx.clock.now()))) continue;
    try {
      const mail = await noticeFor(ctx, endpoint);
      if (mail) {
        await ctx.mailer.send(mail);
        sent += 1;
      }
    } catch (error) {
      await ctx.repos.webhookEndpoints.releaseOwnerNotice(endpoint.id);
      throw error;
    }
  }
  return sent;
}

async function noticeFor(ctx: AppContext, endpoint: WebhookEndpointRow) {
  const app = await ctx.repos.apps.findById(endpoint.app_id);
  const owner = app ? await ctx.repos.users.findById(app.owner_user_id) : undefined;
  if (!app || !owner) return null;
  const why = WHY[endpoint.disabled_reason ?? ''] ?? 'it kept failing';
  return {
    to: owner.email,
    subject: `Antara disabled a webhook endpoint of ${app.name}`,
    text:
      `Antara stopped sending webhooks to ${endpoint.url} (app "${app.name}") because ${why}.\n\n` +
      'Deliveries that were still pending are marked failed; you can send them again from the ' +
      'delivery list once the endpoint works.\n\n' +
      `To resume, fix the endpoint and enable it again: PATCH ${ctx.config.server.publicUrl}` +
      `/dev/v1/apps/${app.id}/webhooks/${endpoint.id} with {"enabled": true}, or use the dashboard.`,
  };
}
