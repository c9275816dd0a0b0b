import type { AppSession, CreatedApiKey, DeveloperApp, Introspection } from '@antara/protocol';
import type { AntaraServer } from '../lib/antara.js';
import type { Scenario } from '../lib/scenario.js';

/** A developer, an app and one live API key, created over the public API. */
export async function appWithKey(server: AntaraServer, email: string) {
  const session = await server.signIn(email);
  const auth = { authorization: `Bearer ${session.accessToken}` };
  const app = await server.call<DeveloperApp>(
    'POST',
    '/dev/v1/apps',
    { name: 'Bench App', redirectUris: ['https://bench.example/callback'] },
    auth,
  );
  const key = await server.call<CreatedApiKey>('POST', `/dev/v1/apps/${app.appId}/keys`, {}, auth);
  return { app, key };
}

/** Issue 3: a server exchanging its API key for an aat_ token; every request writes a token row. */
export const apiKeyExchange: Scenario = {
  name: 'api-key-exchange',
  description: 'POST /auth/token/exchange with one live API key (writes an aat_ token per request)',
  target: { minRatio: 0.15 },
  async setup(server) {
    const { app, key } = await appWithKey(server, 'bench-exchange@example.com');
    const body = { apiKey: key.apiKey };
    const verify = async () => {
      const session = await server.call<AppSession>('POST', '/auth/token/exchange', body);
      const answer = await server.call<Introspection>('POST', '/auth/introspect', {
        token: session.accessToken,
      });
      if (!answer.active || answer.audience !== app.appId) {
        throw new Error(`a freshly exchanged aat_ token is not active: ${JSON.stringify(answer)}`);
      }
    };
    await verify();
    return {
      method: 'POST',
      path: '/auth/token/exchange',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      verify,
    };
  },
};
