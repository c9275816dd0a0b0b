import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';
import { bearer, type Harness, signIn } from './harness.js';

/** A developer with one app, an API key and an `aat_` token for it. */
export interface DeveloperApp {
  email: string;
  appId: string;
  userToken: string;
  apiKey: string;
  appToken: string;
}

export async function createDeveloperApp(h: Harness, email: string): Promise<DeveloperApp> {
  const session = await signIn(h, email);
  const userToken = session.accessToken;
  const created = await h.app.inject({
    method: 'POST',
    url: '/dev/v1/apps',
    headers: bearer(userToken),
    payload: { name: 'Hooked', redirectUris: ['https://hooked.example.com/callback'] },
  });
  if (created.statusCode !== 201) throw new Error(`app creation failed: ${created.body}`);
  const appId = created.json().data.appId as string;
  const key = await h.app.inject({
    method: 'POST',
    url: `/dev/v1/apps/${appId}/keys`,
    headers: bearer(userToken),
    payload: {},
  });
  if (key.statusCode !== 201) throw new Error(`key creation failed: ${key.body}`);
  const apiKey = key.json().data.apiKey as string;
  return { email, appId, userToken, apiKey, appToken: await appTokenFor(h, apiKey) };
}

export async function appTokenFor(h: Harness, apiKey: string): Promise<string> {
  const exchanged = await h.app.inject({ method: 'POST', url: '/auth/token/exchange', payload: { apiKey } });
  if (exchanged.statusCode !== 200) throw new Error(`token exchange failed: ${exchanged.body}`);
  return exchanged.json().data.accessToken as string;
}

/** One request a receiver got. `at` is the test clock's time when it arrived (if one was given). */
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Real milliseconds to wait before answering (for timeout tests; keep it short). */
  delayMs?: number;
}

/** A real HTTP server on 127.0.0.1 that records every request and answers as told. */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Decides each answer; `n` counts requests from 0. Defaults to 204. */
  respond: (request: Received, n: number) => Reply;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(clock?: { now(): number }, port = 0): Promise<Receiver> {
  const received: Received[] = [];
  let waiters: Array<() => void> = [];
  const receiver: Receiver = {
    url: '',
    port: 0,
    received,
    respond: () => ({ status: 204 }),
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`receiver got ${received.length} of ${count} requests`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(', ') : (value ?? ''),
          ]),
        ),
        body: Buffer.concat(chunks).toString('utf8'),
        at: clock ? clock.now() : Date.now(),
      };
      const n = received.length;
      received.push(request);
      const reply = receiver.respond(request, n);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
      const wake = waiters;
      waiters = [];
      for (const w of wake) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  return receiver;
}

/**
 * Verifies a received webhook with the stock `standardwebhooks` library, as a receiver whose
 * clock reads `atMs` would (the library checks the timestamp against Date.now()).
 */
export function verifyWebhook(secret: string, request: Received, atMs = request.at): unknown {
  vi.useFakeTimers({ toFake: ['Date'], now: atMs });
  try {
    return new Webhook(secret).verify(request.body, request.headers);
  } finally {
    vi.useRealTimers();
  }
}
