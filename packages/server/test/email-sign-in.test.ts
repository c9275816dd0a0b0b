import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keyedHash } from '../src/tokens/opaque-token.js';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, startHarness } from './support/harness.js';
import { type SmtpPeer, startSmtpPeer } from './support/smtp-peer.js';

eachDialect('email sign-in through a real SMTP peer', (dialect) => {
  let smtp: SmtpPeer;
  let h: Harness;
  beforeAll(async () => {
    smtp = await startSmtpPeer();
    h = await startHarness({ dialect, env: { ANTARA_SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url, payload: payload as object, headers });

  it('signs a new person in: start, code by mail, verify, exchange, introspect, refresh, logout', async () => {
    const start = await post('/auth/email/start', { email: 'Ada@Example.com' });
    expect(start.statusCode).toBe(200);
    const { challengeId } = start.json().data;
    const code = await smtp.codeFor('ada@example.com');

    const verify = await post('/auth/email/verify', { challengeId, code });
    expect(verify.statusCode).toBe(200);
    expect(verify.json().data.code).toMatch(/^lc_/);

    const exchange = await post('/auth/exchange-code', { code: verify.json().data.code });
    expect(exchange.statusCode).toBe(200);
    const body = exchange.json();
    expect(body.meta).toEqual({ requestId: exchange.headers['x-request-id'], issuedAt: expect.any(Number) });
    expect(body.data).toMatchObject({
      accessToken: expect.stringMatching(/^uat_[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 600,
      sessionType: 'user',
      audience: 'useantara',
      scopes: ['ai.chat', 'identity.read', 'messages.send', 'profile.basic'],
      user: {
        id: expect.any(String),
        primarySlug: expect.any(String),
        displayName: expect.any(String),
        trustLevel: 'L1',
        verified: true,
      },
    });
    expect(body.data.expiresAt).toBe(Math.floor(h.clock.now() / 1000) + 600);

    const introspect = await post('/auth/introspect', { token: body.data.accessToken });
    expect(introspect.json().data).toMatchObject({
      active: true,
      sessionType: 'user',
      audience: 'useantara',
      exp: body.data.expiresAt,
      user: { id: body.data.user.id },
    });

    const refreshed = await post('/auth/refresh', { refreshToken: body.data.refreshToken });
    expect(refreshed.statusCode).toBe(200);
    const next = refreshed.json().data;
    expect(next.accessToken).not.toBe(body.data.accessToken);
    expect((await post('/auth/introspect', { token: body.data.accessToken })).json().data).toEqual({
      active: false,
    });

    const logout = await post('/auth/logout', {}, bearer(next.accessToken));
    expect(logout.statusCode).toBe(200);
    expect((await post('/auth/introspect', { token: next.accessToken })).json().data).toEqual({
      active: false,
    });
    expect((await post('/auth/refresh', { refreshToken: next.refreshToken })).statusCode).toBe(400);
  });

  it('signs the same person into the same account the second time', async () => {
    const first = await post('/auth/email/start', { email: 'grace@example.com' });
    const code1 = await smtp.codeFor('grace@example.com');
    const v1 = await post('/auth/email/verify', { challengeId: first.json().data.challengeId, code: code1 });
    const s1 = (await post('/auth/exchange-code', { code: v1.json().data.code })).json().data;
    h.clock.advance(61_000);
    const second = await post('/auth/email/start', { email: 'grace@example.com' });
    const code2 = await smtp.codeFor('grace@example.com');
    const v2 = await post('/auth/email/verify', { challengeId: second.json().data.challengeId, code: code2 });
    const s2 = (await post('/auth/exchange-code', { code: v2.json().data.code })).json().data;
    expect(s2.user.id).toBe(s1.user.id);
  });

  it('locks a challenge after five wrong codes, even for the right code afterwards', async () => {
    const start = await post('/auth/email/start', { email: 'locked@example.com' });
    const { challengeId } = start.json().data;
    const code = await smtp.codeFor('locked@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push((await post('/auth/email/verify', { challengeId, code: wrong })).json().error.code);
    expect(answers).toEqual([
      'invalid_code',
      'invalid_code',
      'invalid_code',
      'invalid_code',
      'challenge_locked',
    ]);
    const right = await post('/auth/email/verify', { challengeId, code });
    expect(right.statusCode).toBe(400);
    expect(right.json().error.code).toBe('code_expired');
  });

  it('refuses a code after ten minutes', async () => {
    const start = await post('/auth/email/start', { email: 'late@example.com' });
    const code = await smtp.codeFor('late@example.com');
    h.clock.advance(10 * 60_000 + 1);
    const verify = await post('/auth/email/verify', { challengeId: start.json().data.challengeId, code });
    expect(verify.json().error.code).toBe('code_expired');
  });

  it('accepts a code once only, and the exchange code once only', async () => {
    const start = await post('/auth/email/start', { email: 'once@example.com' });
    const { challengeId } = start.json().data;
    const code = await smtp.codeFor('once@example.com');
    const verify = await post('/auth/email/verify', { challengeId, code });
    expect(verify.statusCode).toBe(200);
    expect((await post('/auth/email/verify', { challengeId, code })).json().error.code).toBe('code_expired');
    const exchangeCode = verify.json().data.code;
    expect((await post('/auth/exchange-code', { code: exchangeCode })).statusCode).toBe(200);
    const again = await post('/auth/exchange-code', { code: exchangeCode });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('invalid_grant');
  });

  it('replaces an older code with the newest one', async () => {
    const first = await post('/auth/email/start', { email: 'newest@example.com' });
    const oldCode = await smtp.codeFor('newest@example.com');
    h.clock.advance(61_000);
    const second = await post('/auth/email/start', { email: 'newest@example.com' });
    const newCode = await smtp.codeFor('newest@example.com');
    const old = await post('/auth/email/verify', {
      challengeId: first.json().data.challengeId,
      code: oldCode,
    });
    expect(old.json().error.code).toBe('code_expired');
    const fresh = await post('/auth/email/verify', {
      challengeId: second.json().data.challengeId,
      code: newCode,
    });
    expect(fresh.statusCode).toBe(200);
  });

  async function signInViaMail(email: string) {
    const start = await post('/auth/email/start', { email });
    const code = await smtp.codeFor(email);
    const verify = await post('/auth/email/verify', { challengeId: start.json().data.challengeId, code });
    return (await post('/auth/exchange-code', { code: verify.json().data.code })).json().data;
  }

  it('answers known and unknown addresses identically', async () => {
    await signInViaMail('known@example.com');
    h.clock.advance(61_000);
    const known = await post('/auth/email/start', { email: 'known@example.com' });
    const unknown = await post('/auth/email/start', { email: 'nobody-yet@example.com' });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    const shape = (r: typeof known) => {
      const { challengeId, ...rest } = r.json().data;
      return { rest, challengeId: typeof challengeId, headers: Object.keys(r.headers).sort() };
    };
    expect(shape(known)).toEqual(shape(unknown));
    await smtp.codeFor('known@example.com');
    await smtp.codeFor('nobody-yet@example.com');
  });

  it('refuses a second mail to one address within 60 seconds, with Retry-After', async () => {
    await post('/auth/email/start', { email: 'hasty@example.com' });
    h.clock.advance(20_000);
    const again = await post('/auth/email/start', { email: 'hasty@example.com' });
    expect(again.statusCode).toBe(429);
    expect(again.json()).toMatchObject({ error: { code: 'rate_limited' }, retryAfter: 40 });
    expect(again.headers['retry-after']).toBe('40');
  });

  it('ends the whole session when a rotated refresh token is presented again', async () => {
    const session = await signInViaMail('reuse@example.com');
    const rotated = (await post('/auth/refresh', { refreshToken: session.refreshToken })).json().data;
    const replay = await post('/auth/refresh', { refreshToken: session.refreshToken });
    expect(replay.json().error.code).toBe('invalid_grant');
    expect((await post('/auth/introspect', { token: rotated.accessToken })).json().data).toEqual({
      active: false,
    });
    expect((await post('/auth/refresh', { refreshToken: rotated.refreshToken })).statusCode).toBe(400);
  });

  it('lets a person read and change their profile, and refuses a taken handle', async () => {
    const a = await signInViaMail('profile-a@example.com');
    const b = await signInViaMail('profile-b@example.com');
    const patch = (token: string, payload: object) =>
      h.app.inject({ method: 'PATCH', url: '/me/v1/profile', payload, headers: bearer(token) });
    const changed = await patch(a.accessToken, { primarySlug: 'ada-lovelace', displayName: 'Ada' });
    expect(changed.json().data).toMatchObject({ primarySlug: 'ada-lovelace', displayName: 'Ada' });
    const taken = await patch(b.accessToken, { primarySlug: 'ada-lovelace' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('handle_taken');
    const me = await h.app.inject({ method: 'GET', url: '/me/v1/profile', headers: bearer(a.accessToken) });
    expect(me.json().data.primarySlug).toBe('ada-lovelace');
    expect(JSON.stringify(me.json())).not.toContain('example.com');
  });

  it('stores the code only as an HMAC under the server secret, and the link and tokens only as SHA-256', async () => {
    const start = await post('/auth/email/start', { email: 'hashed@example.com' });
    const { challengeId } = start.json().data;
    const { code, link } = await smtp.signInMailFor('hashed@example.com');
    const magicToken = new URL(link).searchParams.get('token')!;
    const exchangeCode = (await post('/auth/email/verify', { challengeId, code })).json().data.code;
    const session = (await post('/auth/exchange-code', { code: exchangeCode })).json().data;

    const challenge = await h.ctx.storage.db
      .selectFrom('email_challenges')
      .selectAll()
      .where('id', '=', challengeId)
      .executeTakeFirstOrThrow();
    const sessions = await h.ctx.storage.db
      .selectFrom('user_sessions')
      .selectAll()
      .where('user_id', '=', session.user.id)
      .execute();
    const stored = JSON.stringify([challenge, sessions]);
    for (const secret of [code, magicToken, exchangeCode, session.accessToken, session.refreshToken]) {
      expect(stored).not.toContain(secret);
    }
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    // Six digits are a million guesses: an unkeyed hash of the code would be reversed at once.
    expect(challenge.code_hash).toBe(keyedHash(h.ctx.secret, challengeId, code));
    expect(challenge.code_hash).not.toBe(keyedHash('another-secret-of-at-least-32-chars', challengeId, code));
    expect(challenge.code_hash).not.toBe(sha256(code));
    expect(challenge.magic_hash).toBe(sha256(magicToken));
    expect(challenge.exchange_hash).toBe(sha256(exchangeCode));
    expect(sessions.map((row) => row.access_hash)).toEqual([sha256(session.accessToken)]);
    expect(sessions.map((row) => row.refresh_hash)).toEqual([sha256(session.refreshToken)]);
  });
});
