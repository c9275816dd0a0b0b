import {
  bearer,
  type Harness,
  type HarnessOptions,
  signIn,
  startHarness,
} from '../../../server/test/support/harness.js';

export { bearer, type Harness, signIn };

/** A real Antara listening on 127.0.0.1 over a fresh database, with its test clock. */
export function startAntara(options: HarnessOptions = {}): Promise<Harness> {
  return startHarness({ listen: true, ...options });
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
