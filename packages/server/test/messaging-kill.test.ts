import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Config } from '../src/config/config.js';
import { type Served, startServe } from './support/antara-process.js';
import { eachDialect } from './support/dialects.js';
import { type Harness, signIn, startHarness } from './support/harness.js';
import { approve, messagingApp } from './support/messaging.js';

const KEYS = 400;
const WORKERS = 16;
/** Kill the server once this many sends were answered, while the rest are in flight. */
const KILL_AFTER = 120;

function databaseUrl(database: Config['database']): string {
  return database.kind === 'sqlite' ? `sqlite://${database.file}` : database.url;
}

eachDialect('messaging survives kill -9: every key maps to exactly one stored message', (dialect) => {
  let h: Harness;
  let server: Served | undefined;

  beforeAll(async () => {
    // The harness prepares the database (app, key, person, grant) with the real clock; the
    // server under test is a separate `antara serve` process over the same database.
    h = await startHarness({ dialect, realClock: true });
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null)
      server.child.kill('SIGKILL');
    await h?.close();
  });

  it('loses no acknowledged message and duplicates none when the process dies mid-stream', async () => {
    const app = await messagingApp(h, 'dev@durable.example');
    const person = await signIn(h, 'durable@example.com');
    const { slug } = await approve(h, person, app.appId);
    const env = { ANTARA_DATABASE_URL: databaseUrl(h.config.database), ANTARA_RATE_LIMITS: 'off' };

    const keys = Array.from({ length: KEYS }, (_, i) => `durable-${i}`);
    const acknowledged = new Map<string, string>();
    const sendOne = async (baseUrl: string, key: string) => {
      const res = await fetch(`${baseUrl}/app/v1/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${app.aat}`,
          'idempotency-key': key,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ slug, body: `message for ${key}` }),
      });
      if (res.status !== 201) throw new Error(`${key}: ${res.status} ${await res.text()}`);
      return {
        messageId: (await res.json()).data.messageId as string,
        replayed: res.headers.get('idempotent-replayed'),
      };
    };

    server = await startServe(env);
    const first = server;
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < keys.length && !killed) {
        const key = keys[next++]!;
        try {
          const { messageId } = await sendOne(first.baseUrl, key);
          acknowledged.set(key, messageId);
          if (acknowledged.size >= KILL_AFTER && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        } catch {
          // The response was lost: the process died with this request in flight.
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const died = await first.exited;
    expect(died.signal).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(acknowledged.size).toBeLessThan(KEYS);

    // Restart over the same database and send every key again: the lost ones (and those
    // never sent) are delivered now, the acknowledged ones are replayed with their first id.
    server = await startServe(env);
    const second = server;
    const outcomes = new Map<string, { messageId: string; replayed: string | null }>();
    let cursor = 0;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (cursor < keys.length) {
          const key = keys[cursor++]!;
          outcomes.set(key, await sendOne(second.baseUrl, key));
        }
      }),
    );
    for (const [key, messageId] of acknowledged) {
      expect(outcomes.get(key)).toEqual({ messageId, replayed: 'true' });
    }

    const records = await h.ctx.storage.db
      .selectFrom('idempotency_keys')
      .select(['key', 'message_id'])
      .where('scope', '=', `app:${app.appId}`)
      .execute();
    const messages = await h.ctx.storage.db
      .selectFrom('messages')
      .select(['id', 'body'])
      .where('user_id', '=', person.user.id)
      .execute();
    const events = await h.ctx.storage.db
      .selectFrom('outbox')
      .select('payload')
      .where('type', '=', 'message.delivered')
      .execute();
    expect(records).toHaveLength(KEYS);
    expect(messages).toHaveLength(KEYS);
    expect(events).toHaveLength(KEYS);
    const bodyById = new Map(messages.map((m) => [m.id, m.body]));
    for (const record of records) {
      expect(bodyById.get(record.message_id)).toBe(`message for ${record.key}`);
      expect(outcomes.get(record.key)?.messageId).toBe(record.message_id);
    }
    expect(new Set(events.map((e) => JSON.parse(e.payload).messageId))).toEqual(new Set(bodyById.keys()));

    second.child.kill('SIGTERM');
    await second.exited;
  }, 120_000);
});
