import type { Kysely, Selectable } from 'kysely';
import type { Database, OutboxTable, WebhookAttemptsTable, WebhookDeliveriesTable } from '../schema.js';

export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
export type OutboxRow = Selectable<OutboxTable>;

/** What one attempt decided for its delivery. */
export interface DeliveryOutcome {
  id: string;
  owner: string;
  /** attempt_count before this attempt: the update applies only if nobody else counted one since. */
  expectedAttemptCount: number;
  status: 'pending' | 'succeeded' | 'failed';
  scheduleStep: number;
  nextAttemptAt: number | null;
  now: number;
}

export interface WebhookDeliveryRepository {
  /** Inserts deliveries; a pair (endpoint, event) that exists already is skipped. Returns how many were new. */
  insertMany(rows: readonly WebhookDeliveryRow[]): Promise<number>;
  findForEndpoint(endpointId: string, id: string): Promise<WebhookDeliveryRow | undefined>;
  /** Newest first; `before` is the (created_at, id) of the last row seen. */
  listByEndpoint(
    endpointId: string,
    limit: number,
    options: { before?: { createdAt: number; id: string }; status?: string },
  ): Promise<WebhookDeliveryRow[]>;
  listAttempts(deliveryIds: readonly string[]): Promise<WebhookAttemptRow[]>;
  /**
   * Leases up to `limit` due deliveries for `owner` until `leaseUntil`. With `skipLocked`
   * (PostgreSQL) concurrent dispatchers take disjoint rows; without it the database must
   * have a single writer (SQLite), where the statement is atomic anyway.
   */
  lease(options: {
    now: number;
    limit: number;
    owner: string;
    leaseUntil: number;
    skipLocked: boolean;
  }): Promise<WebhookDeliveryRow[]>;
  /**
   * Records attempts; an attempt number recorded already (by a dispatcher whose lease ran out)
   * is skipped. Returns the delivery ids whose attempt was recorded now.
   */
  insertAttempts(rows: readonly WebhookAttemptRow[]): Promise<Set<string>>;
  /** Applies an outcome if `owner` still holds the lease; releases the lease. */
  settle(outcome: DeliveryOutcome): Promise<boolean>;
  /** Marks deliveries succeeded by one attempt each, where `owner` still holds the lease. */
  settleSucceeded(ids: readonly string[], owner: string, now: number): Promise<void>;
  /** Gives up on a leased delivery without an attempt (its endpoint was disabled meanwhile). */
  abandon(id: string, owner: string, now: number): Promise<void>;
  /** Queues a delivery again with a fresh schedule; 'in-flight' if an attempt is under way. */
  requeue(endpointId: string, id: string, now: number): Promise<WebhookDeliveryRow | 'in-flight' | undefined>;
  /** Fails every pending delivery of an endpoint that no other dispatcher is attempting. */
  failPendingOfEndpoint(endpointId: string, now: number): Promise<number>;
  /** Outbox events not yet fanned out, oldest first, locked for this transaction where possible. */
  claimOutbox(limit: number, skipLocked: boolean): Promise<OutboxRow[]>;
  markFannedOut(eventIds: readonly string[], now: number): Promise<void>;
  /**
   * Deletes up to `limit` finished deliveries (and so their attempts) completed before
   * `deliveriesBefore`, and up to `limit` outbox events fanned out before `outboxBefore`.
   */
  purge(
    deliveriesBefore: number,
    outboxBefore: number,
    limit: number,
  ): Promise<{ deliveries: number; events: number }>;
}

const CHUNK = 200;

