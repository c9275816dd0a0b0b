import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { type Harness, signIn } from './support/harness.js';
import { registerApp, startIssuer } from './support/oauth.js';

// Standard client libraries, unchanged, against a real listening Antara. Only the
// `allowInsecureRequests` switch is set: the test issuer is http://127.0.0.1.
eachDialect('standard OAuth / OIDC client libraries', (dialect) => {
  let h: Harness;
  let app: Awaited<ReturnType<typeof registerApp>>;
  let apiKey: string;
  let person: Awaited<ReturnType<typeof signIn>>;
  const redirectUri = 'http://127.0.0.1:8765/callback';

  beforeAll(async () => {
    // Real time: the libraries check iat/exp against their own clock.
    h = await startIssuer(dialect, { realClock: true });
    app = await registerApp(h, 'Library App', [redirectUri]);
    const key = await app.dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, { name: 'introspection' });
    apiKey = key.json().data.apiKey;
    person = await signIn(h, 'ada@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The person approves the request behind an authorization URL over the JSON consent API. */
  async function approveUrl(url: URL): Promise<URL> {
    const response = await fetch(`${h.baseUrl}/oauth/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${person.accessToken}` },
      body: JSON.stringify({ ...Object.fromEntries(url.searchParams), decision: 'approve' }),
    });
    expect(response.status).toBe(200);
    return new URL(((await response.json()) as { data: { redirectTo: string } }).data.redirectTo);
  }

  it('openid-client: discovery, PKCE, code exchange, id_token, userinfo, refresh, introspection, revocation', async () => {
    const config = await client.discovery(new URL(h.baseUrl), app.appId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    expect(config.serverMetadata().code_challenge_methods_supported).toEqual(['S256']);

    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid identity.read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    // The browser step: the authorization endpoint accepts the library's URL as is.
    const metadata = await fetch(authorizationUrl, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
    });
    expect(metadata.status).toBe(200);

    const callback = await approveUrl(authorizationUrl);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.access_token).toMatch(/^oit_/);
    expect(tokens.token_type).toBe('bearer');
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: h.baseUrl, aud: app.appId, nonce });
    expect(claims?.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims?.sub).not.toBe(person.user.id);

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims?.sub ?? '');
    expect(userinfo).toEqual({
      sub: claims?.sub,
      slug: expect.stringMatching(/^[0-9A-Za-z]{14}$/),
      alias: null,
      trust_level: 'L1',
      verified: true,
    });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()?.sub).toBe(claims?.sub);

    const withKey = await client.discovery(new URL(h.baseUrl), app.appId, apiKey, client.ClientSecretPost(), {
      execute: [client.allowInsecureRequests],
    });
    const active = await client.tokenIntrospection(withKey, refreshed.access_token);
    expect(active).toMatchObject({
      active: true,
      client_id: app.appId,
      sub: claims?.sub,
      scope: 'identity.read openid',
      token_type: 'Bearer',
    });

    await client.tokenRevocation(config, refreshed.refresh_token ?? '');
    expect(await client.tokenIntrospection(withKey, refreshed.access_token)).toEqual({ active: false });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('oauth4webapi: RFC 8414 discovery, the iss response parameter, PKCE and an id_token verifiable from the JWKS', async () => {
    const issuer = new URL(h.baseUrl);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }),
    );
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    const oauthClient: oauth.Client = { client_id: app.appId };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      client_id: app.appId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid identity.read',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    }).toString();

    const callback = await approveUrl(url);
    const params = oauth.validateAuthResponse(as, oauthClient, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      oauthClient,
      oauth.None(),
      params,
      redirectUri,
      verifier,
      { [oauth.allowInsecureRequests]: true },
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const result = await oauth.processAuthorizationCodeResponse(as, oauthClient, response, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(result);
    expect(claims?.aud).toBe(app.appId);

    // The signature itself, checked against the published JWKS by an independent verifier.
    const jwks = createRemoteJWKSet(new URL(as.jwks_uri ?? ''));
    const { payload, protectedHeader } = await jwtVerify(result.id_token ?? '', jwks, {
      issuer: h.baseUrl,
      audience: app.appId,
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.sub).toBe(claims?.sub);
  });
});
