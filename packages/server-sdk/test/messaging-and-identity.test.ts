import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AntaraConnectionError,
  AntaraError,
  AntaraInvalidRequestError,
  AntaraNotFoundError,
  AntaraServer,
} from '../src/index.js';
import {
  type ApprovedPerson,
  approveConsent,
  approvedPerson,
  bearer,
  type Harness,
  type RegisteredApp,
  registerApp,
  signIn,
  startAntara,
  startDroppingProxy,
} from './support/antara.js';

async function failure(promise: Promise<unknown>): Promise<AntaraError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AntaraError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('AntaraServer against a running Antara: messages, identities, OAuth', () => {
  let h: Harness;
  let app: RegisteredApp;
  let ada: ApprovedPerson;
  let antara: AntaraServer;
  beforeAll(async () => {
    h = await startAntara({ realClock: true });
    app = await registerApp(h);
    ada = await approvedPerson(h, app, 'ada@example.com');
    antara = new AntaraServer({ apiKey: app.apiKey, apiBase: h.baseUrl });
  });
  afterAll(async () => {
    await h?.close();
  });

  const inbox = async (person: ApprovedPerson) => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/me/v1/messages',
      headers: bearer(person.userToken),
    });
    return response.json().data as Array<{ messageId: string; body: string; subject: string | null }>;
  };

  it("sends with the guide's call: slug and message", async () => {
    const sent = await antara.send({ slug: ada.slug, message: 'Hello!' });
    expect(sent).toMatchObject({ slug: ada.slug, status: 'delivered', replayed: false });
    expect(sent.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect((await inbox(ada)).find((m) => m.messageId === sent.messageId)?.body).toBe('Hello!');
  });

  it('sends to the <slug>@useantara.com address with a subject and body', async () => {
    const sent = await antara.send({
      to: `${ada.slug}@useantara.com`,
      subject: 'Order #1234',
      body: 'Shipped!',
    });
    expect((await inbox(ada)).find((m) => m.messageId === sent.messageId)).toMatchObject({
      subject: 'Order #1234',
      body: 'Shipped!',
    });
  });

  it('retries a send whose response was lost with the same Idempotency-Key: one message, the first answer', async () => {
    let dropped = 0;
    const proxy = await startDroppingProxy(h.baseUrl, (method, path) => {
      if (method !== 'POST' || path !== '/app/v1/messages' || dropped > 0) return false;
      dropped++;
      return true;
    });
    try {
      const sleeps: number[] = [];
      const viaProxy = new AntaraServer({
        apiKey: app.apiKey,
        apiBase: proxy.url,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      });
      const before = (await inbox(ada)).length;
      const sent = await viaProxy.send({ slug: ada.slug, message: 'Exactly once, please' });
      expect(dropped).toBe(1);
      expect(proxy.forwarded.filter((r) => r === 'POST /app/v1/messages')).toHaveLength(2);
      expect(sleeps).toHaveLength(1);
      expect(sent.replayed).toBe(true);
      const messages = await inbox(ada);
      expect(messages).toHaveLength(before + 1);
      expect(messages.filter((m) => m.body === 'Exactly once, please').map((m) => m.messageId)).toEqual([
        sent.messageId,
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('surfaces a lost answer as a connection error once its retries are spent', async () => {
    const proxy = await startDroppingProxy(h.baseUrl, (_method, path) => path === '/app/v1/messages');
    try {
      const viaProxy = new AntaraServer({
        apiKey: app.apiKey,
        apiBase: proxy.url,
        retry: { maxRetries: 2 },
        sleep: async () => {},
      });
      const error = await failure(
        viaProxy.send({ slug: ada.slug, message: 'lost', idempotencyKey: 'lost-1' }),
      );
      expect(error).toBeInstanceOf(AntaraConnectionError);
      expect(error).toMatchObject({ code: 'network_error', status: 0 });
      expect(proxy.forwarded.filter((r) => r === 'POST /app/v1/messages')).toHaveLength(3);
      // The caller may retry later with the same key and still get exactly one message.
      const again = await antara.send({ slug: ada.slug, message: 'lost', idempotencyKey: 'lost-1' });
      expect(again.replayed).toBe(true);
      expect((await inbox(ada)).filter((m) => m.body === 'lost')).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('types a reused Idempotency-Key with another message as idempotency_key_reused', async () => {
    await antara.send({ slug: ada.slug, message: 'first', idempotencyKey: 'reused-key' });
    const error = await failure(
      antara.send({ slug: ada.slug, message: 'second', idempotencyKey: 'reused-key' }),
    );
    expect(error).toBeInstanceOf(AntaraInvalidRequestError);
    expect(error).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
    expect(error.requestId).toBeDefined();
  });

  it('types an unknown slug as AntaraNotFoundError recipient_not_found', async () => {
    const error = await failure(antara.send({ slug: 'zzzzzzzzzzzzzzzz', message: 'hi' }));
    expect(error).toBeInstanceOf(AntaraNotFoundError);
    expect(error.code).toBe('recipient_not_found');
  });

  it('looks a person up by userId, and types a stranger as not found', async () => {
    expect(await antara.lookup(ada.userId)).toMatchObject({
      userId: ada.userId,
      slug: ada.slug,
      alias: null,
      verified: true,
    });
    const error = await failure(antara.lookup(randomUUID()));
    expect(error).toBeInstanceOf(AntaraNotFoundError);
  });

  it('introspects an oit_ token a browser handed over: active, for this app, with the per-app identity', async () => {
    const { appId } = await antara.connect();
    const info = await antara.introspect(ada.accessToken);
    expect(info).toMatchObject({ active: true, sessionType: 'oauth', audience: appId });
    expect(info.identity).toMatchObject({ userId: ada.userId, slug: ada.slug });
    expect(JSON.stringify(info)).not.toContain('ada@example.com');
  });

  it('finishes a login on the server with exchangeCode, and types a reused code as invalid_grant', async () => {
    const person = await signIn(h, 'grace@example.com');
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${h.baseUrl}/oauth/authorize`);
    authorize.search = new URLSearchParams({
      client_id: app.appId,
      redirect_uri: 'http://127.0.0.1/callback',
      response_type: 'code',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: 's1',
      scope: 'identity.read messages.send profile.basic',
    }).toString();
    const redirect = new URL(await approveConsent(h, authorize.href, person.accessToken, { alias: 'Grace' }));
    const code = redirect.searchParams.get('code') ?? '';
    const input = { code, codeVerifier: verifier, redirectUri: 'http://127.0.0.1/callback' };
    const tokens = await antara.exchangeCode(input);
    expect(tokens).toMatchObject({
      accessToken: expect.stringMatching(/^oit_/),
      tokenType: 'Bearer',
      scopes: ['identity.read', 'messages.send', 'profile.basic'],
      user: { alias: 'Grace', trustLevel: expect.any(String), verified: true },
    });
    expect(JSON.stringify(tokens)).not.toContain('grace@example.com');
    const error = await failure(antara.exchangeCode(input));
    expect(error).toBeInstanceOf(AntaraInvalidRequestError);
    expect(error.code).toBe('invalid_grant');
  });
});
