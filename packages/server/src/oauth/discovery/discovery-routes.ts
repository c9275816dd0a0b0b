import { SCOPES } from '@antara/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import type { TypedApp } from '../../http/typed-app.js';
import { endpoints } from '../issuer.js';
import type { OAuthServices } from '../services.js';
import { ID_TOKEN_ALG } from '../signing-keys.js';

const Strings = Type.Array(Type.String());

const MetadataSchema = Type.Object({
  issuer: Type.String(),
  authorization_endpoint: Type.String(),
  token_endpoint: Type.String(),
  userinfo_endpoint: Type.String(),
  jwks_uri: Type.String(),
  introspection_endpoint: Type.String(),
  revocation_endpoint: Type.String(),
  scopes_supported: Strings,
  response_types_supported: Strings,
  response_modes_supported: Strings,
  grant_types_supported: Strings,
  code_challenge_methods_supported: Strings,
  subject_types_supported: Strings,
  id_token_signing_alg_values_supported: Strings,
  token_endpoint_auth_methods_supported: Strings,
  introspection_endpoint_auth_methods_supported: Strings,
  revocation_endpoint_auth_methods_supported: Strings,
  prompt_values_supported: Strings,
  claims_supported: Strings,
  authorization_response_iss_parameter_supported: Type.Boolean(),
  request_parameter_supported: Type.Boolean(),
  request_uri_parameter_supported: Type.Boolean(),
});

const JwksSchema = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      crv: Type.String(),
      x: Type.String(),
      y: Type.String(),
      kid: Type.String(),
      alg: Type.String(),
      use: Type.String(),
    }),
  ),
});

/** RFC 8414 and OIDC Discovery metadata: one document, served at both well-known paths. */
export function serverMetadata(ctx: AppContext) {
  const urls = endpoints(ctx.config);
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorization,
    token_endpoint: urls.token,
    userinfo_endpoint: urls.userinfo,
    jwks_uri: urls.jwks,
    introspection_endpoint: urls.introspection,
    revocation_endpoint: urls.revocation,
    scopes_supported: Object.keys(SCOPES),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    // Every app gets its own `sub` for the same person (OIDC Core §8.1).
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: [ID_TOKEN_ALG],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    introspection_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'azp',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'slug',
      'alias',
      'name',
      'trust_level',
      'verified',
    ],
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}

export function registerDiscoveryRoutes(app: TypedApp, ctx: AppContext, services: OAuthServices): void {
  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    app.get(
      path,
      {
        schema: {
          tags: ['oauth'],
          summary: 'Authorization server metadata (RFC 8414, OpenID Connect Discovery)',
          response: { 200: MetadataSchema },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'public, max-age=300');
        return serverMetadata(ctx);
      },
    );
  }

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Public keys that verify id_tokens (the signing key and the one before it)',
        response: { 200: JwksSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return services.keys.jwks();
    },
  );
}
