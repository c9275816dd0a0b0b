import type { EventDataByType, EventType } from '@antara/protocol';
import type { Kysely } from 'kysely';
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
  await trx
    .insertInto('outbox')
    .values({
      id,
      type: event.type,
      app_id: event.appId,
      payload: JSON.stringify(event.data),
      created_at: deps.clock.now(),
    })
    .execute();
  return id;
}
