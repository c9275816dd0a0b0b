import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RETENTION_MS } from '../src/identity/policy.js';
import { purgeExpired } from '../src/jobs/purge-expired.js';
import { OAUTH } from '../src/oauth/policy.js';
import { hashToken } from '../src/tokens/opaque-token.js';
import { appWithKey, developer } from './support/apps.js';
import { eachDialect } from './support/dialects.js';
import { type Harness, startHarness } from './support/harness.js';

const MINUTE = 60_000;
const REDIRECT = 'https://parcel.example/callback';

eachDialect('housekeeping: OAuth token families', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
  });
  afterEach(async () => {
    await h?.close();
  });

  /** Approves the app for its developer and redeems the code: one new family. */
  async function issueFamily(dev: Awaited<ReturnType<typeof developer>>, appId: string) {
    const verifier = randomBytes(32).toString('base64url');
    const consent = await h.app.inject({
      method: 'POST',
      url: '/oauth/consent',
      headers: dev.auth,
      payload: {
        client_id: appId,
        redirect_uri: REDIRECT,
        response_type: 'code',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state: 'st',
        scope: 'identity.read',
        decision: 'approve',
      },
    });
    expect(consent.statusCode, consent.body).toBe(200);
    const code = new URL(consent.json().data.redirectTo).searchParams.get('code')!;
    const token = await h.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: appId,
        code_verifier: verifier,
      }).toString(),
    });
    expect(token.statusCode, token.body).toBe(200);
    const found = await h.ctx.repos.oauthTokens.findRefreshByHash(hashToken(token.json().refresh_token));
    return { refreshToken: token.json().refresh_token as string, familyId: found?.family.id };
  }

  const families = async () =>
    (await h.ctx.storage.db.selectFrom('oauth_families').select('id').execute()).map((r) => r.id).sort();
  const refreshRowsOf = async (familyId: string) =>
    (
      await h.ctx.storage.db
        .selectFrom('oauth_refresh_tokens')
        .select('id')
        .where('family_id', '=', familyId)
        .execute()
    ).length;

  it('removes a revoked family with its tokens a day after the revocation, and keeps live ones', async () => {
    const dev = await developer(h, 'families@example.com');
    const { app } = await appWithKey(dev);
    const revoked = await issueFamily(dev, app.appId);
    const live = await issueFamily(dev, app.appId);
    expect(revoked.familyId).toBeTypeOf('string');
    expect(live.familyId).toBeTypeOf('string');
    await h.ctx.repos.oauthTokens.revokeFamily(revoked.familyId!, h.clock.now());

    h.clock.advance(RETENTION_MS - MINUTE);
    expect((await purgeExpired(h.ctx)).oauthFamilies).toBe(0);
    expect(await families()).toHaveLength(2);

    h.clock.advance(2 * MINUTE);
    expect((await purgeExpired(h.ctx)).oauthFamilies).toBe(1);
    expect(await families()).toEqual([live.familyId]);
    expect(await refreshRowsOf(revoked.familyId!)).toBe(0);
    expect(await refreshRowsOf(live.familyId!)).toBe(1);

    // The live family's refresh token still works after the purge.
    const refreshed = await h.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: live.refreshToken,
        client_id: app.appId,
      }).toString(),
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
  });

  it('removes a family a day after its last refresh token expired, not before', async () => {
    const dev = await developer(h, 'expiry@example.com');
    const { app } = await appWithKey(dev);
    const started = h.clock.now();
    const old = await issueFamily(dev, app.appId);

    h.clock.set(started + OAUTH.refreshTtlMs + RETENTION_MS - MINUTE);
    // Signed in again: the first session ended long ago.
    const fresh = await issueFamily(await developer(h, 'expiry@example.com'), app.appId);
    expect((await purgeExpired(h.ctx)).oauthFamilies).toBe(0);
    expect(await families()).toEqual([old.familyId, fresh.familyId].sort());

    h.clock.advance(2 * MINUTE);
    expect((await purgeExpired(h.ctx)).oauthFamilies).toBe(1);
    expect(await families()).toEqual([fresh.familyId]);
  });
});
