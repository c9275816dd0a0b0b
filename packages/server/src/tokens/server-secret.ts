import type { Kysely } from 'kysely';
import type { Random } from '../lib/random.js';
import type { Database } from '../storage/schema.js';

/**
 * The HMAC key for codes and CSRF tokens: ANTARA_SECRET when set, otherwise one generated
 * at first start and kept in the database so that every instance shares it.
 */
export async function loadServerSecret(
  db: Kysely<Database>,
  configured: string | undefined,
  random: Random,
  now: number,
): Promise<string> {
  if (configured) return configured;
  await db
    .insertInto('server_keys')
    .values({ name: 'hmac-secret', value: random.bytes(48).toString('base64url'), created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('server_keys')
    .select('value')
    .where('name', '=', 'hmac-secret')
    .executeTakeFirstOrThrow();
  return row.value;
}
