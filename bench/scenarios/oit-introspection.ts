import type { Introspection } from '@antara/protocol';
import type { Scenario } from '../lib/scenario.js';
import { oauthFixture } from './oauth-pkce-flow.js';

/** Issue 4: an app's back end asking whether the oit_ token its front end sent is live. */
export const oitIntrospection: Scenario = {
  name: 'oit-introspection',
  description: 'POST /auth/introspect with one live oit_ token (the per-app identity comes back)',
  target: { minRatio: 0.3 },
  async setup(server) {
    const fixture = await oauthFixture(server, 'bench-oit-person@example.com', 'bench-oit-dev@example.com');
    const tokens = await fixture.flow();
    const body = { token: tokens.accessToken };
    const verify = async () => {
      const answer = await server.call<Introspection & { identity?: { userId: string } }>(
        'POST',
        '/auth/introspect',
        body,
      );
      if (!answer.active || answer.identity?.userId !== tokens.user.userId) {
        throw new Error(`the oit_ token did not introspect as active: ${JSON.stringify(answer)}`);
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
