import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const BODY_LIMIT = 2048;
const UNKNOWN_CHALLENGE = '6f1b6a3e-2c1d-4a8e-9d3b-5f0e4c7a1b2d';

interface BadRequest {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Uses the signed-in person's bearer token. */
  signedIn?: boolean;
  status: number;
  code: string;
  /** Response headers the answer must carry. */
  expectHeaders?: Record<string, string>;
}

const json = (value: unknown) => JSON.stringify(value);

// biome-ignore format: one request per line reads as a table
const CASES: BadRequest[] = [
  // POST /auth/email/start: body shape and media types
  { name: 'malformed JSON', method: 'POST', url: '/auth/email/start', body: '{"email": ', headers: JSON_TYPE, status: 400, code: 'invalid_json' },
  { name: 'a form body sent as JSON', method: 'POST', url: '/auth/email/start', body: 'email=a%40b.co', headers: JSON_TYPE, status: 400, code: 'invalid_json' },
  { name: 'empty body with a JSON content type', method: 'POST', url: '/auth/email/start', body: '', headers: JSON_TYPE, status: 400, code: 'invalid_json' },
  { name: 'no body at all', method: 'POST', url: '/auth/email/start', status: 400, code: 'invalid_request' },
  { name: 'text/plain', method: 'POST', url: '/auth/email/start', body: 'ada@example.com', headers: { 'content-type': 'text/plain' }, status: 415, code: 'unsupported_media_type' },
  { name: 'multipart/form-data', method: 'POST', url: '/auth/email/start', body: '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@example.com\r\n--b--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=b' }, status: 415, code: 'unsupported_media_type' },
  { name: 'XML', method: 'POST', url: '/auth/email/start', body: '<email>ada@example.com</email>', headers: { 'content-type': 'application/xml' }, status: 415, code: 'unsupported_media_type' },
  { name: 'a JSON array instead of an object', method: 'POST', url: '/auth/email/start', body: '[{"email":"ada@example.com"}]', headers: JSON_TYPE, status: 400, code: 'invalid_request' },
  { name: 'a bare JSON string', method: 'POST', url: '/auth/email/start', body: '"ada@example.com"', headers: JSON_TYPE, status: 400, code: 'invalid_request' },
  { name: 'JSON null', method: 'POST', url: '/auth/email/start', body: 'null', headers: JSON_TYPE, status: 400, code: 'invalid_request' },
  { name: 'a __proto__ key', method: 'POST', url: '/auth/email/start', body: '{"email":"ada@example.com","__proto__":{"admin":true}}', headers: JSON_TYPE, status: 400, code: 'invalid_json' },
  { name: 'an unknown field', method: 'POST', url: '/auth/email/start', body: { email: 'ada@example.com', admin: true }, status: 400, code: 'invalid_request' },
  { name: 'a missing email', method: 'POST', url: '/auth/email/start', body: {}, status: 400, code: 'invalid_request' },
  { name: 'an email that is a number', method: 'POST', url: '/auth/email/start', body: { email: 12345 }, status: 400, code: 'invalid_request' },
  { name: 'an email inside an array', method: 'POST', url: '/auth/email/start', body: { email: ['ada@example.com'] }, status: 400, code: 'invalid_request' },
  { name: 'an email that is not an address', method: 'POST', url: '/auth/email/start', body: { email: 'ada at example dot com' }, status: 400, code: 'invalid_request' },
  { name: 'an overlong email', method: 'POST', url: '/auth/email/start', body: { email: `${'a'.repeat(300)}@example.com` }, status: 400, code: 'invalid_request' },
  { name: 'a NUL byte in the email', method: 'POST', url: '/auth/email/start', body: { email: 'ada\u0000@example.com' }, status: 400, code: 'invalid_request' },
  { name: 'a lone surrogate in the email', method: 'POST', url: '/auth/email/start', body: '{"email":"\\ud800ada@example.com"}', headers: JSON_TYPE, status: 400, code: 'invalid_request' },
  { name: 'right-to-left override and emoji in the email', method: 'POST', url: '/auth/email/start', body: { email: 'ad\u202ea🦄@exa\u200bmple.com' }, status: 400, code: 'invalid_request' },
  { name: 'a body over ANTARA_BODY_LIMIT', method: 'POST', url: '/auth/email/start', body: { email: 'ada@example.com', pad: 'x'.repeat(BODY_LIMIT) }, status: 413, code: 'payload_too_large' },
  { name: 'a Content-Length that lies', method: 'POST', url: '/auth/email/start', body: '{"email":"ada@example.com"}', headers: { ...JSON_TYPE, 'content-length': '5' }, status: 400, code: 'invalid_request' },

  // POST /auth/email/verify
  { name: 'a challengeId that is not a UUID', method: 'POST', url: '/auth/email/verify', body: { challengeId: 'challenge-1', code: '123456' }, status: 400, code: 'invalid_request' },
  { name: 'a SQL fragment as challengeId', method: 'POST', url: '/auth/email/verify', body: { challengeId: "' OR 1=1 --", code: '123456' }, status: 400, code: 'invalid_request' },
  { name: 'a 5-digit code', method: 'POST', url: '/auth/email/verify', body: { challengeId: UNKNOWN_CHALLENGE, code: '12345' }, status: 400, code: 'invalid_request' },
  { name: 'a 7-digit code', method: 'POST', url: '/auth/email/verify', body: { challengeId: UNKNOWN_CHALLENGE, code: '1234567' }, status: 400, code: 'invalid_request' },
  { name: 'letters for a code', method: 'POST', url: '/auth/email/verify', body: { challengeId: UNKNOWN_CHALLENGE, code: 'abcdef' }, status: 400, code: 'invalid_request' },
  { name: 'full-width digits for a code', method: 'POST', url: '/auth/email/verify', body: { challengeId: UNKNOWN_CHALLENGE, code: '１２３４５６' }, status: 400, code: 'invalid_request' },
  { name: 'a code with a trailing newline', method: 'POST', url: '/auth/email/verify', body: { challengeId: UNKNOWN_CHALLENGE, code: '123456\n' }, status: 400, code: 'invalid_request' },
  { name: 'a code sent as a number', method: 'POST', url: '/auth/email/verify', body: { challengeId: UNKNOWN_CHALLENGE, code: 123456 }, status: 400, code: 'invalid_request' },
  { name: 'a missing code', method: 'POST', url: '/auth/email/verify', body: { challengeId: UNKNOWN_CHALLENGE }, status: 400, code: 'invalid_request' },
  { name: 'a well-formed but unknown challenge', method: 'POST', url: '/auth/email/verify', body: { challengeId: UNKNOWN_CHALLENGE, code: '123456' }, status: 400, code: 'code_expired' },

  // POST /auth/exchange-code
  { name: 'an exchange code with spaces', method: 'POST', url: '/auth/exchange-code', body: { code: 'lc_ abc def' }, status: 400, code: 'invalid_request' },
  { name: 'an empty exchange code', method: 'POST', url: '/auth/exchange-code', body: { code: '' }, status: 400, code: 'invalid_request' },
  { name: 'an overlong exchange code', method: 'POST', url: '/auth/exchange-code', body: { code: `lc_${'a'.repeat(600)}` }, status: 400, code: 'invalid_request' },
  { name: 'an unknown exchange code', method: 'POST', url: '/auth/exchange-code', body: { code: `lc_${'A'.repeat(43)}` }, status: 400, code: 'invalid_grant' },

  // POST /auth/refresh
  { name: 'a garbage refresh token', method: 'POST', url: '/auth/refresh', body: { refreshToken: 'garbage' }, status: 400, code: 'invalid_grant' },
  { name: 'an access token offered as refresh token', method: 'POST', url: '/auth/refresh', body: { refreshToken: `uat_${'A'.repeat(43)}` }, status: 400, code: 'invalid_grant' },
  { name: 'a null refresh token', method: 'POST', url: '/auth/refresh', body: { refreshToken: null }, status: 400, code: 'invalid_request' },
  { name: 'a missing refresh token', method: 'POST', url: '/auth/refresh', body: {}, status: 400, code: 'invalid_request' },

  // POST /auth/logout
  { name: 'logout without a token', method: 'POST', url: '/auth/logout', status: 401, code: 'invalid_token' },
  { name: 'logout with Basic auth', method: 'POST', url: '/auth/logout', headers: { authorization: 'Basic YWRhOnNlY3JldA==' }, status: 401, code: 'invalid_token' },
  { name: 'logout with a garbage bearer token', method: 'POST', url: '/auth/logout', headers: { authorization: 'Bearer !!!' }, status: 401, code: 'invalid_token' },
  { name: 'logout with a uat_ token of the wrong length', method: 'POST', url: '/auth/logout', headers: { authorization: 'Bearer uat_abc' }, status: 401, code: 'invalid_token' },
  { name: 'logout by GET', method: 'GET', url: '/auth/logout', status: 405, code: 'method_not_allowed', expectHeaders: { allow: 'POST' } },

  // POST /auth/introspect
  { name: 'introspect a number', method: 'POST', url: '/auth/introspect', body: { token: 42 }, status: 400, code: 'invalid_request' },
  { name: 'introspect an overlong token', method: 'POST', url: '/auth/introspect', body: { token: `uat_${'a'.repeat(600)}` }, status: 400, code: 'invalid_request' },
  { name: 'introspect without a token', method: 'POST', url: '/auth/introspect', body: { tokens: ['uat_x'] }, status: 400, code: 'invalid_request' },

  // GET and PATCH /me/v1/profile
  { name: 'the profile without a token', method: 'GET', url: '/me/v1/profile', status: 401, code: 'invalid_token' },
  { name: 'the profile with Basic auth', method: 'GET', url: '/me/v1/profile', headers: { authorization: 'Basic YWRhOnNlY3JldA==' }, status: 401, code: 'invalid_token' },
  { name: 'the profile with the scheme but no token', method: 'GET', url: '/me/v1/profile', headers: { authorization: 'Bearer' }, status: 401, code: 'invalid_token' },
  { name: 'the profile with a well-formed unknown uat_', method: 'GET', url: '/me/v1/profile', headers: bearer(`uat_${'A'.repeat(43)}`), status: 401, code: 'invalid_token' },
  { name: 'the profile with a token in the query string', method: 'GET', url: `/me/v1/profile?access_token=uat_${'A'.repeat(43)}`, status: 401, code: 'invalid_token' },
  { name: 'an empty profile change', method: 'PATCH', url: '/me/v1/profile', body: {}, signedIn: true, status: 400, code: 'invalid_request' },
  { name: 'a profile change that tries to set the email', method: 'PATCH', url: '/me/v1/profile', body: { email: 'other@example.com' }, signedIn: true, status: 400, code: 'invalid_request' },
  { name: 'a display name with a NUL byte', method: 'PATCH', url: '/me/v1/profile', body: { displayName: 'Ada\u0000' }, signedIn: true, status: 400, code: 'invalid_request' },
  { name: 'a display name of blanks', method: 'PATCH', url: '/me/v1/profile', body: { displayName: '   ' }, signedIn: true, status: 400, code: 'invalid_request' },
  { name: 'an overlong display name', method: 'PATCH', url: '/me/v1/profile', body: { displayName: 'A'.repeat(81) }, signedIn: true, status: 400, code: 'invalid_request' },
  { name: 'a display name that is a number', method: 'PATCH', url: '/me/v1/profile', body: { displayName: 42 }, signedIn: true, status: 400, code: 'invalid_request' },
  { name: 'a handle with capitals and spaces', method: 'PATCH', url: '/me/v1/profile', body: { primarySlug: 'Ada Lovelace' }, signedIn: true, status: 400, code: 'invalid_request' },
  { name: 'a profile change as text/plain', method: 'PATCH', url: '/me/v1/profile', body: 'displayName=Ada', headers: { 'content-type': 'text/plain' }, signedIn: true, status: 415, code: 'unsupported_media_type' },
  { name: 'a profile change without a token', method: 'PATCH', url: '/me/v1/profile', body: { displayName: 'Ada' }, status: 401, code: 'invalid_token' },

  // Unknown routes and wrong methods
  { name: 'an unknown path', method: 'GET', url: '/no/such/thing', status: 404, code: 'not_found' },
  { name: 'an unknown path under /auth', method: 'POST', url: '/auth/email', body: { email: 'ada@example.com' }, status: 404, code: 'not_found' },
  { name: 'a malformed percent-encoding in the path', method: 'GET', url: '/me/v1/%E0%A4%A', status: 400, code: 'invalid_request' },
  { name: 'GET on a POST-only route', method: 'GET', url: '/auth/email/start', status: 405, code: 'method_not_allowed', expectHeaders: { allow: 'POST' } },
  { name: 'PUT on the sign-in start', method: 'PUT', url: '/auth/email/start', body: { email: 'ada@example.com' }, status: 405, code: 'method_not_allowed', expectHeaders: { allow: 'POST' } },
  { name: 'DELETE on the profile', method: 'DELETE', url: '/me/v1/profile', signedIn: true, status: 405, code: 'method_not_allowed', expectHeaders: { allow: 'GET, HEAD, PATCH' } },
];

