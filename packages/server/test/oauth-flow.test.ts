import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import {
  approve,
  authorizeParams,
  authorizeUrl,
  pkcePair,
  registerApp,
  tokenForm,
  tokenJson,
} from './support/oauth.js';

eachDialect('OAuth code flow with PKCE over JSON', (dialect) => {
  let h: Harness;
  let app: Awaited<ReturnType<typeof registerApp>>;
  let person: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    h = await startHarness({ dialect });
    app = await registerApp(h);
    person = await signIn(h, 'ada@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  const outboxRows = () => h.ctx.storage.db.selectFrom('outbox').selectAll().orderBy('created_at').execute();

  it('sends a browser to the consent page with the same query', async () => {
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: app.redirectUris[0] ?? '',
      challenge: pkcePair().challenge,
    });
    const url = authorizeUrl(params);
    const response = await h.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`/oauth/consent?${url.split('?')[1]}`);
  });

  it('describes the request to a JSON client: app, trust, scopes in words, whether already granted', async () => {
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: app.redirectUris[0] ?? '',
      challenge: pkcePair().challenge,
      scope: 'openid identity.read',
      state: 's-1',
    });
    const response = await h.app.inject({
      method: 'GET',
      url: authorizeUrl(params),
      headers: { accept: 'application/json', ...bearer(person.accessToken) },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toEqual({
      app: { appId: app.appId, name: 'Parcel Tracker', homepageUrl: null, trustLevel: 'private' },
      scopes: [
        { name: 'identity.read', description: 'Recognise you with a stable per-app Antara ID' },
        { name: 'openid', description: 'Sign you in with OpenID Connect' },
      ],
      redirectUri: 'https://parcel.example/callback',
      state: 's-1',
      granted: false,
      identity: null,
    });
  });

  it('approves, returns code, state and iss, and exchanges the code for an oit_ token in the envelope', async () => {
    const { verifier, challenge } = pkcePair();
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: app.redirectUris[0] ?? '',
      challenge,
      state: 'xyz',
    });
    const { redirectTo, code } = await approve(h, person.accessToken, params, { alias: 'Ada at Parcel' });
    expect(`${redirectTo.origin}${redirectTo.pathname}`).toBe('https://parcel.example/callback');
    expect(redirectTo.searchParams.get('state')).toBe('xyz');
    expect(redirectTo.searchParams.get('iss')).toBe(h.config.server.publicUrl);
    expect(code).toMatch(/^oac_[A-Za-z0-9_-]{43}$/);

    const token = await tokenJson(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: params.redirect_uri,
      client_id: app.appId,
      code_verifier: verifier,
    });
    expect(token.statusCode).toBe(200);
    expect(token.headers['cache-control']).toBe('no-store');
    const body = token.json();
    expect(body.meta).toEqual({ requestId: token.headers['x-request-id'], issuedAt: expect.any(Number) });
    expect(body.data).toEqual({
      accessToken: expect.stringMatching(/^oit_[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 600,
      expiresAt: Math.floor(h.clock.now() / 1000) + 600,
      refreshToken: expect.stringMatching(/^ort_[A-Za-z0-9_-]{43}$/),
      scopes: ['identity.read'],
      user: {
        userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        slug: expect.stringMatching(/^[0-9A-Za-z]{14}$/),
        alias: 'Ada at Parcel',
        trustLevel: 'L1',
        verified: true,
      },
    });
    expect(body.data.user.userId).not.toBe(person.user.id);

    const events = await outboxRows();
    const approved = events.filter((e) => e.type === 'identity.approved');
    expect(approved).toHaveLength(1);
    expect(approved[0]?.app_id).toBe(app.appId);
    expect(JSON.parse(approved[0]?.payload ?? '{}')).toEqual({
      appId: app.appId,
      userId: body.data.user.userId,
      slug: body.data.user.slug,
      alias: 'Ada at Parcel',
      scopes: ['identity.read'],
    });

    const introspect = await h.app.inject({
      method: 'POST',
      url: '/auth/introspect',
      payload: { token: body.data.accessToken },
    });
    expect(introspect.json().data).toEqual({
      active: true,
      sessionType: 'oauth',
      audience: app.appId,
      scopes: ['identity.read'],
      exp: body.data.expiresAt,
      iat: Math.floor(h.clock.now() / 1000),
      app: { appId: app.appId, name: 'Parcel Tracker' },
      identity: body.data.user,
    });
  });

  it('answers a form-encoded token request in the flat RFC 6749 shape', async () => {
    const { verifier, challenge } = pkcePair();
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: app.redirectUris[0] ?? '',
      challenge,
      scope: 'identity.read',
    });
    const { code } = await approve(h, person.accessToken, params);
    const token = await tokenForm(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: params.redirect_uri ?? '',
      client_id: app.appId,
      code_verifier: verifier,
    });
    expect(token.statusCode).toBe(200);
    expect(token.headers['cache-control']).toBe('no-store');
    expect(token.json()).toEqual({
      access_token: expect.stringMatching(/^oit_/),
      token_type: 'Bearer',
      expires_in: 600,
      refresh_token: expect.stringMatching(/^ort_/),
      scope: 'identity.read',
    });

    const again = await tokenForm(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: params.redirect_uri ?? '',
      client_id: app.appId,
      code_verifier: verifier,
    });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  it('remembers consent: the metadata says granted, and the grant keeps one userId and slug', async () => {
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: app.redirectUris[0] ?? '',
      challenge: pkcePair().challenge,
    });
    const response = await h.app.inject({
      method: 'GET',
      url: authorizeUrl(params),
      headers: { accept: 'application/json', ...bearer(person.accessToken) },
    });
    const data = response.json().data;
    expect(data.granted).toBe(true);
    expect(data.identity).toEqual({
      slug: expect.stringMatching(/^[0-9A-Za-z]{14}$/),
      alias: 'Ada at Parcel',
    });
    const grants = await h.ctx.storage.db.selectFrom('grants').selectAll().execute();
    expect(grants).toHaveLength(1);
  });

  it('sends a declined request back to the app with access_denied and issues nothing', async () => {
    const other = await signIn(h, 'bob@example.com');
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: app.redirectUris[0] ?? '',
      challenge: pkcePair().challenge,
      state: 'no-thanks',
    });
    const { redirectTo, code } = await approve(h, other.accessToken, params, { decision: 'deny' });
    expect(code).toBe('');
    expect(redirectTo.searchParams.get('error')).toBe('access_denied');
    expect(redirectTo.searchParams.get('state')).toBe('no-thanks');
    expect(redirectTo.searchParams.get('iss')).toBe(h.config.server.publicUrl);
    const grants = await h.ctx.storage.db
      .selectFrom('grants')
      .selectAll()
      .where('account_id', '=', other.user.id)
      .execute();
    expect(grants).toEqual([]);
  });

  it('refuses consent without a uat_ bearer token', async () => {
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: app.redirectUris[0] ?? '',
      challenge: pkcePair().challenge,
    });
    const response = await h.app.inject({
      method: 'POST',
      url: '/oauth/consent',
      payload: { ...params, decision: 'approve' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('invalid_token');
  });
});
