import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireAppToken } from '../src/apps/authenticate-app.js';
import { appWithKey, developer } from './support/apps.js';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, startHarness } from './support/harness.js';

eachDialect('app tokens: exchange, client credentials, introspection and scopes', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      dialect,
      listen: true,
      // Probes behind the one declared-scope guard, as every /app/v1/* route is.
      routes: (app, ctx) => {
        app.get('/app/v1/test-probe/identity', async (request, reply) => {
          const { app: caller } = await requireAppToken(ctx, request, 'identity.read', reply);
          return { appId: caller.id };
        });
        app.get('/app/v1/test-probe/messages', async (request, reply) => {
          const { app: caller } = await requireAppToken(ctx, request, 'messages.send', reply);
          return { appId: caller.id };
        });
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url, payload: payload as object, headers });
  const form = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  const basic = (id: string, secret: string) => ({
    authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
  });
  const introspect = async (token: string) => (await post('/auth/introspect', { token })).json().data;
  const probe = (which: 'identity' | 'messages', token: string) =>
    h.app.inject({ method: 'GET', url: `/app/v1/test-probe/${which}`, headers: bearer(token) });

  it('exchanges an API key for an aat_ token shaped exactly as the guide says', async () => {
    const dev = await developer(h, 'exchange@example.com');
    const { app, key } = await appWithKey(dev);
    const res = await post('/auth/token/exchange', { apiKey: key.apiKey });
    expect(res.statusCode).toBe(200);
    const now = Math.floor(h.clock.now() / 1000);
    expect(res.json()).toEqual({
      data: {
        accessToken: expect.stringMatching(/^aat_[A-Za-z0-9_-]{43}$/),
        tokenType: 'Bearer',
        expiresAt: now + 600,
        expiresIn: 600,
        sessionType: 'app',
        audience: app.appId,
        scopes: ['ai.chat', 'identity.read', 'messages.send'],
        app: { appId: app.appId, name: 'Parcel Tracker' },
      },
      meta: { requestId: res.headers['x-request-id'], issuedAt: now },
    });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['ratelimit-limit']).toBe('120');
    expect(Number(res.headers['ratelimit-remaining'])).toBeLessThan(120);
    expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);

    const token = res.json().data.accessToken;
    expect(await introspect(token)).toEqual({
      active: true,
      sessionType: 'app',
      audience: app.appId,
      scopes: ['ai.chat', 'identity.read', 'messages.send'],
      exp: now + 600,
      iat: now,
      app: { appId: app.appId, name: 'Parcel Tracker' },
      apiKey: { keyId: key.keyId, prefix: key.prefix },
    });
    const rows = await h.ctx.storage.db.selectFrom('app_tokens').select('token_hash').execute();
    expect(JSON.stringify(rows)).not.toContain(token);

    const ok = await probe('identity', token);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ appId: app.appId });
    expect(ok.headers['ratelimit-limit']).toBe('1200');
    const keys = await dev.call('GET', `/dev/v1/apps/${app.appId}/keys`);
    expect(keys.json().data[0].lastUsedAt).toBe(now);
  });

  it('narrows scopes on request, accepts legacy names, answers canonically and refuses widening', async () => {
    const dev = await developer(h, 'narrow@example.com');
    const { key } = await appWithKey(dev, { scopes: ['identity.read', 'messages.send'] });

    const narrowed = await post('/auth/token/exchange', { apiKey: key.apiKey, scopes: ['message'] });
    expect(narrowed.json().data.scopes).toEqual(['messages.send']);
    const token = narrowed.json().data.accessToken;
    expect((await probe('messages', token)).statusCode).toBe(200);
    const denied = await probe('identity', token);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({
      code: 'insufficient_scope',
      message: 'This call needs the scope identity.read.',
      details: { requiredScope: 'identity.read' },
    });
    expect(denied.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", scope="identity.read"',
    );

    const wider = await post('/auth/token/exchange', { apiKey: key.apiKey, scopes: ['ai.chat'] });
    expect(wider.statusCode).toBe(400);
    expect(wider.json().error).toMatchObject({ code: 'invalid_scope', details: { notGranted: ['ai.chat'] } });
    const unknown = await post('/auth/token/exchange', { apiKey: key.apiKey, scopes: ['root'] });
    expect(unknown.json().error.code).toBe('invalid_scope');
  });

  it('refuses a missing, foreign-prefixed or expired token at /app/v1 with 401 invalid_token', async () => {
    const dev = await developer(h, 'expiry@example.com');
    const { key } = await appWithKey(dev);
    const token = (await post('/auth/token/exchange', { apiKey: key.apiKey })).json().data.accessToken;

    const none = await h.app.inject({ method: 'GET', url: '/app/v1/test-probe/identity' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('invalid_token');
    expect(none.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const userToken = await probe('identity', dev.session.accessToken);
    expect(userToken.statusCode).toBe(401);
    expect(userToken.json().error.code).toBe('invalid_token');
    const apiKeyAsBearer = await probe('identity', key.apiKey);
    expect(apiKeyAsBearer.statusCode).toBe(401);

    h.clock.advance(599_000);
    expect((await probe('identity', token)).statusCode).toBe(200);
    h.clock.advance(1_000);
    const expired = await probe('identity', token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('invalid_token');
    expect(await introspect(token)).toEqual({ active: false });
  });

  it('revoking a key makes every token minted from it inactive at once; the other key keeps working', async () => {
    const dev = await developer(h, 'revoke@example.com');
    const { app, key: oldKey } = await appWithKey(dev);
    const newKey = (await dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, { name: 'rotated' })).json()
      .data;
    const fromOld = [
      (await post('/auth/token/exchange', { apiKey: oldKey.apiKey })).json().data.accessToken,
      (await post('/auth/client-token', { client_id: app.appId, client_secret: oldKey.apiKey })).json().data
        .accessToken,
    ];
    const fromNew = (await post('/auth/token/exchange', { apiKey: newKey.apiKey })).json().data.accessToken;

    await dev.call('DELETE', `/dev/v1/apps/${app.appId}/keys/${oldKey.keyId}`);
    for (const token of fromOld) {
      expect(await introspect(token)).toEqual({ active: false });
      expect((await probe('identity', token)).statusCode).toBe(401);
    }
    expect((await introspect(fromNew)).active).toBe(true);
    expect((await probe('identity', fromNew)).statusCode).toBe(200);
    const again = await post('/auth/token/exchange', { apiKey: oldKey.apiKey });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('invalid_client');
    const tokens = await h.ctx.storage.db
      .selectFrom('app_tokens')
      .select(['revoked_at'])
      .where('api_key_id', '=', oldKey.keyId)
      .execute();
    expect(tokens.map((t) => t.revoked_at)).toEqual([h.clock.now(), h.clock.now()]);
  });

  it('client-token with a JSON body answers the envelope and narrows with a space-separated string', async () => {
    const dev = await developer(h, 'client-json@example.com');
    const { app, key } = await appWithKey(dev);
    const res = await post('/auth/client-token', {
      client_id: app.appId,
      client_secret: key.apiKey,
      scopes: 'identify message',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({
      tokenType: 'Bearer',
      sessionType: 'app',
      audience: app.appId,
      scopes: ['identity.read', 'messages.send'],
      app: { appId: app.appId, name: 'Parcel Tracker' },
    });
    expect(res.headers['ratelimit-remaining']).toBeDefined();

    const wrong = await post('/auth/client-token', { client_id: app.appId, client_secret: `${key.apiKey}x` });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 'invalid_client' }, requestId: expect.any(String) });
    const otherApp = await appWithKey(dev);
    const mismatch = await post('/auth/client-token', {
      client_id: otherApp.app.appId,
      client_secret: key.apiKey,
    });
    expect(mismatch.json().error.code).toBe('invalid_client');
    const narrow = await appWithKey(dev, { scopes: ['identity.read'] });
    const widen = await post('/auth/client-token', {
      client_id: narrow.app.appId,
      client_secret: narrow.key.apiKey,
      scopes: ['messages.send'],
    });
    expect(widen.statusCode).toBe(400);
    expect(widen.json()).toMatchObject({ error: { code: 'invalid_scope' }, requestId: expect.any(String) });
  });

  it('client-token with a form body or HTTP Basic answers RFC 6749 bodies, errors included', async () => {
    const dev = await developer(h, 'client-form@example.com');
    const { app, key } = await appWithKey(dev, { scopes: ['identity.read', 'messages.send'] });

    const viaForm = await form('/auth/client-token', {
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: key.apiKey,
      scope: 'identify',
      resource: 'https://ignored.example',
    });
    expect(viaForm.statusCode).toBe(200);
    expect(viaForm.json()).toEqual({
      access_token: expect.stringMatching(/^aat_/),
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'identity.read',
    });
    expect(viaForm.headers['cache-control']).toBe('no-store');
    expect(viaForm.headers.pragma).toBe('no-cache');

    // RFC 6749 §2.3.1: both parts are form-encoded before base64, so every %XX must be decoded.
    const encodeAll = (s: string) =>
      [...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    const viaBasic = await form(
      '/auth/client-token',
      { grant_type: 'client_credentials' },
      basic(encodeAll(app.appId), encodeAll(key.apiKey)),
    );
    expect(viaBasic.statusCode).toBe(200);
    expect(viaBasic.json().scope).toBe('identity.read messages.send');
    expect((await introspect(viaBasic.json().access_token)).audience).toBe(app.appId);

    const badSecret = await form(
      '/auth/client-token',
      { grant_type: 'client_credentials' },
      basic(app.appId, 'nope'),
    );
    expect(badSecret.statusCode).toBe(401);
    expect(badSecret.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(badSecret.headers['www-authenticate']).toBe('Basic realm="antara", charset="UTF-8"');

    const widen = await form('/auth/client-token', {
      client_id: app.appId,
      client_secret: key.apiKey,
      scope: 'ai.chat',
    });
    expect(widen.statusCode).toBe(400);
    expect(widen.json()).toEqual({ error: 'invalid_scope', error_description: expect.any(String) });

    const grant = await form('/auth/client-token', {
      grant_type: 'password',
      client_id: app.appId,
      client_secret: key.apiKey,
    });
    expect(grant.statusCode).toBe(400);
    expect(grant.json().error).toBe('unsupported_grant_type');

    const twice = await form(
      '/auth/client-token',
      { client_id: app.appId, client_secret: key.apiKey },
      basic(app.appId, key.apiKey),
    );
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error).toBe('invalid_request');

    const noCredentials = await form('/auth/client-token', { grant_type: 'client_credentials' });
    expect(noCredentials.statusCode).toBe(401);
    expect(noCredentials.json().error).toBe('invalid_client');
  });

  it('works with oauth4webapi as an unmodified client, with Basic and with client_secret_post', async () => {
    const dev = await developer(h, 'oauth4webapi@example.com');
    const { app, key } = await appWithKey(dev);
    const as: oauth.AuthorizationServer = {
      issuer: h.baseUrl,
      token_endpoint: `${h.baseUrl}/auth/client-token`,
    };
    const client: oauth.Client = { client_id: app.appId };
    for (const auth of [oauth.ClientSecretBasic(key.apiKey), oauth.ClientSecretPost(key.apiKey)]) {
      const response = await oauth.clientCredentialsGrantRequest(
        as,
        client,
        auth,
        { scope: 'message' },
        { [oauth.allowInsecureRequests]: true },
      );
      const result = await oauth.processClientCredentialsResponse(as, client, response);
      expect(result.token_type).toBe('bearer');
      expect(result.scope).toBe('messages.send');
      expect(result.expires_in).toBe(600);
      expect((await probe('messages', result.access_token)).statusCode).toBe(200);
    }
    const refused = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic('antara_live_wrong'),
      {},
      { [oauth.allowInsecureRequests]: true },
    );
    const error = await oauth.processClientCredentialsResponse(as, client, refused).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = error as oauth.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause[0]).toMatchObject({ scheme: 'basic', parameters: { realm: 'antara' } });
    expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('limits minting per API key across both token endpoints, with Retry-After and a reset', async () => {
    const dev = await developer(h, 'budget@example.com');
    const { app, key } = await appWithKey(dev, { scopes: ['identity.read'] });
    const other = await appWithKey(dev);
    for (let i = 0; i < 60; i += 1) {
      expect((await post('/auth/token/exchange', { apiKey: key.apiKey })).statusCode).toBe(200);
      const viaClient = await post('/auth/client-token', { client_id: app.appId, client_secret: key.apiKey });
      expect(viaClient.statusCode).toBe(200);
    }
    const over = await post('/auth/token/exchange', { apiKey: key.apiKey });
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ error: { code: 'rate_limited' }, retryAfter: expect.any(Number) });
    expect(over.headers['retry-after']).toBe(String(over.json().retryAfter));
    const overForm = await form('/auth/client-token', { client_id: app.appId, client_secret: key.apiKey });
    expect(overForm.statusCode).toBe(429);
    expect(overForm.json()).toEqual({
      error: 'rate_limited',
      error_description: expect.any(String),
      retryAfter: expect.any(Number),
      requestId: overForm.headers['x-request-id'],
    });
    expect(overForm.headers['retry-after']).toBeDefined();

    expect((await post('/auth/token/exchange', { apiKey: other.key.apiKey })).statusCode).toBe(200);
    h.clock.advance(60_000);
    expect((await post('/auth/token/exchange', { apiKey: key.apiKey })).statusCode).toBe(200);
  });
});
