import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAppToken } from '../src/apps/authenticate-app.js';
import { appWithKey, developer } from './support/apps.js';
import { eachDialect } from './support/dialects.js';
import { type Harness, startHarness } from './support/harness.js';

type Request = {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  payload?: unknown;
};

/** Redirect URIs that must never be registered, and what the rule is. */
const BAD_REDIRECT_URIS: [string, string][] = [
  ['plain http on a public host', 'http://example.com/cb'],
  ['plain http on a private address', 'http://192.168.1.10/cb'],
  ['plain http on 10/8', 'http://10.0.0.1/cb'],
  ['http on a loopback-looking domain', 'http://localhost.evil.example/cb'],
  ['http on a wildcard DNS name for 127.0.0.1', 'http://127.0.0.1.nip.io/cb'],
  ['http on a hex-spelled loopback', 'http://0x7f.0.0.1/cb'],
  ['http on an IPv6 address that is not ::1', 'http://[::2]/cb'],
  ['upper-case HTTP scheme on a public host', 'HTTP://example.com/cb'],
  ['a fragment', 'https://example.com/cb#section'],
  ['an empty fragment', 'https://example.com/cb#'],
  ['a wildcard host', 'https://*.example.com/cb'],
  ['a wildcard path', 'https://example.com/*'],
  ['ftp', 'ftp://example.com/cb'],
  ['javascript:', 'javascript:alert(1)'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['a private-use scheme', 'com.example.app:/oauth2redirect'],
  ['a relative path', '/oauth/callback'],
  ['no scheme', 'example.com/cb'],
  ['the empty string', ''],
  ['a scheme without a host', 'https://'],
  ['an empty authority', 'https:///cb'],
  ['user and password', 'https://user:secret@example.com/cb'],
  ['a user name', 'https://user@example.com/cb'],
  ['a space', 'https://example.com/c b'],
  ['a non-ASCII host', 'https://exämple.com/cb'],
  ['a NUL byte', 'https://example.com/cb\u0000'],
  ['a trailing newline', 'https://example.com/cb\n'],
  ['a backslash', 'https://example.com\\@evil.example/'],
  ['an out-of-range port', 'https://example.com:99999/cb'],
  ['a port on a non-http scheme', 'wss://example.com:443/cb'],
];

eachDialect('bad input to apps, keys and app tokens is a 4xx envelope', (dialect) => {
  let h: Harness;
  let dev: Awaited<ReturnType<typeof developer>>;
  let appId: string;
  let apiKey: string;
  let appToken: string;
  let userToken: string;

  beforeAll(async () => {
    h = await startHarness({
      dialect,
      routes: (app, ctx) => {
        app.get('/app/v1/test-probe', async (request, reply) => {
          await requireAppToken(ctx, request, 'identity.read', reply);
          return { ok: true };
        });
      },
    });
    dev = await developer(h, 'bad-input@example.com');
    const created = await appWithKey(dev);
    appId = created.app.appId;
    apiKey = created.key.apiKey;
    userToken = dev.session.accessToken;
    appToken = (
      await h.app.inject({ method: 'POST', url: '/auth/token/exchange', payload: { apiKey } })
    ).json().data.accessToken;
  });
  afterAll(async () => {
    await h?.close();
  });

  const asDev = (request: Request): Request => ({
    ...request,
    headers: { authorization: `Bearer ${userToken}`, ...request.headers },
  });

  async function expectEnvelope(request: Request, status: number, code?: string) {
    const res = await h.app.inject({
      method: request.method,
      url: request.url,
      headers: request.headers ?? {},
      ...(request.payload === undefined
        ? {}
        : { payload: typeof request.payload === 'string' ? request.payload : (request.payload as object) }),
    });
    expect(res.statusCode, res.body).toBe(status);
    const body = res.json();
    expect(body).toEqual({
      error: {
        code: code ?? expect.any(String),
        message: expect.any(String),
        ...(body.error.details ? { details: body.error.details } : {}),
      },
      requestId: res.headers['x-request-id'],
    });
    expect(body.error.message.length).toBeLessThan(400);
    return body;
  }

  const cases: [string, () => Request, number, string?][] = [
    [
      'an exchange without apiKey',
      () => ({ method: 'POST', url: '/auth/token/exchange', payload: {} }),
      400,
      'invalid_request',
    ],
    [
      'an apiKey that is a number',
      () => ({ method: 'POST', url: '/auth/token/exchange', payload: { apiKey: 42 } }),
      400,
      'invalid_request',
    ],
    [
      'an apiKey that is an array',
      () => ({ method: 'POST', url: '/auth/token/exchange', payload: { apiKey: [apiKey] } }),
      400,
      'invalid_request',
    ],
    [
      'a truncated apiKey',
      () => ({ method: 'POST', url: '/auth/token/exchange', payload: { apiKey: apiKey.slice(0, 20) } }),
      401,
      'invalid_client',
    ],
    [
      'an apiKey with one character changed',
      () => ({
        method: 'POST',
        url: '/auth/token/exchange',
        payload: { apiKey: `${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}` },
      }),
      401,
      'invalid_client',
    ],
    [
      'a uat_ token as apiKey',
      () => ({ method: 'POST', url: '/auth/token/exchange', payload: { apiKey: userToken } }),
      401,
      'invalid_client',
    ],
    [
      'an aat_ token as apiKey',
      () => ({ method: 'POST', url: '/auth/token/exchange', payload: { apiKey: appToken } }),
      401,
      'invalid_client',
    ],
    [
      'a test-mode prefix',
      () => ({
        method: 'POST',
        url: '/auth/token/exchange',
        payload: { apiKey: apiKey.replace('antara_live_', 'antara_test_') },
      }),
      401,
      'invalid_client',
    ],
    [
      'an oversized apiKey',
      () => ({
        method: 'POST',
        url: '/auth/token/exchange',
        payload: { apiKey: `antara_live_${'a'.repeat(5000)}` },
      }),
      400,
      'invalid_request',
    ],
    [
      'unicode garbage as apiKey',
      () => ({
        method: 'POST',
        url: '/auth/token/exchange',
        payload: { apiKey: 'antara_live_💥\u0000\u202e\uffff𝕏'.repeat(3) },
      }),
      401,
      'invalid_client',
    ],
    [
      'an unknown field next to apiKey',
      () => ({ method: 'POST', url: '/auth/token/exchange', payload: { apiKey, admin: true } }),
      400,
      'invalid_request',
    ],
    [
      'an exchange as text/plain',
      () => ({
        method: 'POST',
        url: '/auth/token/exchange',
        headers: { 'content-type': 'text/plain' },
        payload: apiKey,
      }),
      415,
      'unsupported_media_type',
    ],
    [
      'broken JSON',
      () => ({
        method: 'POST',
        url: '/auth/token/exchange',
        headers: { 'content-type': 'application/json' },
        payload: '{"apiKey": ',
      }),
      400,
      'invalid_json',
    ],
    [
      'a client_id that is not a UUID',
      () => ({
        method: 'POST',
        url: '/auth/client-token',
        payload: { client_id: 'my-app', client_secret: apiKey },
      }),
      401,
      'invalid_client',
    ],
    [
      'a client_secret that is a uat_ token',
      () => ({
        method: 'POST',
        url: '/auth/client-token',
        payload: { client_id: appId, client_secret: userToken },
      }),
      401,
      'invalid_client',
    ],
    [
      'an unknown scope at client-token',
      () => ({
        method: 'POST',
        url: '/auth/client-token',
        payload: { client_id: appId, client_secret: apiKey, scopes: ['root'] },
      }),
      400,
      'invalid_scope',
    ],
    [
      'a scope string of 2000 characters',
      () => ({
        method: 'POST',
        url: '/auth/client-token',
        payload: { client_id: appId, client_secret: apiKey, scopes: 'x'.repeat(2000) },
      }),
      400,
      'invalid_request',
    ],
    [
      'an oversized token to introspect',
      () => ({ method: 'POST', url: '/auth/introspect', payload: { token: `aat_${'a'.repeat(600)}` } }),
      400,
      'invalid_request',
    ],
    [
      'an aat_ token where a uat_ is needed',
      () => ({ method: 'GET', url: '/dev/v1/apps', headers: { authorization: `Bearer ${appToken}` } }),
      401,
      'invalid_token',
    ],
    [
      'an API key where a uat_ is needed',
      () => ({ method: 'GET', url: '/dev/v1/apps', headers: { authorization: `Bearer ${apiKey}` } }),
      401,
      'invalid_token',
    ],
    [
      'a uat_ token where an aat_ is needed',
      () => ({ method: 'GET', url: '/app/v1/test-probe', headers: { authorization: `Bearer ${userToken}` } }),
      401,
      'invalid_token',
    ],
    [
      'an API key where an aat_ is needed',
      () => ({ method: 'GET', url: '/app/v1/test-probe', headers: { authorization: `Bearer ${apiKey}` } }),
      401,
      'invalid_token',
    ],
    [
      'a Basic header where an aat_ is needed',
      () => ({
        method: 'GET',
        url: '/app/v1/test-probe',
        headers: { authorization: `Basic ${Buffer.from(`${appId}:${apiKey}`).toString('base64')}` },
      }),
      401,
      'invalid_token',
    ],
    [
      'an empty app name',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: '', redirectUris: ['https://a.example/cb'] },
        }),
      400,
      'invalid_request',
    ],
    [
      'a blank app name',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: '   ', redirectUris: ['https://a.example/cb'] },
        }),
      400,
      'invalid_request',
    ],
    [
      'an app name of 81 characters',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: 'n'.repeat(81), redirectUris: ['https://a.example/cb'] },
        }),
      400,
      'invalid_request',
    ],
    [
      'an app name with control characters',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: 'Evil\u0007\u001b[31mApp', redirectUris: ['https://a.example/cb'] },
        }),
      400,
      'invalid_request',
    ],
    [
      'an app name of 5000 emoji',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: '💥'.repeat(5000), redirectUris: ['https://a.example/cb'] },
        }),
      400,
      'invalid_request',
    ],
    [
      'an app name that is an object',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: { $ne: null }, redirectUris: ['https://a.example/cb'] },
        }),
      400,
      'invalid_request',
    ],
    [
      'no redirect URIs',
      () => asDev({ method: 'POST', url: '/dev/v1/apps', payload: { name: 'App', redirectUris: [] } }),
      400,
      'invalid_request',
    ],
    [
      'eleven redirect URIs',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: {
            name: 'App',
            redirectUris: Array.from({ length: 11 }, (_, i) => `https://a.example/cb${i}`),
          },
        }),
      400,
      'invalid_request',
    ],
    [
      'a redirect URI of 2001 characters',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: 'App', redirectUris: [`https://a.example/${'p'.repeat(1983)}`] },
        }),
      400,
      'invalid_request',
    ],
    [
      'a redirect URI that is a string, not a list',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: 'App', redirectUris: 'https://a.example/cb' },
        }),
      400,
      'invalid_request',
    ],
    [
      'a javascript: homepage',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: {
            name: 'App',
            redirectUris: ['https://a.example/cb'],
            homepageUrl: 'javascript:alert(1)',
          },
        }),
      400,
      'invalid_request',
    ],
    [
      'a unicode-garbage homepage',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: {
            name: 'App',
            redirectUris: ['https://a.example/cb'],
            homepageUrl: 'https://\u202eevil\u0000.example',
          },
        }),
      400,
      'invalid_request',
    ],
    [
      'an unknown field on an app',
      () =>
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: 'App', redirectUris: ['https://a.example/cb'], trustLevel: 'verified' },
        }),
      400,
      'invalid_request',
    ],
    [
      'an empty PATCH',
      () => asDev({ method: 'PATCH', url: `/dev/v1/apps/${appId}`, payload: {} }),
      400,
      'invalid_request',
    ],
    [
      'a PATCH of the owner',
      () => asDev({ method: 'PATCH', url: `/dev/v1/apps/${appId}`, payload: { ownerUserId: 'someone' } }),
      400,
      'invalid_request',
    ],
    [
      'a key name with control characters',
      () => asDev({ method: 'POST', url: `/dev/v1/apps/${appId}/keys`, payload: { name: 'a\u0000b' } }),
      400,
      'invalid_request',
    ],
    [
      'a key with no scopes',
      () => asDev({ method: 'POST', url: `/dev/v1/apps/${appId}/keys`, payload: { scopes: [] } }),
      400,
      'invalid_request',
    ],
    [
      'a key with a user-only scope',
      () =>
        asDev({ method: 'POST', url: `/dev/v1/apps/${appId}/keys`, payload: { scopes: ['profile.basic'] } }),
      400,
      'invalid_scope',
    ],
    [
      'a key with a scope of unicode garbage',
      () =>
        asDev({ method: 'POST', url: `/dev/v1/apps/${appId}/keys`, payload: { scopes: ['\u0000💥\u202e'] } }),
      400,
      'invalid_scope',
    ],
    [
      'an audit page of limit 0',
      () => asDev({ method: 'GET', url: `/dev/v1/apps/${appId}/audit?limit=0` }),
      400,
      'invalid_request',
    ],
    [
      'an audit page of limit abc',
      () => asDev({ method: 'GET', url: `/dev/v1/apps/${appId}/audit?limit=abc` }),
      400,
      'invalid_request',
    ],
    [
      'a forged audit cursor',
      () =>
        asDev({
          method: 'GET',
          url: `/dev/v1/apps/${appId}/audit?cursor=${Buffer.from("1.' OR 1=1 --").toString('base64url')}`,
        }),
      400,
      'invalid_request',
    ],
    [
      'a key id of another shape',
      () => asDev({ method: 'DELETE', url: `/dev/v1/apps/${appId}/keys/${'%F0%9F%92%A5'.repeat(3)}` }),
      404,
      'not_found',
    ],
  ];

  // HTTP Basic is the OAuth wire format, so these answer RFC 6749 §5.2 bodies (CONTRACT §3).
  const basicCases: [string, () => Request][] = [
    [
      'Basic credentials that are not base64',
      () => ({
        method: 'POST',
        url: '/auth/client-token',
        headers: { authorization: 'Basic !!!' },
        payload: {},
      }),
    ],
    [
      'Basic credentials without a colon',
      () => ({
        method: 'POST',
        url: '/auth/client-token',
        headers: { authorization: `Basic ${Buffer.from(appId).toString('base64')}` },
        payload: {},
      }),
    ],
    [
      'Basic credentials with broken percent-encoding',
      () => ({
        method: 'POST',
        url: '/auth/client-token',
        headers: { authorization: `Basic ${Buffer.from(`${appId}:%zz`).toString('base64')}` },
        payload: {},
      }),
    ],
  ];

  describe('requests', () => {
    it.each(basicCases)('refuses %s with an RFC 6749 invalid_client', async (_name, request) => {
      const r = request();
      const res = await h.app.inject({
        method: r.method,
        url: r.url,
        headers: r.headers ?? {},
        payload: r.payload as object,
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
      expect(res.headers['www-authenticate']).toBe('Basic realm="antara", charset="UTF-8"');
    });

    it.each(cases)('refuses %s', async (_name, request, status, code) => {
      await expectEnvelope(request(), status, code);
    });
  });

  describe('redirect URIs', () => {
    it.each(BAD_REDIRECT_URIS)('refuses %s at registration and on update', async (_why, uri) => {
      const created = await expectEnvelope(
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: 'Bad URI', redirectUris: ['https://ok.example/cb', uri] },
        }),
        400,
      );
      expect(['invalid_redirect_uri', 'invalid_request']).toContain(created.error.code);
      const updated = await expectEnvelope(
        asDev({ method: 'PATCH', url: `/dev/v1/apps/${appId}`, payload: { redirectUris: [uri] } }),
        400,
      );
      expect(updated.error.code).toBe(created.error.code);
    });

    it('names the broken URI and the rule it breaks', async () => {
      const body = await expectEnvelope(
        asDev({
          method: 'POST',
          url: '/dev/v1/apps',
          payload: { name: 'Bad', redirectUris: ['https://ok.example/cb', 'http://example.com/cb'] },
        }),
        400,
        'invalid_redirect_uri',
      );
      expect(body.error.details).toEqual({
        index: 1,
        redirectUri: 'http://example.com/cb',
        problem: expect.stringContaining('loopback'),
      });
    });

    it('accepted none of them: the developer still has one app with its first redirect URI', async () => {
      const apps = (await dev.call('GET', '/dev/v1/apps')).json().data;
      expect(apps).toHaveLength(1);
      expect(apps[0].redirectUris).toEqual(['https://parcel.example/callback']);
    });
  });
});
