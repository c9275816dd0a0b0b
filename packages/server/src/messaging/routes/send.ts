import type { AppContext } from '../../context.js';
import { ok, responses } from '../../http/envelope.js';
import { enforceRate } from '../../http/rate-limit.js';
import type { TypedApp } from '../../http/typed-app.js';
import { idempotencyKeyOf } from '../idempotency.js';
import { messageContent } from '../message-input.js';
import { SEND_RATES } from '../policy.js';
import { IdempotencyHeadersSchema, SendMessageBodySchema, SentMessageSchema } from '../schemas.js';
import type { MessageSending } from '../send-message.js';
import { requireSender, type SenderKind } from '../sender.js';

/**
 * `POST /app/v1/messages` (CONTRACT §5). The order of the checks is the order of the
 * answers: token (401/403), Idempotency-Key (400), content (400), the sender's budget (429),
 * the key's earlier response (replay, 422, 409), the budget towards this recipient (429),
 * the recipient (404/403) and delivery (201).
 * Nothing before the delivery is stored against the key.
 */
export function registerSendRoute(
  app: TypedApp,
  ctx: AppContext,
  sending: MessageSending,
  senders: readonly SenderKind[],
): void {
  app.post(
    '/app/v1/messages',
    {
      schema: {
        tags: ['messaging'],
        summary: 'Send a message to a person by slug; exactly once per Idempotency-Key',
        security: [{ bearer: [] }],
        headers: IdempotencyHeadersSchema,
        body: SendMessageBodySchema,
        response: responses(201, SentMessageSchema),
      },
    },
    async (request, reply) => {
      const sender = await requireSender(senders, request, reply);
      const key = idempotencyKeyOf(request.headers['idempotency-key']);
      const content = messageContent(request.body);
      await enforceRate(ctx.rateLimiter, reply, SEND_RATES.perSender, sender.scope);
      // Replays and duplicates in flight do not spend the recipient's budget: it counts deliveries.
      const outcome = await sending.send(sender, key, content, () =>
        enforceRate(ctx.rateLimiter, reply, SEND_RATES.perRecipient, `${sender.scope}:${content.slug}`),
      );
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      reply.status(201);
      return ok(request, ctx.clock, outcome.data);
    },
  );
}
