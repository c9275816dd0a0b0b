import type { EventDataByType, EventType } from '@antara/protocol';
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import type { Database } from '../storage/schema.js';

/**
 * Records an event in the outbox. Call it with the transaction that makes the change the
 * event announces, so both commit or neither does; the webhook dispatcher delivers it later.
 */
export async function appendEvent<T extends EventType>(
  trx: Kysely<Database>,
  deps: { clock: Clock; random: Random },
  event: { type: T; appId: string; data: EventDataByType[T] },
): Promise<string> {
  const id = `evt_${deps.random.uuid().replaceAll('-', '')}`;
  // A SQL template rather than the query builder: every message sent appends an event, and
  // building the insert would cost more CPU than running it.
  await sql`
    insert into outbox (id, type, app_id, payload, created_at)
    values (${id}, ${event.type}, ${event.appId}, ${JSON.stringify(event.data)}, ${deps.clock.now()})`.execute(
    trx,
  );
  return id;
}
