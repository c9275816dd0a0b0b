import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

/**
 * Endpoints a browser app on another origin calls directly: the PKCE code exchange and refresh,
 * revocation, userinfo and discovery (public clients, RFC 8252 §8 / OAuth 2.0 for Browser-Based
 * Apps). Why `*` and no credentials: these endpoints never read cookies; what they answer
 * belongs to whoever holds the code and its verifier, or the token, wherever the page runs.
 */
export const CROSS_ORIGIN_PATHS: readonly string[] = [
  '/oauth/token',
  '/oauth/revoke',
  '/oauth/userinfo',
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/.well-known/jwks.json',
];

const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** Answers CORS preflights and marks responses of the cross-origin endpoints readable by any origin. */
export function registerCors(app: FastifyInstance): void {
  const paths = new Set(CROSS_ORIGIN_PATHS);
  // A callback hook without an array from split(): it runs on every request of the server,
  // and an async hook costs a promise each time.
  app.addHook('onRequest', (request, reply, done) => {
    const { url } = request;
    const query = url.indexOf('?');
    if (paths.has(query < 0 ? url : url.slice(0, query))) {
      reply.header('access-control-allow-origin', '*');
      reply.header(
        'access-control-expose-headers',
        'x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset',
      );
    }
    done();
  });
  for (const path of CROSS_ORIGIN_PATHS) {
    app.options(path, { schema: { hide: true, response: { 204: Type.Null() } } }, async (_request, reply) => {
      reply
        .header('access-control-allow-methods', 'GET, POST')
        .header('access-control-allow-headers', 'authorization, content-type, accept')
        .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS))
        .status(204)
        .send();
    });
  }
}
