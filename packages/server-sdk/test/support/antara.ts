import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import {
  bearer,
  type Harness,
  type HarnessOptions,
  signIn,
  startHarness,
} from '../../../server/test/support/harness.js';

export { bearer, type Harness, signIn };

/** A free TCP port on 127.0.0.1 (free when asked; tests use it at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A real Antara listening on 127.0.0.1 over a fresh database, with its test clock. Its public
 * URL (the OAuth issuer, the `iss` of redirects) is the address it listens on, as in production.
 */
export async function startAntara(options: HarnessOptions = {}): Promise<Harness> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const h = await startHarness({
    ...options,
    listen: false,
    env: { ANTARA_PUBLIC_URL: baseUrl, ...options.env },
  });
  await h.app.listen({ host: '127.0.0.1', port });
  h.baseUrl = baseUrl;
  return h;
}

export interface RegisteredApp {
  appId: string;
  apiKey: string;
  keyId: string;
  /** The developer's `uat_`. */
  developerToken: string;
}

function expectJson(response: { statusCode: number; body: string; json(): unknown }, status: number) {
  if (response.statusCode !== status)
    throw new Error(`expected ${status}, got ${response.statusCode}: ${response.body}`);
  return response.json() as { data: Record<string, unknown> };
}

/**
 * Registers an app the way a developer does over the API: sign in, `POST /dev/v1/apps`,
 * `POST /dev/v1/apps/:appId/keys`.
 */
export async function registerApp(
  h: Harness,
  options: { owner?: string; name?: string; redirectUris?: string[]; keyScopes?: string[] } = {},
): Promise<RegisteredApp> {
  const developer = await signIn(h, options.owner ?? 'developer@example.com');
  const created = await expectJson(
    await h.app.inject({
      method: 'POST',
      url: '/dev/v1/apps',
      headers: bearer(developer.accessToken),
      payload: {
        name: options.name ?? 'SDK test app',
        redirectUris: options.redirectUris ?? ['http://127.0.0.1/callback'],
      },
    }),
    201,
  );
  const appId = created.data.appId as string;
  const key = await expectJson(
    await h.app.inject({
      method: 'POST',
      url: `/dev/v1/apps/${appId}/keys`,
      headers: bearer(developer.accessToken),
      payload: options.keyScopes ? { scopes: options.keyScopes } : {},
    }),
    201,
  );
  return {
    appId,
    apiKey: key.data.apiKey as string,
    keyId: key.data.keyId as string,
    developerToken: developer.accessToken,
  };
}

/** A fetch that lets every request through to the real server and remembers what was asked. */
export function recordingFetch(): { fetch: typeof fetch; calls: Array<{ method: string; path: string }> } {
  const calls: Array<{ method: string; path: string }> = [];
  return {
    calls,
    fetch: async (input, init) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      calls.push({ method: init?.method ?? 'GET', path: url.pathname });
      return fetch(input, init);
    },
  };
}

/**
 * Approves an authorization request the way a consent screen of one's own does: the person's
 * `uat_` posts the request's parameters to `POST /oauth/consent`. Returns the redirect URI with
 * `code`, `state` and `iss`.
 */
export async function approveConsent(
  h: Harness,
  authorizeUrl: string,
  userToken: string,
  extra: { alias?: string; decision?: 'approve' | 'deny' } = {},
): Promise<string> {
  const params = Object.fromEntries(new URL(authorizeUrl).searchParams);
  const response = await h.app.inject({
    method: 'POST',
    url: '/oauth/consent',
    headers: bearer(userToken),
    payload: {
      ...params,
      decision: extra.decision ?? 'approve',
      ...(extra.alias ? { alias: extra.alias } : {}),
    },
  });
  return ((await expectJson(response, 200)).data.redirectTo as string) ?? '';
}

export interface ApprovedPerson {
  email: string;
  userId: string;
  slug: string;
  /** The app's `oit_` token for this person. */
  accessToken: string;
  /** The person's own `uat_` session with Antara (inbox, grants). */
  userToken: string;
}

/** A person who signed in and approved `app` over the public OAuth API (PKCE, JSON dialect). */
export async function approvedPerson(
  h: Harness,
  app: { appId: string; redirectUri?: string },
  email: string,
  scopes = 'identity.read messages.send',
): Promise<ApprovedPerson> {
  const person = await signIn(h, email);
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = app.redirectUri ?? 'http://127.0.0.1/callback';
  const authorize = new URL(`${h.baseUrl}/oauth/authorize`);
  authorize.search = new URLSearchParams({
    client_id: app.appId,
    redirect_uri: redirectUri,
    response_type: 'code',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 'test-state',
    scope: scopes,
  }).toString();
  const code = new URL(await approveConsent(h, authorize.href, person.accessToken)).searchParams.get('code');
  const token = await expectJson(
    await h.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: app.appId,
        code_verifier: verifier,
      },
    }),
    200,
  );
  const user = token.data.user as { userId: string; slug: string };
  return {
    email,
    userId: user.userId,
    slug: user.slug,
    accessToken: token.data.accessToken as string,
    userToken: person.accessToken,
  };
}

export interface DroppingProxy {
  url: string;
  /** Requests that reached Antara through the proxy, as `METHOD /path`. */
  forwarded: string[];
  close(): Promise<void>;
}

/**
 * The network between the SDK and Antara, losing answers: every request is forwarded to Antara
 * and its full response read, but for requests where `drop` says so the client's connection is
 * cut instead of answered. Antara did the work; the client never heard.
 */
export async function startDroppingProxy(
  target: string,
  drop: (method: string, path: string) => boolean,
): Promise<DroppingProxy> {
  const forwarded: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      forwarded.push(`${method} ${path}`);
      const upstream = http.request(`${target}${path}`, { method, headers: req.headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => body.push(chunk));
        answer.on('end', () => {
          if (drop(method, path)) {
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
        });
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
