import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppSession, UserSession } from '@antara/protocol';
import { type AntaraServer, freshPostgres } from '../lib/antara.js';
import type { Reference, Scenario } from '../lib/scenario.js';
import { freePort, startServerProcess } from '../lib/server-process.js';
import { appWithKey } from './api-key-exchange.js';

const RECIPIENTS = 50;
const REDIRECT_URI = 'https://bench.example/callback';
/** One response in this many is kept and checked after the load. */
const SAMPLE_EVERY = 250;

/**
 * What the hardware does with one durable write per request: bench/servers/raw-insert.ts,
 * one INSERT in its own transaction per POST, on a fresh database of the same kind.
 */
export const rawInsert: Reference = {
  name: 'raw-insert',
  description: 'one durable single-row INSERT per request, its own transaction (bench/servers/raw-insert.ts)',
  request: {
    method: 'POST',
    path: '/insert',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'Your order #1234 shipped!' }),
  },
  async start(database, postgresAdminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'antara-raw-insert-'));
    const postgres = database === 'postgres' ? await freshPostgres(postgresAdminUrl) : undefined;
    const port = await freePort();
    const server = await startServerProcess({
      name: 'raw-insert',
      script: 'bench/servers/raw-insert.ts',
      env: {
        PORT: String(port),
        NODE_ENV: 'production',
        RAW_INSERT_DATABASE: postgres?.url ?? path.join(dir, 'raw.sqlite'),
      },
      readyLine: /^raw-insert listening/,
    });
    return {
      url: `http://127.0.0.1:${port}`,
      pid: server.pid,
      async stop() {
        await server.stop();
        await postgres?.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A person signs in and approves the app through the OAuth JSON flow; returns their slug. */
async function approve(server: AntaraServer, email: string, appId: string) {
  const person = await server.signIn(email);
  const verifier = randomBytes(32).toString('base64url');
  const { redirectTo } = await server.call<{ redirectTo: string }>(
    'POST',
    '/oauth/consent',
    {
      client_id: appId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: 'bench',
      scope: 'identity.read messages.send',
      decision: 'approve',
    },
    { authorization: `Bearer ${person.accessToken}` },
  );
  const token = await server.call<{ user: { slug: string } }>('POST', '/oauth/token', {
    grant_type: 'authorization_code',
    code: new URL(redirectTo).searchParams.get('code'),
    redirect_uri: REDIRECT_URI,
    client_id: appId,
    code_verifier: verifier,
  });
  return { person, slug: token.user.slug };
}

interface Sample {
  person: UserSession;
  key: string;
  payload: string;
  messageId?: string;
}

/**
 * Issue 5: an app sending messages, each with a fresh Idempotency-Key, to 50 people who
 * approved it. A 201 means the message is on disk (SQLite synchronous=FULL), so this is
 * bound by commits; group commit is what lets it pass. aat_ introspection runs alongside and
 * must keep answering.
 */
export const messageSend: Scenario = {
  name: 'message-send',
  description: 'POST /app/v1/messages: durable, idempotent sends to 50 people, a fresh Idempotency-Key each',
  target: { minRequestsPerSecond: 4000, maxP99Ms: 50 },
  reference: rawInsert,
  async setup(server) {
    const { app, key } = await appWithKey(server, 'bench-messages@example.com');
    const session = await server.call<AppSession>('POST', '/auth/token/exchange', { apiKey: key.apiKey });
    const recipients: Array<{ person: UserSession; slug: string }> = [];
    for (let i = 0; i < RECIPIENTS; i += 1) {
      recipients.push(await approve(server, `bench-reader-${i}@example.com`, app.appId));
    }
    const run = randomBytes(4).toString('hex');
    const auth = { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' };
    let sent = 0;
    const samples = new Map<string, Sample>();

    // Every sampled key, sent again: it must answer 201 with the first response (a send still
    // in flight when the load stopped is delivered now, or replayed if it had committed), and
    // the message must be in its recipient's inbox with the body that was sent.
    const verify = async () => {
      if (samples.size === 0) throw new Error('no send was sampled');
      for (const sample of samples.values()) {
        const again = await fetch(`${server.url}/app/v1/messages`, {
          method: 'POST',
          headers: { ...auth, 'idempotency-key': sample.key },
          body: sample.payload,
        });
        if (again.status !== 201)
          throw new Error(`key ${sample.key} answered ${again.status} when sent again`);
        const { messageId } = ((await again.json()) as { data: { messageId: string } }).data;
        if (
          sample.messageId &&
          (again.headers.get('idempotent-replayed') !== 'true' || messageId !== sample.messageId)
        ) {
          throw new Error(`key ${sample.key} did not replay its first response`);
        }
        const stored = await server.call<{ body: string }>('GET', `/me/v1/messages/${messageId}`, undefined, {
          authorization: `Bearer ${sample.person.accessToken}`,
        });
        if (stored.body !== JSON.parse(sample.payload).body) throw new Error(`message ${messageId} differs`);
      }
    };

    return {
      method: 'POST',
      path: '/app/v1/messages',
      headers: auth,
      requests: [
        {
          // Each connection has one request in flight (no pipelining), so its context says
          // which key the response answers.
          setupRequest(request, context) {
            sent += 1;
            const recipient = recipients[sent % RECIPIENTS]!;
            const key = `bench-${run}-${sent}`;
            const body = JSON.stringify({ slug: recipient.slug, body: `Your order #${sent} shipped!` });
            if (sent % SAMPLE_EVERY === 0) samples.set(key, { person: recipient.person, key, payload: body });
            (context as { key?: string }).key = key;
            return { ...request, headers: { ...auth, 'idempotency-key': key }, body };
          },
          onResponse(status, body, context) {
            const sample = samples.get((context as { key?: string }).key ?? '');
            if (sample && status === 201) {
              sample.messageId = (JSON.parse(body) as { data: { messageId: string } }).data.messageId;
            }
          },
        },
      ],
      target:
        server.database === 'postgres'
          ? { minRequestsPerSecond: 2500 }
          : { minRequestsPerSecond: 4000, maxP99Ms: 50 },
      alongside: {
        name: 'aat-introspection',
        method: 'POST',
        path: '/auth/introspect',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: session.accessToken }),
        connections: 4,
        maxP99Ms: 100,
      },
      verify,
    };
  },
};
