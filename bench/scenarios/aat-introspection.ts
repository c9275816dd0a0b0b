import type { AppSession, Introspection } from '@antara/protocol';
import type { Scenario } from '../lib/scenario.js';
import { appWithKey } from './api-key-exchange.js';

/** Issue 3: a resource server asking whether an app's aat_ token is live, over and over. */
export const aatIntrospection: Scenario = {
  name: 'aat-introspection',
  description: 'POST /auth/introspect with one live aat_ token',
  target: { minRatio: 0.3 },
  async setup(server) {
    const { app, key } = await appWithKey(server, 'bench-aat@example.com');
    const session = await server.call<AppSession>('POST', '/auth/token/exchange', { apiKey: key.apiKey });
    const body = { token: session.accessToken };
    const verify = async () => {
      const answer = await server.call<Introspection>('POST', '/auth/introspect', body);
      if (!answer.active || answer.audience !== app.appId || answer.apiKey?.keyId !== key.keyId) {
        throw new Error(`the aat_ token did not introspect as active: ${JSON.stringify(answer)}`);
      }
    };
    await verify();
    return {
      method: 'POST',
      path: '/auth/introspect',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      verify,
    };
  },
};
