import type { Introspection } from '@antara/protocol';
import type { Scenario } from '../lib/scenario.js';

/** Issue 2: a resource server asking whether a person's uat_ token is live, over and over. */
export const uatIntrospection: Scenario = {
  name: 'uat-introspection',
  description: 'POST /auth/introspect with one live uat_ token',
  target: { minRatio: 0.3, maxP99Ms: 20 },
  async setup(server) {
    const session = await server.signIn('bench-introspect@example.com');
    const body = { token: session.accessToken };
    const verify = async () => {
      const answer = await server.call<Introspection>('POST', '/auth/introspect', body);
      if (!answer.active || answer.user?.id !== session.user.id) {
        throw new Error(`the uat_ token did not introspect as active: ${JSON.stringify(answer)}`);
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
