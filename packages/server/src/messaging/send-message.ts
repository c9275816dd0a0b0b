import { appendEvent } from '../events/outbox.js';
import { type Clock, toSeconds } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import type { GroupCommit } from '../storage/group-commit.js';
import {
  createIdempotencyKeyRepository,
  type IdempotencyKeyRow,
} from '../storage/repositories/idempotency-keys.js';
import type { Repositories } from '../storage/repositories/index.js';
import { createMessageRepository } from '../storage/repositories/messages.js';
import { fingerprintOf, inProgress, reused } from './idempotency.js';
import type { MessageContent } from './message-input.js';
import { IDEMPOTENCY_TTL_MS } from './policy.js';
import type { Sender } from './sender.js';

/** The `data` of a 201 from POST /app/v1/messages; exactly this is replayed for the key. */
export interface SentMessage {
  messageId: string;
  slug: string;
  status: 'delivered';
  /** Epoch seconds. */
  createdAt: number;
}

export interface SendOutcome {
  data: SentMessage;
  /** True when this is the stored response of an earlier request with the same key. */
  replayed: boolean;
}

export interface MessageSending {
  /**
   * Delivers a message exactly once per (sender, Idempotency-Key). Resolves after the key
   * record, the message and its `message.delivered` event have committed together.
   * `admit` runs only for a request that is neither a replay nor a duplicate in flight,
   * before the recipient is resolved: the place for budgets that count deliveries.
   */
  send(
    sender: Sender,
    key: string,
    content: MessageContent,
    admit?: () => Promise<void>,
  ): Promise<SendOutcome>;
}

export interface MessageSendingDeps {
  repos: Repositories;
  clock: Clock;
  random: Random;
  writer: GroupCommit;
}

const CREATED = 201;

export function createMessageSending({ repos, clock, random, writer }: MessageSendingDeps): MessageSending {
  // Keys being processed by this process, with their fingerprint. A second request with the
  // same key meanwhile is answered at once (409, or 422 for a different request) instead of
  // queueing behind the first. Other processes meet in the database instead: see claim().
  const inFlight = new Map<string, string>();

  function replay(record: IdempotencyKeyRow, fingerprint: string): SendOutcome {
    if (record.fingerprint !== fingerprint) throw reused();
    return { data: JSON.parse(record.response) as SentMessage, replayed: true };
  }

  return {
    async send(sender, key, content, admit) {
      const fingerprint = fingerprintOf(content);
      const earlier = await repos.idempotencyKeys.findLive(sender.scope, key, clock.now());
      if (earlier) return replay(earlier, fingerprint);

      const slot = `${sender.scope}\u0000${key}`;
      const running = inFlight.get(slot);
      if (running !== undefined) throw running === fingerprint ? inProgress() : reused();
      inFlight.set(slot, fingerprint);
      try {
        await admit?.();
        const recipient = await sender.resolve(content.slug);
        const now = clock.now();
        const messageId = random.uuid();
        const data: SentMessage = {
          messageId,
          slug: recipient.slug,
          status: 'delivered',
          createdAt: toSeconds(now),
        };
        const committed = await writer.run(async (trx) => {
          const claimed = await createIdempotencyKeyRepository(trx).claim(
            {
              scope: sender.scope,
              key,
              fingerprint,
              message_id: messageId,
              status_code: CREATED,
              response: JSON.stringify(data),
              created_at: now,
              expires_at: now + IDEMPOTENCY_TTL_MS,
            },
            now,
          );
          if (!claimed) return false;
          await createMessageRepository(trx).insert({
            id: messageId,
            user_id: recipient.accountId,
            sender_kind: sender.kind,
            sender_id: sender.id,
            app_id: sender.appId,
            slug: recipient.slug,
            subject: content.subject,
            body: content.body,
            created_at: now,
            read_at: null,
          });
          if (sender.appId !== null) {
            await appendEvent(
              trx,
              { clock, random },
              {
                type: 'message.delivered',
                appId: sender.appId,
                data: { appId: sender.appId, messageId, userId: recipient.userId, slug: recipient.slug },
              },
            );
          }
          return true;
        });
        if (committed) return { data, replayed: false };
        // Another process committed this key first (its claim won in the database).
        const winner = await repos.idempotencyKeys.findLive(sender.scope, key, clock.now());
        if (!winner) throw inProgress();
        return replay(winner, fingerprint);
      } finally {
        inFlight.delete(slot);
      }
    },
  };
}
