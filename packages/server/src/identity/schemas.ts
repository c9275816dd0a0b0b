import { Type } from 'typebox';
import { HANDLE_PATTERN } from './user-profile.js';

export const UserProfileSchema = Type.Object({
  id: Type.String(),
  primarySlug: Type.String(),
  displayName: Type.String(),
  trustLevel: Type.String(),
  verified: Type.Boolean(),
});

export const ScopeListSchema = Type.Array(Type.String());

export const UserSessionSchema = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresAt: Type.Integer(),
  expiresIn: Type.Integer(),
  refreshToken: Type.String(),
  refreshExpiresAt: Type.Integer(),
  sessionType: Type.Literal('user'),
  audience: Type.Literal('useantara'),
  scopes: ScopeListSchema,
  user: UserProfileSchema,
});

export const EmailSchema = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
export const ChallengeIdSchema = Type.String({ format: 'uuid' });
export const HandleSchema = Type.String({ pattern: HANDLE_PATTERN, minLength: 3, maxLength: 32 });
/** At least one visible character (it is stored trimmed), no control characters. */
export const DisplayNameSchema = Type.String({
  minLength: 1,
  maxLength: 80,
  pattern: '^(?=.*\\S)[^\\u0000-\\u001f\\u007f]+$',
});
/** Opaque tokens: printable ASCII only, bounded. */
export const OpaqueTokenSchema = Type.String({ minLength: 1, maxLength: 512, pattern: '^[\\x21-\\x7e]+$' });