export function createWebhookDeliveryRepository(db: Kysely<Database>): WebhookDeliveryRepository {
  const findForEndpoint = (endpointId: string, id: string) =>
    db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .where('endpoint_id', '=', endpointId)
      .executeTakeFirst();
  return {
    async insertMany(rows) {
      let inserted = 0;
      for (let i = 0; i < rows.length; i += CHUNK) {
        const result = await db
          .insertInto('webhook_deliveries')
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
          .executeTakeFirst();
        inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      return inserted;
    },
    findForEndpoint,
    listByEndpoint(endpointId, limit, { before, status }) {
      let query = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
      if (status) query = query.where('status', '=', status);
      if (before) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', before.createdAt),
            eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
          ]),
        );
      }
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },
    listAttempts: async (deliveryIds) =>
      deliveryIds.length === 0
        ? []
        : db
            .selectFrom('webhook_attempts')
            .selectAll()
            .where('delivery_id', 'in', deliveryIds)
            .orderBy('attempt_number', 'asc')
            .execute(),
    lease({ now, limit, owner, leaseUntil, skipLocked }) {
      return (
        db
          .updateTable('webhook_deliveries')
          .set({ lease_owner: owner, lease_until: leaseUntil })
          .where('id', 'in', (eb) => {
            const due = eb
              .selectFrom('webhook_deliveries as d')
              .select('d.id')
              .where('d.status', '=', 'pending')
              .where('d.next_attempt_at', '<=', now)
              .where((w) => w.or([w('d.lease_until', 'is', null), w('d.lease_until', '<', now)]))
              .orderBy('d.next_attempt_at', 'asc')
              .limit(limit);
            return skipLocked ? due.forUpdate().skipLocked() : due;
          })
          // Repeated outside the subquery: a row another dispatcher leased meanwhile is not taken.
          .where('status', '=', 'pending')
          .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', now)]))
          .returningAll()
          .execute()
      );
    },
    async insertAttempts(rows) {
      const recorded = new Set<string>();
      for (let i = 0; i < rows.length; i += CHUNK) {
        const inserted = await db
          .insertInto('webhook_attempts')
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) => oc.columns(['delivery_id', 'attempt_number']).doNothing())
          .returning('delivery_id')
          .execute();
        for (const row of inserted) recorded.add(row.delivery_id);
      }
      return recorded;
    },
    async settleSucceeded(ids, owner, now) {
      for (let i = 0; i < ids.length; i += CHUNK) {
        await db
          .updateTable('webhook_deliveries')
          .set((eb) => ({
            status: 'succeeded',
            attempt_count: eb('attempt_count', '+', 1),
            next_attempt_at: null,
            lease_owner: null,
            lease_until: null,
            updated_at: now,
            completed_at: now,
          }))
          .where('id', 'in', ids.slice(i, i + CHUNK))
          .where('lease_owner', '=', owner)
          .execute();
      }
    },
    async settle(outcome) {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({
          status: outcome.status,
          attempt_count: outcome.expectedAttemptCount + 1,
          schedule_step: outcome.scheduleStep,
          next_attempt_at: outcome.nextAttemptAt,
          lease_owner: null,
          lease_until: null,
          updated_at: outcome.now,
          completed_at: outcome.status === 'pending' ? null : outcome.now,
        })
        .where('id', '=', outcome.id)
        .where('lease_owner', '=', outcome.owner)
        .where('attempt_count', '=', outcome.expectedAttemptCount)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async abandon(id, owner, now) {
      await db
        .updateTable('webhook_deliveries')
        .set({
          status: 'failed',
          next_attempt_at: null,
          lease_owner: null,
          lease_until: null,
          updated_at: now,
          completed_at: now,
        })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    },
    async requeue(endpointId, id, now) {
      const row = await db
        .updateTable('webhook_deliveries')
        .set({
          status: 'pending',
          schedule_step: 0,
          next_attempt_at: now,
          lease_owner: null,
          lease_until: null,
          updated_at: now,
          completed_at: null,
        })
        .where('id', '=', id)
        .where('endpoint_id', '=', endpointId)
        .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', now)]))
        .returningAll()
        .executeTakeFirst();
      if (row) return row;
      const existing = await findForEndpoint(endpointId, id);
      return existing ? 'in-flight' : undefined;
    },
    async failPendingOfEndpoint(endpointId, now) {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'failed', next_attempt_at: null, updated_at: now, completed_at: now })
        .where('endpoint_id', '=', endpointId)
        .where('status', '=', 'pending')
        .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    claimOutbox(limit, skipLocked) {
      const query = db
        .selectFrom('outbox')
        .selectAll()
        .where('webhooks_fanned_out_at', 'is', null)
        .orderBy('created_at', 'asc')
        .limit(limit);
      return (skipLocked ? query.forUpdate().skipLocked() : query).execute();
    },
    async purge(deliveriesBefore, outboxBefore, limit) {
      const deliveries = await db
        .deleteFrom('webhook_deliveries')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('webhook_deliveries')
            .select('id')
            .where('status', 'in', ['succeeded', 'failed'])
            .where('completed_at', '<', deliveriesBefore)
            .limit(limit),
        )
        .executeTakeFirst();
      const events = await db
        .deleteFrom('outbox')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('outbox')
            .select('id')
            .where('webhooks_fanned_out_at', '<', outboxBefore)
            .limit(limit),
        )
        .executeTakeFirst();
      return { deliveries: Number(deliveries.numDeletedRows), events: Number(events.numDeletedRows) };
    },
    async markFannedOut(eventIds, now) {
      for (let i = 0; i < eventIds.length; i += CHUNK) {
        await db
          .updateTable('outbox')
          .set({ webhooks_fanned_out_at: now })
          .where('id', 'in', eventIds.slice(i, i + CHUNK))
          .execute();
      }
    },
  };
}
