import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import { fullFlow, registerApp } from './support/oauth.js';

eachDialect('identity lookup: POST /app/v1/identity/lookup', (dialect) => {
  let h: Harness;
  let parcel: Awaited<ReturnType<typeof registerApp>>;
  let other: Awaited<ReturnType<typeof registerApp>>;
  let person: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    h = await startHarness({ dialect });
    parcel = await registerApp(h, 'Parcel Tracker');
    other = await registerApp(h, 'Other App');
    person = await signIn(h, 'ada@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  async function appToken(app: Awaited<ReturnType<typeof registerApp>>, scopes?: string[]) {
    const key = await app.dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, scopes ? { scopes } : {});
    const exchange = await h.app.inject({
      method: 'POST',
      url: '/auth/token/exchange',
      payload: { apiKey: key.json().data.apiKey },
    });
    return exchange.json().data.accessToken as string;
  }
  const lookup = (token: string, userId: string) =>
    h.app.inject({
      method: 'POST',
      url: '/app/v1/identity/lookup',
      headers: bearer(token),
      payload: { userId },
    });

  it('returns the current slug, alias, trust and status, following a slug rotation', async () => {
    const { data } = await fullFlow(h, parcel, person, 'identity.read profile.basic');
    const token = await appToken(parcel);
    const found = await lookup(token, data.user.userId);
    expect(found.statusCode).toBe(200);
    expect(found.json().data).toEqual({
      userId: data.user.userId,
      slug: data.user.slug,
      alias: null,
      trustLevel: 'L1',
      verified: true,
      status: 'active',
      scopes: ['identity.read', 'profile.basic'],
    });
    const rotated = await h.app.inject({
      method: 'POST',
      url: `/me/v1/grants/${parcel.appId}/rotate-slug`,
      headers: bearer(person.accessToken),
    });
    const after = await lookup(token, data.user.userId);
    expect(after.json().data.slug).toBe(rotated.json().data.slug);
    expect(after.json().data.slug).not.toBe(data.user.slug);
  });

  it("is 404 for another app's userId, an unknown one, and after the person revoked", async () => {
    const { data } = await fullFlow(h, other, person);
    const token = await appToken(parcel);
    expect((await lookup(token, data.user.userId)).statusCode).toBe(404);
    expect((await lookup(token, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await lookup(token, 'garbage')).statusCode).toBe(404);
    const otherToken = await appToken(other);
    expect((await lookup(otherToken, data.user.userId)).statusCode).toBe(200);
    await h.app.inject({
      method: 'DELETE',
      url: `/me/v1/grants/${other.appId}`,
      headers: bearer(person.accessToken),
    });
    const gone = await lookup(otherToken, data.user.userId);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('not_found');
  });

  it('needs an aat_ token with identity.read', async () => {
    const narrow = await appToken(parcel, ['messages.send']);
    const refused = await lookup(narrow, '00000000-0000-4000-8000-000000000000');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('insufficient_scope');
    expect((await lookup(person.accessToken, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(401);
  });
});
