import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s256 } from '../src/oauth/pkce.js';
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

describe('PKCE S256 (RFC 7636 Appendix B)', () => {
  it('derives the challenge of the RFC test vector', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
});

// Named after the OpenID Connect Basic OP conformance tests they mirror, plus the PKCE and
// redirect rules of RFC 7636 and the OAuth 2.0 Security BCP.
eachDialect('OAuth authorization and code exchange rules', (dialect) => {
  let h: Harness;
  let app: Awaited<ReturnType<typeof registerApp>>;
  let person: Awaited<ReturnType<typeof signIn>>;
  const callback = 'https://parcel.example/callback';

  beforeAll(async () => {
    h = await startHarness({ dialect });
    app = await registerApp(h, 'Parcel Tracker', [callback]);
    person = await signIn(h, 'ada@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  const exchange = (code: string, verifier: string, redirectUri = callback) =>
    tokenForm(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: app.appId,
      code_verifier: verifier,
    });
  const introspect = async (token: string) =>
    (await h.app.inject({ method: 'POST', url: '/auth/introspect', payload: { token } })).json().data;
  const browser = (params: Record<string, string>) =>
    h.app.inject({ method: 'GET', url: authorizeUrl(params), headers: { accept: 'text/html' } });
  const asJson = (params: Record<string, string>) =>
    h.app.inject({ method: 'GET', url: authorizeUrl(params), headers: { accept: 'application/json' } });

  it('OP-OAuth-2nd (code reuse): a second use is invalid_grant and revokes every token the code issued', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approve(
      h,
      person.accessToken,
      authorizeParams({ clientId: app.appId, redirectUri: callback, challenge }),
    );
    const first = await exchange(code, verifier);
    expect(first.statusCode).toBe(200);
    const tokens = first.json();
    expect((await introspect(tokens.access_token)).active).toBe(true);

    const second = await exchange(code, verifier);
    expect(second.statusCode).toBe(400);
    expect(second.json().error).toBe('invalid_grant');
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    const refresh = await tokenForm(h, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: app.appId,
    });
    expect(refresh.json().error).toBe('invalid_grant');
  });

  it('OP-redirect_uri-NotReg (registered redirect URI enforced): an error page, never a redirect', async () => {
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: 'https://parcel.example/other',
      challenge: pkcePair().challenge,
    });
    const page = await browser(params);
    expect(page.statusCode).toBe(400);
    expect(page.headers.location).toBeUndefined();
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('This sign-in link is not valid');
    const json = await asJson(params);
    expect(json.statusCode).toBe(400);
    expect(json.json().error.code).toBe('redirect_uri_mismatch');
  });

  it('refuses open-redirect attempts that only resemble the registered URI', async () => {
    for (const redirectUri of [
      'https://parcel.example.evil.test/callback',
      'https://parcel.example/callback/../../evil',
      'https://parcel.example/callback?next=https://evil.test',
      'https://parcel.example/CALLBACK',
      'https://evil.test/?https://parcel.example/callback',
      `${callback}#frag`,
    ]) {
      const page = await browser(
        authorizeParams({ clientId: app.appId, redirectUri, challenge: pkcePair().challenge }),
      );
      expect(page.statusCode, redirectUri).toBe(400);
      expect(page.headers.location, redirectUri).toBeUndefined();
    }
  });

  it('shows an unknown client an error page and does not redirect anywhere', async () => {
    const params = authorizeParams({
      clientId: '00000000-0000-4000-8000-000000000000',
      redirectUri: callback,
      challenge: pkcePair().challenge,
    });
    const page = await browser(params);
    expect(page.statusCode).toBe(401);
    expect(page.headers.location).toBeUndefined();
    expect(page.body).toContain('Unknown app');
    expect((await asJson(params)).json().error.code).toBe('invalid_client');
    const missing = await browser({ redirect_uri: callback, response_type: 'code' });
    expect(missing.headers.location).toBeUndefined();
  });

  it('OP-Req-NotUnderstood (unknown parameter ignored): the request goes through', async () => {
    const { verifier, challenge } = pkcePair();
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri: callback,
      challenge,
      extra: { extra: 'foobar', ui_locales: 'de' },
    });
    expect((await asJson(params)).statusCode).toBe(200);
    expect((await browser(params)).headers.location).toMatch(/^\/oauth\/consent\?/);
    const { code } = await approve(h, person.accessToken, params);
    expect((await exchange(code, verifier)).statusCode).toBe(200);
  });

  it('OP-scope-order (other scope order accepted): the same scopes in any order and by legacy name', async () => {
    for (const scope of [
      'openid identity.read messages.send',
      'messages.send openid identity.read',
      'identify message openid',
    ]) {
      const { verifier, challenge } = pkcePair();
      const { code } = await approve(
        h,
        person.accessToken,
        authorizeParams({ clientId: app.appId, redirectUri: callback, challenge, scope, nonce: 'n' }),
      );
      const token = await exchange(code, verifier);
      expect(token.json().scope, scope).toBe('identity.read messages.send openid');
    }
  });

  it('OP-PKCE valid: the right verifier is accepted', async () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const { code } = await approve(
      h,
      person.accessToken,
      authorizeParams({
        clientId: app.appId,
        redirectUri: callback,
        challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      }),
    );
    expect((await exchange(code, verifier)).statusCode).toBe(200);
  });

  it('refuses a mismatched verifier without burning the code for the app that holds the right one', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approve(
      h,
      person.accessToken,
      authorizeParams({ clientId: app.appId, redirectUri: callback, challenge }),
    );
    const wrong = await exchange(code, pkcePair().verifier);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'code_verifier does not match the code_challenge.',
    });
    const missing = await tokenForm(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: callback,
      client_id: app.appId,
    });
    expect(missing.json().error).toBe('invalid_request');
    expect((await exchange(code, verifier)).statusCode).toBe(200);
  });

  it('refuses an expired code (60 s)', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approve(
      h,
      person.accessToken,
      authorizeParams({ clientId: app.appId, redirectUri: callback, challenge }),
    );
    h.clock.advance(60_001);
    const late = await exchange(code, verifier);
    expect(late.statusCode).toBe(400);
    expect(late.json().error).toBe('invalid_grant');
  });

  it('refuses a code presented with another redirect_uri or by another client', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approve(
      h,
      person.accessToken,
      authorizeParams({ clientId: app.appId, redirectUri: callback, challenge }),
    );
    expect((await exchange(code, verifier, 'https://parcel.example/elsewhere')).json().error).toBe(
      'invalid_grant',
    );
    const other = await registerApp(h, 'Other App', [callback]);
    const stolen = await tokenForm(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: callback,
      client_id: other.appId,
      code_verifier: verifier,
    });
    expect(stolen.json().error).toBe('invalid_grant');
    expect((await exchange(code, verifier)).statusCode).toBe(200);
  });

  it('refuses plain PKCE and a missing method, telling the app at its redirect URI with state and iss', async () => {
    for (const method of ['plain', undefined]) {
      const params = authorizeParams({
        clientId: app.appId,
        redirectUri: callback,
        challenge: pkcePair().challenge,
        state: 'st',
      });
      if (method) params.code_challenge_method = method;
      else delete params.code_challenge_method;
      const response = await browser(params);
      expect(response.statusCode).toBe(302);
      const location = new URL(response.headers.location as string);
      expect(`${location.origin}${location.pathname}`).toBe(callback);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('st');
      expect(location.searchParams.get('iss')).toBe(h.config.server.publicUrl);
      const json = await asJson(params);
      expect(json.statusCode).toBe(400);
      expect(json.json().error).toMatchObject({
        code: 'invalid_request',
        details: { error: 'invalid_request' },
      });
    }
    const noChallenge = authorizeParams({ clientId: app.appId, redirectUri: callback, challenge: '' });
    delete noChallenge.code_challenge;
    expect(new URL((await browser(noChallenge)).headers.location as string).searchParams.get('error')).toBe(
      'invalid_request',
    );
  });

  it('redirects the other request errors in order: response type, then scope', async () => {
    const wrongType = authorizeParams({
      clientId: app.appId,
      redirectUri: callback,
      challenge: pkcePair().challenge,
      scope: 'bogus',
    });
    wrongType.response_type = 'token';
    const first = new URL((await browser(wrongType)).headers.location as string);
    expect(first.searchParams.get('error')).toBe('unsupported_response_type');
    const badScope = authorizeParams({
      clientId: app.appId,
      redirectUri: callback,
      challenge: pkcePair().challenge,
      scope: 'bogus',
    });
    const second = new URL((await browser(badScope)).headers.location as string);
    expect(second.searchParams.get('error')).toBe('invalid_scope');
  });

  it('refuses a repeated parameter', async () => {
    const params = new URLSearchParams(
      authorizeParams({ clientId: app.appId, redirectUri: callback, challenge: pkcePair().challenge }),
    );
    params.append('scope', 'openid');
    params.append('scope', 'identity.read');
    const response = await h.app.inject({
      method: 'GET',
      url: `/oauth/authorize?${params}`,
      headers: { accept: 'text/html' },
    });
    expect(new URL(response.headers.location as string).searchParams.get('error')).toBe('invalid_request');
  });

  it('accepts a loopback redirect URI on another port (RFC 8252 §7.3) and keeps it for the exchange', async () => {
    const native = await registerApp(h, 'Native App', ['http://127.0.0.1/cb']);
    const { verifier, challenge } = pkcePair();
    const redirectUri = 'http://127.0.0.1:49152/cb';
    const { redirectTo, code } = await approve(
      h,
      person.accessToken,
      authorizeParams({ clientId: native.appId, redirectUri, challenge }),
    );
    expect(redirectTo.port).toBe('49152');
    const token = await tokenForm(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: native.appId,
      code_verifier: verifier,
    });
    expect(token.statusCode).toBe(200);
  });

  it('refuses an unsupported grant type in both dialects', async () => {
    const form = await tokenForm(h, { grant_type: 'password', client_id: app.appId });
    expect(form.statusCode).toBe(400);
    expect(form.json().error).toBe('unsupported_grant_type');
    const json = await tokenJson(h, { grant_type: 'password', client_id: app.appId });
    expect(json.json().error.code).toBe('unsupported_grant_type');
  });

  it('answers JSON token errors in the envelope and never caches them', async () => {
    const response = await tokenJson(h, {
      grant_type: 'authorization_code',
      code: 'oac_nothing',
      redirect_uri: callback,
      client_id: app.appId,
      code_verifier: pkcePair().verifier,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'invalid_grant' },
      requestId: expect.any(String),
    });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('takes the API key as an optional client secret and refuses a wrong one', async () => {
    const key = await app.dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, {});
    const apiKey = key.json().data.apiKey as string;
    const { verifier, challenge } = pkcePair();
    const { code } = await approve(
      h,
      person.accessToken,
      authorizeParams({ clientId: app.appId, redirectUri: callback, challenge }),
    );
    const fields = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: callback,
      code_verifier: verifier,
    };
    const wrong = await tokenForm(h, fields, {
      authorization: `Basic ${Buffer.from(`${app.appId}:antara_live_wrong`).toString('base64')}`,
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('invalid_client');
    const right = await tokenForm(h, fields, {
      authorization: `Basic ${Buffer.from(`${app.appId}:${apiKey}`).toString('base64')}`,
    });
    expect(right.statusCode).toBe(200);
  });

  it('publishes discovery metadata that promises S256 only and the iss parameter', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const response = await h.app.inject({ method: 'GET', url: path });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        issuer: h.config.server.publicUrl,
        authorization_endpoint: `${h.config.server.publicUrl}/oauth/authorize`,
        token_endpoint: `${h.config.server.publicUrl}/oauth/token`,
        jwks_uri: `${h.config.server.publicUrl}/.well-known/jwks.json`,
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        response_types_supported: ['code'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['ES256'],
      });
    }
    const jwks = (await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: expect.any(String),
      alg: 'ES256',
      use: 'sig',
    });
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });

  it('userinfo needs a live oit_ token', async () => {
    const none = await h.app.inject({ method: 'GET', url: '/oauth/userinfo' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const userSession = await h.app.inject({
      method: 'GET',
      url: '/oauth/userinfo',
      headers: bearer(person.accessToken),
    });
    expect(userSession.statusCode).toBe(401);
  });
});
