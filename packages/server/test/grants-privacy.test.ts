import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { bearer, type Harness, signIn, startHarness } from './support/harness.js';
import { approve, authorizeParams, authorizeUrl, pkcePair, registerApp, tokenForm } from './support/oauth.js';

const EVERY_SCOPE = 'identity.read messages.send ai.chat profile.basic openid';

/** Every string inside a JSON value, with JWTs opened up into their header and claims. */
function strings(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    out.add(value);
    if (/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(value)) {
      strings(decodeProtectedHeader(value), out);
      strings(decodeJwt(value), out);
    }
    if (/^https?:\/\//.test(value) && value.includes('?')) {
      for (const [, v] of new URL(value).searchParams) out.add(v);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) strings(item, out);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) strings(item, out);
  }
  return out;
}

// CONTRACT §1: two apps that got the same person cannot match their values, and no app
// ever learns the email, phone, account id or primary handle.
eachDialect('per-app isolation of what apps receive', (dialect) => {
  let h: Harness;
  let person: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    h = await startHarness({ dialect });
    person = await signIn(h, 'ada.lovelace@example.com');
    const profile = await h.app.inject({
      method: 'PATCH',
      url: '/me/v1/profile',
      headers: bearer(person.accessToken),
      payload: { displayName: 'Ada Lovelace', primarySlug: 'ada-lovelace' },
    });
    expect(profile.statusCode).toBe(200);
    await h.ctx.storage.db
      .updateTable('users')
      .set({ phone: '+15550100' })
      .where('id', '=', person.user.id)
      .execute();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Everything one app sees of the person through every app-facing surface. */
  async function transcriptOf(name: string, redirectUri: string) {
    const app = await registerApp(h, name, [redirectUri]);
    const key = (await app.dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, {})).json().data
      .apiKey as string;
    const seen: unknown[] = [];
    const raw: string[] = [];
    const record = (body: string) => {
      raw.push(body);
      seen.push(JSON.parse(body));
    };

    const { verifier, challenge } = pkcePair();
    const params = authorizeParams({
      clientId: app.appId,
      redirectUri,
      challenge,
      scope: EVERY_SCOPE,
      nonce: `${name}-nonce`,
      state: `${name}-state`,
    });
    const metadata = await h.app.inject({
      method: 'GET',
      url: authorizeUrl(params),
      headers: { accept: 'application/json' },
    });
    record(metadata.body);
    const { redirectTo, code } = await approve(h, person.accessToken, params);
    seen.push(redirectTo.href);
    raw.push(redirectTo.href);
    const token = await tokenForm(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: app.appId,
      code_verifier: verifier,
    });
    record(token.body);
    const tokens = token.json();

    const refreshed = await h.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: app.appId },
    });
    record(refreshed.body);
    const access = refreshed.json().data.accessToken as string;
    record((await h.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer(access) })).body);
    record(
      (await h.app.inject({ method: 'POST', url: '/auth/introspect', payload: { token: access } })).body,
    );
    const rfc = await h.app.inject({
      method: 'POST',
      url: '/oauth/introspect',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: access, client_id: app.appId, client_secret: key }).toString(),
    });
    expect(rfc.json().active).toBe(true);
    record(rfc.body);
    const aat = (
      await h.app.inject({ method: 'POST', url: '/auth/token/exchange', payload: { apiKey: key } })
    ).json().data.accessToken as string;
    const userId = refreshed.json().data.user.userId as string;
    const lookup = await h.app.inject({
      method: 'POST',
      url: '/app/v1/identity/lookup',
      headers: bearer(aat),
      payload: { userId },
    });
    expect(lookup.statusCode).toBe(200);
    record(lookup.body);
    await h.app.inject({
      method: 'POST',
      url: `/me/v1/grants/${app.appId}/rotate-slug`,
      headers: bearer(person.accessToken),
    });
    record(
      (
        await h.app.inject({
          method: 'POST',
          url: '/app/v1/identity/lookup',
          headers: bearer(aat),
          payload: { userId },
        })
      ).body,
    );

    const events = await h.ctx.storage.db
      .selectFrom('outbox')
      .select('payload')
      .where('app_id', '=', app.appId)
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const event of events) record(event.payload);
    return { app, seen, raw, userId };
  }

  it('two apps approved by the same person share no value, and neither sees email, phone, account id or handle', async () => {
    const a = await transcriptOf('Alpha', 'https://alpha.example/cb');
    const b = await transcriptOf('Beta', 'https://beta.example/cb');
    expect(a.userId).not.toBe(b.userId);

    const jwks = (await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    // Values every app sees alike: the public vocabulary of the protocol, not the person.
    const vocabulary = new Set<string>(
      [
        h.config.server.publicUrl,
        ...EVERY_SCOPE.split(' '),
        EVERY_SCOPE.split(' ').sort().join(' '),
        'Bearer',
        'refresh_token',
        'oauth',
        'active',
        'L1',
        'ES256',
        'JWT',
        'private',
        'identity.approved',
        'permission.changed',
        'slug',
        ...jwks.keys.map((k: { kid: string }) => k.kid),
      ].filter((v): v is string => typeof v === 'string'),
    );
    const scopeDescriptions = (
      await h.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })
    ).json().scopes_supported as string[];
    for (const scope of scopeDescriptions) vocabulary.add(scope);
    const described = (a.seen[0] as { data: { scopes: Array<{ description: string }> } }).data.scopes;
    for (const { description } of described) vocabulary.add(description);

    const fromA = strings(a.seen);
    const fromB = strings(b.seen);
    // The transcripts are real: each holds its app's userId, slugs, tokens and id_token claims.
    expect(fromA.has(a.userId) && fromB.has(b.userId)).toBe(true);
    expect(fromA.size).toBeGreaterThan(40);
    const shared = [...fromA].filter((value) => fromB.has(value) && !vocabulary.has(value));
    expect(shared).toEqual([]);

    for (const text of [...a.raw, ...b.raw]) {
      for (const secret of [
        'ada.lovelace@example.com',
        '+15550100',
        person.user.id,
        'ada-lovelace',
        'Ada Lovelace',
      ]) {
        expect(text).not.toContain(secret);
      }
    }
  });
});