eachDialect('bad input', (dialect) => {
  let h: Harness;
  let accessToken: string;
  beforeAll(async () => {
    h = await startHarness({ dialect, env: { ANTARA_BODY_LIMIT: String(BODY_LIMIT) } });
    accessToken = (await signIn(h, 'bad-input@example.com')).accessToken;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('has a table of at least 30 malformed requests', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('answers $name with $status $code', async (c) => {
    const headers: Record<string, string> = { ...c.headers, ...(c.signedIn ? bearer(accessToken) : {}) };
    let payload: string | undefined;
    if (typeof c.body === 'string') payload = c.body;
    else if (c.body !== undefined) {
      payload = json(c.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await h.app.inject({ method: c.method, url: c.url, headers, payload });
    expect({ status: res.statusCode, body: res.json() }).toMatchObject({
      status: c.status,
      body: { error: { code: c.code, message: expect.any(String) } },
    });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['error', 'requestId']);
    expect(body.requestId).toBe(res.headers['x-request-id']);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    for (const [name, value] of Object.entries(c.expectHeaders ?? {})) expect(res.headers[name]).toBe(value);
  });

  it('answers garbage tokens at /auth/introspect with active: false, never an error', async () => {
    for (const token of [
      '',
      'garbage',
      'uat_abc',
      `uat_${'A'.repeat(43)}`,
      'uat_\u0000',
      '🦄',
      `urt_${'A'.repeat(43)}`,
    ]) {
      const res = await h.app.inject({ method: 'POST', url: '/auth/introspect', payload: { token } });
      expect(res.statusCode, token).toBe(200);
      expect(res.json().data).toEqual({ active: false });
    }
  });

  it('never answers 5xx to odd JSON values in any field of any sign-in endpoint', async () => {
    const odd: unknown[] = [
      null,
      true,
      0,
      -1.5e308,
      '',
      ' ',
      'x'.repeat(512),
      '\u0000',
      '\ud83e',
      '💥'.repeat(40),
      [],
      [[[[[]]]]],
      {},
      { $gt: '' },
      { toString: 'x' },
    ];
    const fields: Array<[string, string, Record<string, unknown>]> = [
      ['/auth/email/start', 'email', {}],
      ['/auth/email/verify', 'challengeId', { code: '123456' }],
      ['/auth/email/verify', 'code', { challengeId: UNKNOWN_CHALLENGE }],
      ['/auth/exchange-code', 'code', {}],
      ['/auth/refresh', 'refreshToken', {}],
      ['/auth/introspect', 'token', {}],
    ];
    for (const [url, field, rest] of fields) {
      for (const value of odd) {
        const res = await h.app.inject({ method: 'POST', url, payload: { ...rest, [field]: value } });
        const label = `${url} ${field}=${JSON.stringify(value)}`;
        expect(res.statusCode, label).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.json().requestId, label).toBe(res.headers['x-request-id']);
      }
    }
  });
});
