import type { FastifyRequest } from 'fastify';

// The magic link carries its token in the query string; a code or token sent there by mistake
// is a secret just the same.
const SECRET_PARAMS = /([?&](?:token|code|access_token|refresh_token)=)[^&#]*/gi;

/** A URL as it may be logged: the values of secret-bearing query parameters replaced. */
export function loggableUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

/**
 * Fastify logger options of `antara serve`: the level, and request lines whose URL holds no
 * secret, so that anyone who can read the log cannot open a sign-in link from it.
 */
export function loggerOptions(level: string) {
  return {
    level,
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: loggableUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
}
