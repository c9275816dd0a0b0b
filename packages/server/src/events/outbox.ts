import type { EventDataByType, EventType } from '@antara/protocol';
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import type { Database } from '../storage/schema.js';

/** An event as the outbox stores it; the dispatcher turns it into webhook deliveries. */
export type OutboxEvent<T extends EventType = EventType> = {
  type: T;
  appId: string;
  data: EventDataByType[T];
};

/**
 * Records an event in the outbox. Call it with the transaction that makes the change the
 * event announces, so both commit or neither does; the webhook dispatcher delivers it later.
 */
export async function appendEvent<T extends EventType>(
  trx: Kysely<Database>,
  deps: { clock: Clock; random: Random },
  event: OutboxEvent<T>,
): Promise<string> {
  const [id] = await appendEvents(trx, deps, [event]);
  return id!;
}

/** appendEvent() for many events in one statement (the send path writes a batch at once). */
export async function appendEvents(
  trx: Kysely<Database>,
  deps: { clock: Clock; random: Random },
  events: readonly OutboxEvent[],
): Promise<string[]> {
  if (events.length === 0) return [];
  const now = deps.clock.now();
  const ids = events.map(() => `evt_${deps.random.uuid().replaceAll('-', '')}`);
  // A SQL template rather than the query builder: every message sent appends an event, and
  // building the insert would cost more CPU than running it.
  const values = sql.join(
    events.map(
      (event, i) => sql`(${ids[i]}, ${event.type}, ${event.appId}, ${JSON.stringify(event.data)}, ${now})`,
    ),
  );
  await sql`insert into outbox (id, type, app_id, payload, created_at) values ${values}`.execute(trx);
  return ids;
}
