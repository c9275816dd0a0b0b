import os from 'node:os';
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { batchWriter, createGroupCommit } from '../storage/group-commit.js';
import {
  createWebhookDeliveryRepository,
  type WebhookDeliveryRow,
} from '../storage/repositories/webhook-deliveries.js';
import {
  createWebhookEndpointRepository,
  type WebhookEndpointRow,
} from '../storage/repositories/webhook-endpoints.js';
import type { Database } from '../storage/schema.js';
import type { HostResolver } from './destination.js';
import { fanOutBatch } from './fan-out.js';
import {
  type AttemptResult,
  createWebhookClient,
  DELIVERY_TIMEOUT_MS,
  type WebhookClient,
} from './http-client.js';
import { notifyOwners } from './owner-notice.js';
import {
  type AttemptVerdict,
  DELIVERY_RETENTION_MS,
  DISABLE_AFTER_FAILING_MS,
  judgeAttempt,
  OUTBOX_RETENTION_MS,
} from './retry-schedule.js';
import { signedHeaders } from './signature.js';

export interface DispatcherOptions {
  /** Names this dispatcher's leases; unique per process. */
  instanceId?: string;
  /** Per-attempt timeout (15 s). Tests shorten it. */
  timeoutMs?: number;
  /** How long a lease lasts; must outlive an attempt. Default: timeout + 45 s. */
  leaseMs?: number;
  /** Most attempts in flight at once. */
  maxInFlight?: number;
  /** How often an idle dispatcher looks for work, in real milliseconds. */
  pollMs?: number;
  /** Outbox events fanned out per transaction. */
  fanOutBatch?: number;
  /** DNS for connect-time checks; the context's resolver by default. */
  resolve?: HostResolver;
  /** The HTTP client; a checked undici Agent by default. */
  client?: WebhookClient;
  onError?: (error: unknown) => void;
}

export interface PassSummary {
  fannedOut: number;
  attempted: number;
  succeeded: number;
}

/**
 * Delivers webhooks from the outbox: fans events out to subscribed endpoints, leases due
 * deliveries, signs and sends them, records every attempt and schedules the next.
 *
 * Two ways to run it: `start()`/`stop()` in the server (a loop that keeps up to `maxInFlight`
 * attempts going), or `runOnce()` in tests and scripts (one full pass, awaited, so a test
 * clock decides what is due).
 */
export interface WebhookDispatcher {
  readonly instanceId: string;
  runOnce(): Promise<PassSummary>;
  /** Deletes finished deliveries after 30 days and fanned-out outbox events after 7 (the loop does it every 10 minutes). */
  purge(): Promise<{ deliveries: number; events: number }>;
  start(): void;
  /** Stops leasing, lets attempts in flight finish (each is bounded by the timeout) and records them. */
  stop(): Promise<void>;
}

interface Settlement {
  delivery: WebhookDeliveryRow;
  endpoint: WebhookEndpointRow;
  attemptedAt: number;
  webhookTimestamp: number;
  result: AttemptResult;
  verdict: AttemptVerdict;
  now: number;
}

