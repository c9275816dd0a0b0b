import type { Kysely } from 'kysely';
import type { Clock } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import type { Storage } from '../storage/database.js';
import {
  createWebhookDeliveryRepository,
  type OutboxRow,
  type WebhookDeliveryRow,
} from '../storage/repositories/webhook-deliveries.js';
import {
  createWebhookEndpointRepository,
  type WebhookEndpointRow,
} from '../storage/repositories/webhook-endpoints.js';
import type { Database } from '../storage/schema.js';
import { newDelivery } from './new-delivery.js';

/**
 * The exact body of a delivery: `{type, timestamp, data}` (CONTRACT §6). Built once at fan-out
 * and stored, so that every attempt sends the same bytes. `data` is the outbox payload as its
 * producer wrote it: app-facing fields only.
 */
export function webhookBody(event: OutboxRow): string {
  return `{"type":${JSON.stringify(event.type)},"timestamp":${JSON.stringify(new Date(event.created_at).toISOString())},"data":${event.payload}}`;
}

function subscribed(endpoint: WebhookEndpointRow, event: OutboxRow): boolean {
  return (
    endpoint.app_id === event.app_id &&
    // An endpoint registered after the event happened does not get it.
    endpoint.created_at <= event.created_at &&
    (JSON.parse(endpoint.events) as string[]).includes(event.type)
  );
}

/**
 * Turns up to `limit` outbox events into one delivery per subscribed, enabled endpoint, in one
 * transaction that also marks the events as fanned out. On PostgreSQL the events are taken
 * with FOR UPDATE SKIP LOCKED, so concurrent dispatchers split them; the unique
 * (endpoint, event) pair makes a repeat harmless in any case. Returns the events handled.
 */
export async function fanOutBatch(
  storage: Storage,
  deps: { clock: Clock; random: Random },
  limit: number,
): Promise<{ events: number; deliveries: number }> {
  return storage.db.transaction().execute(async (trx: Kysely<Database>) => {
    const deliveries = createWebhookDeliveryRepository(trx);
    const endpoints = createWebhookEndpointRepository(trx);
    const events = await deliveries.claimOutbox(limit, storage.capabilities.supportsSkipLocked);
    if (events.length === 0) return { events: 0, deliveries: 0 };
    const appIds = [...new Set(events.map((e) => e.app_id).filter((id): id is string => id !== null))];
    const candidates = await endpoints.listEnabledByApps(appIds);
    const now = deps.clock.now();
    const rows: WebhookDeliveryRow[] = [];
    for (const event of events) {
      for (const endpoint of candidates) {
        if (!subscribed(endpoint, event)) continue;
        rows.push(
          newDelivery(
            deps.random.uuid(),
            { endpointId: endpoint.id, appId: endpoint.app_id },
            { id: event.id, type: event.type, payload: webhookBody(event) },
            now,
          ),
        );
      }
    }
    const inserted = await deliveries.insertMany(rows);
    await deliveries.markFannedOut(
      events.map((e) => e.id),
      now,
    );
    return { events: events.length, deliveries: inserted };
  });
}
