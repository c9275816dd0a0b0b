import { appendEvents, type OutboxEvent } from '../events/outbox.js';
import { type Clock, toSeconds } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import { batchLoader } from '../storage/batch-loader.js';
import { batchWriter, type GroupCommit } from '../storage/group-commit.js';
import {
  createIdempotencyKeyRepository,
  type IdempotencyKeyRow,
  keySlot,
} from '../storage/repositories/idempotency-keys.js';
import type { Repositories } from '../storage/repositories/index.js';
import { createMessageRepository, type MessageRow } from '../storage/repositories/messages.js';
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

/** What one delivery writes, all or nothing: the key record, the message, its event. */
interface Delivery {
  record: IdempotencyKeyRow;
  message: MessageRow;
  event: OutboxEvent | null;
}

export function createMessageSending({ repos, clock, random, writer }: MessageSendingDeps): MessageSending {
  // Keys being processed by this process, with their fingerprint. A second request with the
  // same key meanwhile is answered at once (409, or 422 for a different request) instead of
  // queueing behind the first. Other processes meet in the database instead: see claim().
  const inFlight = new Map<string, string>();

  // The key records of sends that arrive together are looked up with one query.
  const findRecord = batchLoader((keys: ReadonlyArray<{ scope: string; key: string }>) =>
    repos.idempotencyKeys.findLiveMany(keys, clock.now()),
  );

  // Deliveries that arrive together are written with one statement per table, inside the
  // group commit's shared transaction. Each resolves to whether it claimed its key; one
  // that did not lost to another process and answers with the winner's response.
  const deliver = batchWriter(writer, async (trx, deliveries: readonly Delivery[]) => {
    const now = Math.max(...deliveries.map((d) => d.record.created_at));
    const claimed = await createIdempotencyKeyRepository(trx).claimMany(
      deliveries.map((d) => d.record),
      now,
    );
    const won = deliveries.map((d) => claimed.delete(keySlot(d.record)));
    const winners = deliveries.filter((_, i) => won[i]);
    await createMessageRepository(trx).insertMany(winners.map((d) => d.message));
    await appendEvents(
      trx,
      { clock, random },
      winners.flatMap((d) => (d.event ? [d.event] : [])),
    );
    return won;
  });

  function replay(record: IdempotencyKeyRow, fingerprint: string): SendOutcome {
    if (record.fingerprint !== fingerprint) throw reused();
    return { data: JSON.parse(record.response) as SentMessage, replayed: true };
  }

  return {
    async send(sender, key, content, admit) {
      const fingerprint = fingerprintOf(content);
      const earlier = await findRecord({ scope: sender.scope, key });
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
        const committed = await deliver({
          record: {
            scope: sender.scope,
            key,
            fingerprint,
            message_id: messageId,
            status_code: CREATED,
            response: JSON.stringify(data),
            created_at: now,
            expires_at: now + IDEMPOTENCY_TTL_MS,
          },
          message: {
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
          },
          event:
            sender.appId === null
              ? null
              : {
                  type: 'message.delivered',
                  appId: sender.appId,
                  data: { appId: sender.appId, messageId, userId: recipient.userId, slug: recipient.slug },
                },
        });
        if (committed) return { data, replayed: false };
        // Another request committed this key first: in another process, or in this one after
        // our lookup found nothing and before our claim.
        const winner = await repos.idempotencyKeys.findLive(sender.scope, key, clock.now());
        if (!winner) throw inProgress();
        return replay(winner, fingerprint);
      } finally {
        inFlight.delete(slot);
      }
    },
  };
}
