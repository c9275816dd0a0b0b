import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startServe, tempDataDir } from './support/antara-process.js';

/** A raw HTTP/1.1 connection, so the test decides exactly when each byte is sent. */
function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    received += chunk;
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  return {
    socket,
    closed,
    received: () => received,
    ready: new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    }),
    /** Resolves with the first complete response (headers and a Content-Length body). */
    async response(): Promise<{ status: number; headers: string; body: string }> {
      for (;;) {
        const end = received.indexOf('\r\n\r\n');
        if (end >= 0) {
          const headers = received.slice(0, end);
          const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
          const body = received.slice(end + 4);
          if (Buffer.byteLength(body) >= length) {
            return { status: Number(headers.split(' ')[1]), headers, body: body.slice(0, length) };
          }
        }
        if (socket.destroyed) throw new Error(`connection closed after: ${received}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const data = tempDataDir();
afterAll(() => data.remove());

it('on SIGTERM stops accepting, finishes the request in flight, closes idle keep-alive and the database, and exits 0', async () => {
  const served = await startServe({ ANTARA_DATA_DIR: data.dir });
  const port = Number(new URL(served.baseUrl).port);

  // An idle keep-alive connection that has already been answered once.
  const idle = connect(port);
  await idle.ready;
  idle.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
  expect((await idle.response()).status).toBe(200);

  // A request in flight: headers and half of the body sent, the rest still to come.
  const body = JSON.stringify({ email: 'in-flight@example.com' });
  const busy = connect(port);
  await busy.ready;
  busy.socket.write(
    `POST /auth/email/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 200));

  served.child.kill('SIGTERM');
  await until(
    () => served.output().stdout.includes('SIGTERM: finishing in-flight requests'),
    'the SIGTERM line',
  );

  // No new connections are accepted any more.
  const late = connect(port);
  await expect(late.ready).rejects.toThrow(/ECONNREFUSED/);
  // The idle keep-alive connection is closed by the server rather than kept waiting.
  await idle.closed;
  expect(served.child.exitCode).toBeNull();

  // The request in flight still completes normally.
  busy.socket.write(body.slice(10));
  const answer = await busy.response();
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body).data.challengeId).toMatch(/^[0-9a-f-]{36}$/);

  const finished = await served.exited;
  expect(finished.code).toBe(0);
  expect(finished.stdout).toContain('[mail] to=in-flight@example.com');
  expect(finished.stdout.trim().split('\n').at(-1)).toBe('stopped');
  // SQLite removes its write-ahead log only when the last connection closes cleanly.
  expect(fs.existsSync(path.join(data.dir, 'antara.sqlite'))).toBe(true);
  expect(fs.existsSync(path.join(data.dir, 'antara.sqlite-wal'))).toBe(false);
});
