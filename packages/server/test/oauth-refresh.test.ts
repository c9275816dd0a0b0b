import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { type Harness, signIn, startHarness } from './support/harness.js';
import { fullFlow, registerApp, tokenForm, tokenJson } from './support/oauth.js';

eachDialect('OAuth refresh tokens: rotation, reuse detection, grace window', (dialect) => {
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

  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    tokenForm(h, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: app.appId,
      ...extra,
    });
  const active = async (token: string) =>
    (await h.app.inject({ method: 'POST', url: '/auth/introspect', payload: { token } })).json().data.active;

  it('OP-Refresh (refresh token): rotates both tokens on every use, keeping the identity and id_token subject', async () => {
    const { data } = await fullFlow(h, app, person);
    const first = await tokenJson(h, {
      grant_type: 'refresh_token',
      refresh_token: data.refreshToken,
      client_id: app.appId,
    });
    expect(first.statusCode).toBe(200);
    const next = first.json().data;
    expect(next.refreshToken).not.toBe(data.refreshToken);
    expect(next.accessToken).not.toBe(data.accessToken);
    expect(next.user).toEqual(data.user);
    expect(next.scopes).toEqual(['identity.read', 'openid']);
    expect(next.idToken).toEqual(expect.any(String));
    const [, payload] = (next.idToken as string).split('.');
    expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())).toMatchObject({
      sub: data.user.userId,
      aud: app.appId,
    });
    const second = await refresh(next.refreshToken);
    expect(second.statusCode).toBe(200);
    expect(second.headers['cache-control']).toBe('no-store');
  });

  it('lets a client that lost a response retry once inside the grace window; the lost token dies', async () => {
    const { data } = await fullFlow(h, app, person);
    const lost = (await refresh(data.refreshToken)).json();
    h.clock.advance(5_000);
    const retry = await refresh(data.refreshToken);
    expect(retry.statusCode).toBe(200);
    const kept = retry.json();
    expect(kept.refresh_token).not.toBe(lost.refresh_token);
    expect((await refresh(kept.refresh_token)).statusCode).toBe(200);
    // Whoever holds the lost token now looks like a thief: the family ends.
    expect((await refresh(lost.refresh_token)).json().error).toBe('invalid_grant');
    expect(await active(kept.access_token)).toBe(false);
  });

  it('revokes the whole family when a rotated token comes back after the grace window', async () => {
    const { data } = await fullFlow(h, app, person);
    const rotated = (await refresh(data.refreshToken)).json();
    h.clock.advance(31_000);
    const reused = await refresh(data.refreshToken);
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error).toBe('invalid_grant');
    expect(await active(rotated.access_token)).toBe(false);
    expect(await active(data.accessToken)).toBe(false);
    expect((await refresh(rotated.refresh_token)).json().error).toBe('invalid_grant');
  });

  it('revokes the family on a second retry, and when the replacement was already used', async () => {
    const { data } = await fullFlow(h, app, person);
    await refresh(data.refreshToken);
    expect((await refresh(data.refreshToken)).statusCode).toBe(200);
    const third = await refresh(data.refreshToken);
    expect(third.json().error).toBe('invalid_grant');

    const other = (await fullFlow(h, app, person)).data;
    const next = (await refresh(other.refreshToken)).json();
    const used = (await refresh(next.refresh_token)).json();
    // The old token within the window, but its replacement was used: not a lost response.
    expect((await refresh(other.refreshToken)).json().error).toBe('invalid_grant');
    expect(await active(used.access_token)).toBe(false);
  });

  it('narrows scopes on request and refuses to widen them', async () => {
    const { data } = await fullFlow(h, app, person, 'identity.read messages.send');
    const wider = await refresh(data.refreshToken, { scope: 'identity.read ai.chat' });
    expect(wider.statusCode).toBe(400);
    expect(wider.json().error).toBe('invalid_scope');
    const narrower = await refresh(data.refreshToken, { scope: 'identity.read' });
    expect(narrower.statusCode).toBe(200);
    expect(narrower.json().scope).toBe('identity.read');
    // The refresh token keeps the original grant: the next refresh may ask for both again.
    const again = await refresh(narrower.json().refresh_token);
    expect(again.json().scope).toBe('identity.read messages.send');
  });

  it('refuses a refresh token of another app and an expired one', async () => {
    const { data } = await fullFlow(h, app, person);
    const other = await registerApp(h, 'Other App');
    const stolen = await tokenForm(h, {
      grant_type: 'refresh_token',
      refresh_token: data.refreshToken,
      client_id: other.appId,
    });
    expect(stolen.json().error).toBe('invalid_grant');
    h.clock.advance(30 * 24 * 3600_000 + 1);
    expect((await refresh(data.refreshToken)).json().error).toBe('invalid_grant');
  });

  it('stops refreshing once the person revokes the app', async () => {
    const signedIn = await signIn(h, 'grace@example.com');
    const { data } = await fullFlow(h, app, signedIn);
    const revoke = await h.app.inject({
      method: 'DELETE',
      url: `/me/v1/grants/${app.appId}`,
      headers: { authorization: `Bearer ${signedIn.accessToken}` },
    });
    expect(revoke.statusCode).toBe(200);
    expect((await refresh(data.refreshToken)).json().error).toBe('invalid_grant');
    expect(await active(data.accessToken)).toBe(false);
  });
});
