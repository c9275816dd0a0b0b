import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AntaraAuthenticationError,
  AntaraError,
  AntaraInvalidRequestError,
  AntaraPermissionError,
  AntaraRateLimitError,
  AntaraServer,
  AntaraServerError,
} from '../src/index.js';
import {
  bearer,
  type Harness,
  type RegisteredApp,
  recordingFetch,
  registerApp,
  startAntara,
} from './support/antara.js';

/** A slug of the right shape that no grant holds. */
const NOBODY = 'zzzzzzzzzzzzzzzz';

async function failure(promise: Promise<unknown>): Promise<AntaraError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AntaraError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('AntaraServer against a running Antara: app tokens', () => {
  let h: Harness;
  let app: RegisteredApp;
  beforeAll(async () => {
    h = await startAntara();
    app = await registerApp(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  const client = (extra: Partial<ConstructorParameters<typeof AntaraServer>[0]> = {}) => {
    const recorder = recordingFetch();
    const antara = new AntaraServer({
      apiKey: app.apiKey,
      apiBase: h.baseUrl,
      now: () => h.clock.now(),
      fetch: recorder.fetch,
      ...extra,
    });
    return { antara, calls: recorder.calls };
  };
  const exchanges = (calls: Array<{ path: string }>) =>
    calls.filter((c) => c.path === '/auth/token/exchange').length;

  it('connects with the API key and reports the app, its scopes and the token expiry', async () => {
    const { antara } = client();
    const connection = await antara.connect();
    expect(connection).toEqual({
      appId: app.appId,
      name: 'SDK test app',
      scopes: ['ai.chat', 'identity.read', 'messages.send'],
      expiresAt: Math.floor(h.clock.now() / 1000) + 600,
      expiresIn: 600,
    });
  });

  it('renews the app token a minute before it expires, without the caller noticing', async () => {
    const { antara, calls } = client();
    await antara.connect();
    const sendToNobody = () => failure(antara.send({ slug: NOBODY, message: 'hi' }));

    h.clock.advance(500_000);
    expect((await sendToNobody()).code).toBe('recipient_not_found');
    expect(exchanges(calls)).toBe(1);

    h.clock.advance(41_000); // 541 s: inside the last minute of the first token
    expect((await sendToNobody()).code).toBe('recipient_not_found');
    expect(exchanges(calls)).toBe(2);

    h.clock.advance(600_000); // the first token is long dead, the second renewed in time again
    expect((await sendToNobody()).code).toBe('recipient_not_found');
    expect(exchanges(calls)).toBe(3);
    expect(calls.filter((c) => c.path === '/app/v1/messages')).toHaveLength(3);
  });

  it('renews once and goes on when Antara refuses a token the SDK still believed valid (clock skew)', async () => {
    const frozen = h.clock.now();
    const { antara, calls } = client({ now: () => frozen });
    await antara.connect();
    h.clock.advance(11 * 60_000); // the server's clock ran ahead: the token is expired there
    expect((await failure(antara.send({ slug: NOBODY, message: 'hi' }))).code).toBe('recipient_not_found');
    expect(calls.map((c) => c.path)).toEqual([
      '/auth/token/exchange',
      '/app/v1/messages',
      '/auth/token/exchange',
      '/app/v1/messages',
    ]);
  });

  it('shares one exchange between concurrent first calls', async () => {
    const { antara, calls } = client();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => failure(antara.send({ slug: NOBODY, message: 'hi' }))),
    );
    expect(results.map((e) => e.code)).toEqual(Array(5).fill('recipient_not_found'));
    expect(exchanges(calls)).toBe(1);
  });

  it('surfaces a wrong API key as AntaraAuthenticationError invalid_client with the request id', async () => {
    const { antara } = client({ apiKey: `antara_live_${'A'.repeat(43)}` });
    const error = await failure(antara.connect());
    expect(error).toBeInstanceOf(AntaraAuthenticationError);
    expect(error).toMatchObject({ code: 'invalid_client', status: 401, retryAfter: undefined });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses to be built with something that is not an API key', () => {
    expect(() => new AntaraServer({ apiKey: 'aat_not-a-key' })).toThrow(AntaraInvalidRequestError);
  });

  it('throws invalid_client after one renewal attempt once the key is revoked', async () => {
    const own = await registerApp(h, { owner: 'revoker@example.com' });
    const { antara, calls } = client({ apiKey: own.apiKey });
    await antara.connect();
    const revoked = await h.app.inject({
      method: 'DELETE',
      url: `/dev/v1/apps/${own.appId}/keys/${own.keyId}`,
      headers: bearer(own.developerToken),
    });
    expect(revoked.statusCode).toBe(200);
    const error = await failure(antara.send({ slug: NOBODY, message: 'hi' }));
    expect(error).toBeInstanceOf(AntaraAuthenticationError);
    expect(error.code).toBe('invalid_client');
    expect(calls.map((c) => c.path)).toEqual([
      '/auth/token/exchange',
      '/app/v1/messages',
      '/auth/token/exchange',
    ]);
  });

  it('surfaces a missing scope as AntaraPermissionError insufficient_scope', async () => {
    const narrow = await registerApp(h, { owner: 'narrow@example.com', keyScopes: ['identity.read'] });
    const { antara } = client({ apiKey: narrow.apiKey });
    const error = await failure(antara.send({ slug: NOBODY, message: 'hi' }));
    expect(error).toBeInstanceOf(AntaraPermissionError);
    expect(error).toMatchObject({ code: 'insufficient_scope', status: 403 });
  });

  it('surfaces a request Antara refuses as AntaraInvalidRequestError, not retried', async () => {
    const { antara, calls } = client();
    const error = await failure(antara.send({ slug: NOBODY, message: 'x'.repeat(100_000) }));
    expect(error).toBeInstanceOf(AntaraInvalidRequestError);
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.status).toBeLessThan(500);
    expect(calls.filter((c) => c.path === '/app/v1/messages')).toHaveLength(1);
  });

  it('checks its own input before calling Antara', async () => {
    const { antara, calls } = client();
    for (const input of [
      { slug: NOBODY, message: '' },
      { to: 'someone@example.com', message: 'hi' },
      { slug: NOBODY, to: `${NOBODY}@useantara.com`, message: 'hi' },
    ]) {
      const error = await failure(antara.send(input as Parameters<AntaraServer['send']>[0]));
      expect(error).toMatchObject({ code: 'invalid_request', status: 0 });
    }
    expect(calls).toEqual([]);
  });

  it('waits the retryAfter of a 429 and then succeeds', async () => {
    const limited = await registerApp(h, { owner: 'limited@example.com' });
    const warmup = new AntaraServer({ apiKey: limited.apiKey, apiBase: h.baseUrl, retry: { maxRetries: 0 } });
    let rateLimited: AntaraError | undefined;
    for (let i = 0; i < 200 && !rateLimited; i++) {
      rateLimited = await warmup.connect().then(
        () => undefined,
        (error: AntaraError) => error,
      );
    }
    expect(rateLimited).toBeInstanceOf(AntaraRateLimitError);
    expect(rateLimited?.retryAfter).toBeGreaterThan(0);

    const waits: number[] = [];
    const { antara, calls } = client({
      apiKey: limited.apiKey,
      sleep: async (ms) => {
        waits.push(ms);
        h.clock.advance(ms);
      },
    });
    const connection = await antara.connect();
    expect(connection.appId).toBe(limited.appId);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual((rateLimited?.retryAfter ?? 0) * 1000 - 1000);
    expect(exchanges(calls)).toBe(2);
  });

  it('gives up on a 429 whose retryAfter is longer than allowed, and says how long to wait', async () => {
    const limited = await registerApp(h, { owner: 'impatient@example.com' });
    const warmup = new AntaraServer({ apiKey: limited.apiKey, apiBase: h.baseUrl, retry: { maxRetries: 0 } });
    for (let i = 0; i < 200; i++) {
      const outcome = await warmup.connect().catch((error: AntaraError) => error);
      if (outcome instanceof AntaraRateLimitError) break;
    }
    const waits: number[] = [];
    const { antara } = client({
      apiKey: limited.apiKey,
      retry: { maxRetryAfterSeconds: 1 },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const error = await failure(antara.connect());
    expect(error).toBeInstanceOf(AntaraRateLimitError);
    expect(error.retryAfter).toBeGreaterThan(1);
    expect(waits).toEqual([]);
  });

  it('introspects an app token and reports an unknown one as inactive', async () => {
    const { antara } = client();
    await antara.connect();
    const exchange = await h.app.inject({
      method: 'POST',
      url: '/auth/token/exchange',
      payload: { apiKey: app.apiKey },
    });
    const token = exchange.json().data.accessToken as string;
    expect(await antara.introspect(token)).toMatchObject({
      active: true,
      sessionType: 'app',
      audience: app.appId,
      scopes: ['ai.chat', 'identity.read', 'messages.send'],
    });
    expect(await antara.introspect(`aat_${'x'.repeat(43)}`)).toEqual({ active: false });
  });

  it('surfaces a missing AI chat as AntaraServerError ai_unavailable, without retrying', async () => {
    const { antara, calls } = client();
    const error = await failure(antara.aiChat({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toBeInstanceOf(AntaraServerError);
    expect(error.code).toBe('ai_unavailable');
    expect(error.requestId).toBeDefined();
    expect(calls.filter((c) => c.path === '/app/v1/ai/chat')).toHaveLength(1);
  });
});
