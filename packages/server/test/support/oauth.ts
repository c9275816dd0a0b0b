import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { developer } from './apps.js';
import type { Dialect } from './databases.js';
import { bearer, type Harness, type HarnessOptions, signIn, startHarness } from './harness.js';

/** A PKCE verifier and its S256 challenge (RFC 7636 §4.1, §4.2). */
export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** Registers a third-party app (by a developer account of its own) with the given redirect URIs. */
export async function registerApp(
  h: Harness,
  name = 'Parcel Tracker',
  redirectUris = ['https://parcel.example/callback'],
  developerEmail = `dev-${randomBytes(4).toString('hex')}@example.com`,
) {
  const dev = await developer(h, developerEmail);
  const created = await dev.call('POST', '/dev/v1/apps', { name, redirectUris });
  if (created.statusCode !== 201) throw new Error(`app create failed: ${created.body}`);
  return { ...(created.json().data as { appId: string; name: string; redirectUris: string[] }), dev };
}

export interface AuthorizeInput {
  clientId: string;
  redirectUri: string;
  challenge: string;
  state?: string;
  scope?: string;
  nonce?: string;
  extra?: Record<string, string>;
}

/** The query of an authorization request, as an app would build it. */
export function authorizeParams(input: AuthorizeInput): Record<string, string> {
  const params: Record<string, string> = {
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    response_type: 'code',
    code_challenge: input.challenge,
    code_challenge_method: 'S256',
    state: input.state ?? randomBytes(8).toString('hex'),
    ...(input.scope !== undefined ? { scope: input.scope } : {}),
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
    ...input.extra,
  };
  return params;
}

export const authorizeUrl = (params: Record<string, string>) =>
  `/oauth/authorize?${new URLSearchParams(params)}`;

/**
 * A person approves over the JSON consent API: returns the code and the whole redirect. The
 * person signs in first when no access token is given.
 */
export async function approve(
  h: Harness,
  personToken: string,
  params: Record<string, string>,
  extra: { alias?: string | null; decision?: 'approve' | 'deny' } = {},
) {
  const response = await h.app.inject({
    method: 'POST',
    url: '/oauth/consent',
    headers: bearer(personToken),
    payload: {
      ...params,
      decision: extra.decision ?? 'approve',
      ...(extra.alias !== undefined ? { alias: extra.alias } : {}),
    },
  });
  if (response.statusCode !== 200) throw new Error(`consent failed: ${response.statusCode} ${response.body}`);
  const redirectTo = new URL(response.json().data.redirectTo as string);
  return { redirectTo, code: redirectTo.searchParams.get('code') ?? '' };
}

/** `POST /oauth/token` form-encoded, as standard OAuth libraries send it. */
export function tokenForm(h: Harness, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return h.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** `POST /oauth/token` with a JSON body: the Antara envelope dialect. */
export function tokenJson(h: Harness, fields: Record<string, unknown>) {
  return h.app.inject({ method: 'POST', url: '/oauth/token', payload: fields as object });
}

/** Signs a person in and runs a whole JSON flow for one app; returns the tokens (envelope data). */
export async function fullFlow(
  h: Harness,
  app: { appId: string; redirectUris: string[] },
  person: { accessToken: string },
  scope = 'identity.read openid',
) {
  const { verifier, challenge } = pkcePair();
  const params = authorizeParams({
    clientId: app.appId,
    redirectUri: app.redirectUris[0] ?? '',
    challenge,
    scope,
    nonce: randomBytes(8).toString('hex'),
  });
  const { code } = await approve(h, person.accessToken, params);
  const token = await tokenJson(h, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: params.redirect_uri,
    client_id: app.appId,
    code_verifier: verifier,
  });
  if (token.statusCode !== 200) throw new Error(`token failed: ${token.body}`);
  return { params, verifier, data: token.json().data };
}

export { signIn };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A listening Antara whose issuer (ANTARA_PUBLIC_URL) is the address it listens on, as
 * standard OAuth clients require: discovery, `iss` and id_tokens all name that URL.
 */
export async function startIssuer(dialect: Dialect, options: HarnessOptions = {}): Promise<Harness> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startHarness({
        ...options,
        dialect,
        listen: true,
        port,
        env: { ANTARA_PUBLIC_URL: `http://127.0.0.1:${port}`, ...options.env },
      });
    } catch (error) {
      // Another process took the port between the probe and the listen: try another one.
      if (attempt >= 3 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}
