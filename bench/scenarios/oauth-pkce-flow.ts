import { createHash, randomBytes } from 'node:crypto';
import type { Introspection } from '@antara/protocol';
import type { AntaraServer } from '../lib/antara.js';
import type { Scenario } from '../lib/scenario.js';
import { appWithKey } from './api-key-exchange.js';

const REDIRECT_URI = 'https://bench.example/callback';

interface FlowContext {
  code?: string;
}

/**
 * A person with a live uat_ session, an app, and the fixed pieces of an authorization
 * request. One PKCE pair serves every flow: the server checks each code against the
 * challenge it was issued with, so reusing the pair costs the server nothing it would skip.
 */
export async function oauthFixture(server: AntaraServer, personEmail: string, developerEmail: string) {
  const { app } = await appWithKey(server, developerEmail);
  const person = await server.signIn(personEmail);
  const verifier = randomBytes(32).toString('base64url');
  const authorize = {
    client_id: app.appId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    scope: 'openid identity.read',
    state: 'bench-state',
    nonce: 'bench-nonce',
  };
  const personAuth = { authorization: `Bearer ${person.accessToken}` };

  /** One whole flow over HTTP, as a client runs it; returns the token data. */
  async function flow() {
    await server.call('GET', `/oauth/authorize?${new URLSearchParams(authorize)}`, undefined, {
      accept: 'application/json',
      ...personAuth,
    });
    const { redirectTo } = await server.call<{ redirectTo: string }>(
      'POST',
      '/oauth/consent',
      { ...authorize, decision: 'approve' },
      personAuth,
    );
    const code = new URL(redirectTo).searchParams.get('code') ?? '';
    return server.call<{ accessToken: string; user: { userId: string } }>('POST', '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: app.appId,
      code_verifier: verifier,
    });
  }

  return { app, person, personAuth, authorize, verifier, flow };
}

/**
 * Issue 4: whole authorization code flows with PKCE, as an SDK runs them without a browser:
 * GET /oauth/authorize (JSON consent metadata) → POST /oauth/consent (approve, a code) →
 * POST /oauth/token (the oit_ token, refresh token and id_token). Three requests per flow,
 * so flows/s = req/s ÷ 3; the target of 1,500 flows/s is 4,500 req/s.
 */
export const oauthPkceFlow: Scenario = {
  name: 'oauth-pkce-flow',
  description:
    'Full PKCE flows: authorize (JSON) → consent (JSON) → token; 3 requests per flow, flows/s = req/s ÷ 3',
  target: { minRequestsPerSecond: 4500 },
  async setup(server) {
    const fixture = await oauthFixture(
      server,
      'bench-oauth-person@example.com',
      'bench-oauth-dev@example.com',
    );
    const first = await fixture.flow();
    const verify = async () => {
      const tokens = await fixture.flow();
      if (tokens.user.userId !== first.user.userId) {
        throw new Error('the per-app userId changed between flows of the same person and app');
      }
      const answer = await server.call<Introspection>('POST', '/auth/introspect', {
        token: tokens.accessToken,
      });
      if (!answer.active || answer.sessionType !== 'oauth') {
        throw new Error(`a token from a full flow is not active: ${JSON.stringify(answer)}`);
      }
    };
    await verify();
    const json = { 'content-type': 'application/json' };
    return {
      path: '/',
      initialContext: {},
      requests: [
        {
          method: 'GET',
          path: `/oauth/authorize?${new URLSearchParams(fixture.authorize)}`,
          headers: { accept: 'application/json', ...fixture.personAuth },
        },
        {
          method: 'POST',
          path: '/oauth/consent',
          headers: { ...json, ...fixture.personAuth },
          body: JSON.stringify({ ...fixture.authorize, decision: 'approve' }),
          onResponse: (status, body, context) => {
            const flow = context as FlowContext;
            flow.code =
              status === 200
                ? (new URL(
                    (JSON.parse(body) as { data: { redirectTo: string } }).data.redirectTo,
                  ).searchParams.get('code') ?? undefined)
                : undefined;
          },
        },
        {
          method: 'POST',
          path: '/oauth/token',
          headers: json,
          setupRequest: (request, context) => ({
            ...request,
            body: JSON.stringify({
              grant_type: 'authorization_code',
              code: (context as FlowContext).code ?? 'missing',
              redirect_uri: REDIRECT_URI,
              client_id: fixture.app.appId,
              code_verifier: fixture.verifier,
            }),
          }),
        },
      ],
      verify,
    };
  },
};
