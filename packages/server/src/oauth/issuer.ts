import type { Config } from '../config/config.js';

/**
 * The issuer identifier (RFC 8414 §2): the public URL without a trailing slash. It is the
 * `iss` of id_tokens and of authorization responses (RFC 9207), and the discovery base.
 */
export const issuerOf = (config: Config): string => config.server.publicUrl;

export function endpoints(config: Config) {
  const issuer = issuerOf(config);
  return {
    issuer,
    authorization: `${issuer}/oauth/authorize`,
    token: `${issuer}/oauth/token`,
    userinfo: `${issuer}/oauth/userinfo`,
    jwks: `${issuer}/.well-known/jwks.json`,
    introspection: `${issuer}/oauth/introspect`,
    revocation: `${issuer}/oauth/revoke`,
  };
}
