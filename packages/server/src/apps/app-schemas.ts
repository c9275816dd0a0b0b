import { Type } from 'typebox';
import { MAX_REDIRECT_URI_LENGTH, MAX_REDIRECT_URIS } from './redirect-uris.js';

/** `:appId` in `/dev/v1/apps/:appId/…`. Anything that is not an owned app's id is 404. */
export const AppIdParamsSchema = Type.Object({ appId: Type.String({ maxLength: 64 }) });

const NoControlChars = '^[^\\u0000-\\u001f\\u007f]*$';

export const AppNameSchema = Type.String({ minLength: 1, maxLength: 80, pattern: NoControlChars });
export const HomepageUrlSchema = Type.String({ minLength: 1, maxLength: 2000 });
// The length and count bounds are checked here; the rules themselves in redirect-uris.ts,
// so that every refusal names the URI and the rule it breaks.
export const RedirectUrisSchema = Type.Array(Type.String({ maxLength: MAX_REDIRECT_URI_LENGTH }), {
  minItems: 1,
  maxItems: MAX_REDIRECT_URIS,
});
export const KeyNameSchema = Type.String({ minLength: 1, maxLength: 80, pattern: NoControlChars });
export const ScopeNameSchema = Type.String({ minLength: 1, maxLength: 64 });

export const AppSchema = Type.Object({
  appId: Type.String(),
  name: Type.String(),
  homepageUrl: Type.Union([Type.String(), Type.Null()]),
  redirectUris: Type.Array(Type.String()),
  trustLevel: Type.String(),
  moderationState: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});

export const ApiKeySchema = Type.Object({
  keyId: Type.String(),
  appId: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  prefix: Type.String(),
  lastFour: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.Integer(),
  lastUsedAt: Type.Union([Type.Integer(), Type.Null()]),
  revokedAt: Type.Union([Type.Integer(), Type.Null()]),
});

export const CreatedApiKeySchema = Type.Object({ ...ApiKeySchema.properties, apiKey: Type.String() });

export const AuditEntrySchema = Type.Object({
  entryId: Type.String(),
  action: Type.String(),
  actor: Type.Object({ kind: Type.String(), userId: Type.Union([Type.String(), Type.Null()]) }),
  createdAt: Type.Integer(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const AppSessionSchema = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresAt: Type.Integer(),
  expiresIn: Type.Integer(),
  sessionType: Type.Literal('app'),
  audience: Type.String(),
  scopes: Type.Array(Type.String()),
  app: Type.Object({ appId: Type.String(), name: Type.String() }),
});

/** RFC 6749 §5.1, for form-encoded and HTTP Basic callers of POST /auth/client-token. */
export const OAuthTokenResponseSchema = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
});

export const PageQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
