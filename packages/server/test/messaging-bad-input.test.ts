import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { type Harness, signIn, startHarness } from './support/harness.js';
import { approve, countRows, messagingApp } from './support/messaging.js';

interface Case {
  name: string;
  /** Which credential to send; `aat` is a live app token with messages.send. */
  auth?: 'aat' | 'aat-without-messages' | 'uat' | 'api-key' | 'malformed-aat' | 'basic' | 'none';
  key?: string | null;
  payload?: unknown;
  raw?: { body: string; contentType: string };
  status: number;
  code?: string;
}

const SLUG_PLACEHOLDER = '<slug>';

eachDialect('sending messages: bad input is refused and leaves no trace', (dialect) => {
  let h: Harness;
  let tokens: Record<string, string>;
  let slug: string;

  beforeAll(async () => {
    h = await startHarness({ dialect });
    const app = await messagingApp(h, 'dev@bad-input.example');
    const person = await signIn(h, 'recipient@example.com');
    slug = (await approve(h, person, app.appId)).slug;
    tokens = {
      aat: app.aat,
      'aat-without-messages': await app.token(['identity.read']),
      uat: person.accessToken,
      'api-key': app.apiKey,
      'malformed-aat': 'aat_not-a-real-token',
    };
  });
  afterAll(async () => {
    await h?.close();
  });

  const ok = (extra: Record<string, unknown> = {}) => ({ slug: SLUG_PLACEHOLDER, body: 'Hello', ...extra });
  const cases: Case[] = [
    { name: 'no Authorization header', auth: 'none', payload: ok(), status: 401, code: 'invalid_token' },
    { name: 'a uat_ user token', auth: 'uat', payload: ok(), status: 401, code: 'invalid_token' },
    {
      name: 'an API key used as a bearer',
      auth: 'api-key',
      payload: ok(),
      status: 401,
      code: 'invalid_token',
    },
    {
      name: 'a malformed aat_ token',
      auth: 'malformed-aat',
      payload: ok(),
      status: 401,
      code: 'invalid_token',
    },
    {
      name: 'HTTP Basic instead of a bearer',
      auth: 'basic',
      payload: ok(),
      status: 401,
      code: 'invalid_token',
    },
    {
      name: 'an aat_ token without messages.send',
      auth: 'aat-without-messages',
      payload: ok(),
      status: 403,
      code: 'insufficient_scope',
    },
    { name: 'no Idempotency-Key', key: null, payload: ok(), status: 400, code: 'idempotency_key_required' },
    {
      name: 'an empty Idempotency-Key',
      key: '',
      payload: ok(),
      status: 400,
      code: 'idempotency_key_required',
    },
    {
      name: 'a key of 256 characters',
      key: 'k'.repeat(256),
      payload: ok(),
      status: 400,
      code: 'invalid_request',
    },
    {
      name: 'a key with a non-ASCII character',
      key: 'caf\u00e9',
      payload: ok(),
      status: 400,
      code: 'invalid_request',
    },
    { name: 'no body field', payload: { slug: SLUG_PLACEHOLDER }, status: 400, code: 'invalid_request' },
    { name: 'an empty body', payload: ok({ body: '' }), status: 400, code: 'invalid_request' },
    {
      name: 'a body of spaces and newlines',
      payload: ok({ body: '  \n\t ' }),
      status: 400,
      code: 'invalid_request',
    },
    { name: 'a body of 10,001 characters', payload: ok({ body: 'x'.repeat(10_001) }), status: 400 },
    { name: 'a body that is a number', payload: ok({ body: 42 }), status: 400, code: 'invalid_request' },
    { name: 'a body with a NUL character', payload: ok({ body: 'a\u0000b' }), status: 400 },
    { name: 'a body with a lone surrogate', payload: ok({ body: 'a\ud800b' }), status: 400 },
    {
      name: 'a slug of 11 characters',
      payload: ok({ slug: 'abcdefghijk' }),
      status: 400,
      code: 'invalid_request',
    },
    { name: 'a slug of 65 characters', payload: ok({ slug: 'a'.repeat(65) }), status: 400 },
    { name: 'a slug with a hyphen', payload: ok({ slug: 'abcdef-ghijklm' }), status: 400 },
    { name: 'a slug with a space', payload: ok({ slug: 'abcdef ghijklm' }), status: 400 },
    { name: 'a slug that is a number', payload: ok({ slug: 123456789012345 }), status: 400 },
    { name: 'both slug and to', payload: ok({ to: `${SLUG_PLACEHOLDER}@useantara.com` }), status: 400 },
    { name: 'neither slug nor to', payload: { body: 'Hello' }, status: 400, code: 'invalid_request' },
    {
      name: 'to with another domain',
      payload: { to: `${SLUG_PLACEHOLDER}@example.com`, body: 'Hi' },
      status: 400,
    },
    {
      name: 'to with a subdomain of useantara.com',
      payload: { to: `${SLUG_PLACEHOLDER}@mail.useantara.com`, body: 'Hi' },
      status: 400,
    },
    { name: 'to without an @', payload: { to: SLUG_PLACEHOLDER, body: 'Hi' }, status: 400 },
    {
      name: 'to with two @',
      payload: { to: `x@${SLUG_PLACEHOLDER}@useantara.com`, body: 'Hi' },
      status: 400,
    },
    { name: 'to with an empty local part', payload: { to: '@useantara.com', body: 'Hi' }, status: 400 },
    {
      name: 'an unknown field',
      payload: ok({ from: 'shop@example.com' }),
      status: 400,
      code: 'invalid_request',
    },
    { name: 'a subject of 201 characters', payload: ok({ subject: 's'.repeat(201) }), status: 400 },
    { name: 'a subject with a line break', payload: ok({ subject: 'one\ntwo' }), status: 400 },
    { name: 'a subject that is an object', payload: ok({ subject: { text: 'x' } }), status: 400 },
    { name: 'a JSON array', raw: { body: '[]', contentType: 'application/json' }, status: 400 },
    {
      name: 'invalid JSON',
      raw: { body: '{"slug":', contentType: 'application/json' },
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'a text/plain body',
      raw: { body: 'hello', contentType: 'text/plain' },
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'a form-encoded body without a body field',
      raw: { body: 'slug=x', contentType: 'application/x-www-form-urlencoded' },
      status: 400,
    },
  ];

  it(`has at least 25 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('refuses $name with $status', async (c) => {
    const before = [await countRows(h, 'messages'), await countRows(h, 'idempotency_keys')];
    const headers: Record<string, string> = {};
    const auth = c.auth ?? 'aat';
    if (auth === 'basic')
      headers.authorization = `Basic ${Buffer.from(`x:${tokens['api-key']}`).toString('base64')}`;
    else if (auth !== 'none') headers.authorization = `Bearer ${tokens[auth]}`;
    if (c.key !== null)
      headers['idempotency-key'] = c.key ?? `bad-input-${c.name}`.replaceAll(/[^\x20-\x7e]/g, '?');
    const substitute = (text: string) => text.replaceAll(SLUG_PLACEHOLDER, slug);
    const res = c.raw
      ? await h.app.inject({
          method: 'POST',
          url: '/app/v1/messages',
          headers: { ...headers, 'content-type': c.raw.contentType },
          payload: substitute(c.raw.body),
        })
      : await h.app.inject({
          method: 'POST',
          url: '/app/v1/messages',
          headers: { ...headers, 'content-type': 'application/json' },
          payload: substitute(JSON.stringify(c.payload)),
        });
    expect(res.statusCode, res.body).toBe(c.status);
    const body = res.json();
    if (c.code) expect(body.error.code).toBe(c.code);
    expect(body.requestId).toBe(res.headers['x-request-id']);
    expect([await countRows(h, 'messages'), await countRows(h, 'idempotency_keys')]).toEqual(before);
  });

  it('accepts the boundaries: a key of 255 characters and a body of exactly 10,000 characters', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/app/v1/messages',
      headers: { authorization: `Bearer ${tokens.aat}`, 'idempotency-key': 'k'.repeat(255) },
      payload: { slug, subject: 's'.repeat(200), body: '\u00e9'.repeat(10_000) },
    });
    expect(res.statusCode, res.body).toBe(201);
  });
});