export function createWebhookDispatcher(ctx: AppContext, options: DispatcherOptions = {}): WebhookDispatcher {
  const instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}:${ctx.random.uuid().slice(0, 8)}`;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const leaseMs = options.leaseMs ?? timeoutMs + 45_000;
  const maxInFlight = options.maxInFlight ?? 256;
  const pollMs = options.pollMs ?? 100;
  const fanOutLimit = options.fanOutBatch ?? 500;
  const onError = options.onError ?? (() => undefined);
  const client =
    options.client ??
    createWebhookClient({
      policy: ctx.webhooks.policy,
      resolve: options.resolve ?? ctx.webhooks.resolve,
      timeoutMs,
    });
  // Attempts that finish together are recorded in one transaction (one fsync on SQLite),
  // written with one statement per table; a batch that fails is retried item by item.
  const recorderCommit = createGroupCommit(ctx.storage);
  const record = batchWriter(recorderCommit, async (trx, batch: readonly Settlement[]) => {
    await settle(trx, batch);
    return batch.map(() => undefined);
  });
  const skipLocked = ctx.storage.capabilities.supportsSkipLocked;
  const inFlight = new Set<Promise<boolean>>();

  async function fanOutAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const { events } = await fanOutBatch(ctx.storage, ctx, fanOutLimit);
      total += events;
      if (events < fanOutLimit) return total;
    }
  }

  async function lease(
    limit: number,
  ): Promise<Array<{ delivery: WebhookDeliveryRow; endpoint?: WebhookEndpointRow }>> {
    const now = ctx.clock.now();
    const rows = await ctx.repos.webhookDeliveries.lease({
      now,
      limit,
      owner: instanceId,
      leaseUntil: now + leaseMs,
      skipLocked,
    });
    if (rows.length === 0) return [];
    const endpoints = await ctx.repos.webhookEndpoints.listByIds([
      ...new Set(rows.map((r) => r.endpoint_id)),
    ]);
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    return rows.map((delivery) => ({ delivery, endpoint: byId.get(delivery.endpoint_id) }));
  }

  /** One attempt of a leased delivery, recorded before it resolves. True when it succeeded. */
  async function attempt(
    delivery: WebhookDeliveryRow,
    endpoint: WebhookEndpointRow | undefined,
  ): Promise<boolean> {
    if (endpoint?.status !== 'enabled') {
      // Disabled (or deleted) after this delivery was queued: nothing is sent.
      await ctx.repos.webhookDeliveries.abandon(delivery.id, instanceId, ctx.clock.now());
      return false;
    }
    const attemptedAt = ctx.clock.now();
    const webhookTimestamp = Math.floor(attemptedAt / 1000);
    const headers = signedHeaders(
      ctx.webhooks.signingSecrets(endpoint, attemptedAt),
      delivery.event_id,
      webhookTimestamp,
      delivery.payload,
    );
    const result = await client.post(endpoint.url, headers, delivery.payload, attemptedAt);
    const now = ctx.clock.now();
    const verdict = judgeAttempt(result, delivery.schedule_step, now);
    await record({ delivery, endpoint, attemptedAt, webhookTimestamp, result, verdict, now });
    return verdict.kind === 'succeeded';
  }

  /** Records a batch of attempts in one transaction: one insert, one update for the successes. */
  async function settle(trx: Kysely<Database>, batch: readonly Settlement[]): Promise<void> {
    const deliveries = createWebhookDeliveryRepository(trx);
    const endpoints = createWebhookEndpointRepository(trx);
    const recorded = await deliveries.insertAttempts(
      batch.map((s) => ({
        id: ctx.random.uuid(),
        delivery_id: s.delivery.id,
        endpoint_id: s.endpoint.id,
        attempt_number: s.delivery.attempt_count + 1,
        attempted_at: s.attemptedAt,
        webhook_timestamp: s.webhookTimestamp,
        outcome: s.verdict.kind === 'succeeded' ? 'succeeded' : 'failed',
        status_code: s.result.statusCode ?? null,
        latency_ms: s.result.latencyMs,
        response_excerpt: s.result.excerpt,
        error: s.result.error,
      })),
    );
    // An attempt another dispatcher recorded first (after our lease ran out) is its to settle.
    const mine = batch.filter((s) => recorded.has(s.delivery.id));
    const succeeded = mine.filter((s) => s.verdict.kind === 'succeeded');
    if (succeeded.length > 0) {
      const now = Math.max(...succeeded.map((s) => s.now));
      await deliveries.settleSucceeded(
        succeeded.map((s) => s.delivery.id),
        instanceId,
        now,
      );
      for (const endpointId of new Set(succeeded.map((s) => s.endpoint.id)))
        await endpoints.markHealthy(endpointId);
    }
    for (const s of mine) {
      if (s.verdict.kind !== 'succeeded') await settleFailure(deliveries, endpoints, s);
    }
  }

  async function settleFailure(
    deliveries: ReturnType<typeof createWebhookDeliveryRepository>,
    endpoints: ReturnType<typeof createWebhookEndpointRepository>,
    s: Settlement,
  ): Promise<void> {
    const { delivery, endpoint, verdict, now } = s;
    await deliveries.settle({
      id: delivery.id,
      owner: instanceId,
      expectedAttemptCount: delivery.attempt_count,
      status: verdict.kind === 'retry' ? 'pending' : 'failed',
      scheduleStep: verdict.kind === 'retry' ? verdict.scheduleStep : delivery.schedule_step,
      nextAttemptAt: verdict.kind === 'retry' ? verdict.nextAttemptAt : null,
      now,
    });
    if (verdict.kind === 'gone') {
      if (await endpoints.disable(endpoint.id, 'gone', now))
        await deliveries.failPendingOfEndpoint(endpoint.id, now);
      return;
    }
    await endpoints.markFailing(endpoint.id, s.attemptedAt);
    const current = await endpoints.findById(endpoint.id);
    if (
      current?.status === 'enabled' &&
      current.failing_since !== null &&
      now - current.failing_since >= DISABLE_AFTER_FAILING_MS &&
      (await endpoints.disable(endpoint.id, 'failing', now))
    ) {
      await deliveries.failPendingOfEndpoint(endpoint.id, now);
    }
  }

  function track(work: Promise<boolean>): Promise<boolean> {
    const tracked = work.catch((error) => {
      onError(error);
      return false;
    });
    inFlight.add(tracked);
    void tracked.finally(() => {
      inFlight.delete(tracked);
      // Why a low-water mark: refilling one slot at a time would cost a lease query (and a
      // transaction) per delivery; refilling a quarter of the window at once amortises it.
      if (waitingForSlots && inFlight.size <= maxInFlight - refillAt) {
        waitingForSlots = false;
        wake();
      }
    });
    return tracked;
  }

  async function runOnce(): Promise<PassSummary> {
    const fannedOut = await fanOutAll();
    await notifyOwners(ctx).catch(onError);
    let attempted = 0;
    let succeeded = 0;
    for (;;) {
      const batch = await lease(maxInFlight);
      if (batch.length === 0) break;
      const outcomes = await Promise.all(
        batch.map(({ delivery, endpoint }) => track(attempt(delivery, endpoint))),
      );
      attempted += batch.length;
      succeeded += outcomes.filter(Boolean).length;
    }
    return { fannedOut, attempted, succeeded };
  }

  async function purge(): Promise<{ deliveries: number; events: number }> {
    const now = ctx.clock.now();
    const total = { deliveries: 0, events: 0 };
    // In slices, so that a large backlog of old rows never holds the database for long.
    for (;;) {
      const done = await ctx.repos.webhookDeliveries.purge(
        now - DELIVERY_RETENTION_MS,
        now - OUTBOX_RETENTION_MS,
        1000,
      );
      total.deliveries += done.deliveries;
      total.events += done.events;
      if (done.deliveries < 1000 && done.events < 1000) return total;
    }
  }

  let running: Promise<void> | null = null;
  let stopping = false;
  let wakeUp: (() => void) | null = null;
  let waitingForSlots = false;
  const refillAt = Math.max(1, Math.floor(maxInFlight / 4));
  function wake(): void {
    const w = wakeUp;
    wakeUp = null;
    w?.();
  }
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        wakeUp = null;
        resolve();
      }, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function loop(): Promise<void> {
    let lastNotice = 0;
    let lastPurge = 0;
    while (!stopping) {
      try {
        const fanned = (await fanOutBatch(ctx.storage, ctx, fanOutLimit)).events;
        if (Date.now() - lastNotice > 10_000) {
          lastNotice = Date.now();
          await notifyOwners(ctx);
        }
        if (Date.now() - lastPurge > 10 * 60_000) {
          lastPurge = Date.now();
          await purge();
        }
        const free = maxInFlight - inFlight.size;
        const batch = free >= refillAt ? await lease(free) : [];
        for (const { delivery, endpoint } of batch) void track(attempt(delivery, endpoint));
        if (stopping || fanned === fanOutLimit) continue;
        if (free < refillAt || batch.length === free) {
          // More may be due: wait until enough slots are free, not for the poll interval.
          waitingForSlots = true;
          if (inFlight.size <= maxInFlight - refillAt) continue;
        }
        await pause(pollMs);
      } catch (error) {
        onError(error);
        if (!stopping) await pause(1000);
      }
    }
  }

  return {
    instanceId,
    runOnce,
    purge,
    start() {
      if (running) return;
      stopping = false;
      running = loop();
    },
    async stop() {
      stopping = true;
      wake();
      await running;
      running = null;
      await Promise.allSettled([...inFlight]);
      await recorderCommit.close();
      await client.close();
    },
  };
}
