import { Type } from 'typebox';
import { type AppIdentity, AppIdentitySchema } from '../../grants/app-identity.js';
import { toSeconds } from '../../lib/clock.js';
import type { TokenPair } from './issue-tokens.js';

/** What every grant type produces; the route renders it in the caller's dialect. */
export interface TokenResult extends TokenPair {
  idToken?: string;
  identity: AppIdentity;
}

/** `data` of the envelope answer (a JSON request). */
export const TokenDataSchema = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer(),
  expiresAt: Type.Integer(),
  refreshToken: Type.String(),
  scopes: Type.Array(Type.String()),
  idToken: Type.Optional(Type.String()),
  user: AppIdentitySchema,
});

/** The RFC 6749 §5.1 answer (a form-encoded request). */
export const RfcTokenSchema = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.String(),
  scope: Type.String(),
  id_token: Type.Optional(Type.String()),
});

export function tokenData(result: TokenResult, now: number) {
  return {
    accessToken: result.accessToken,
    tokenType: 'Bearer' as const,
    expiresIn: Math.round((result.accessExpiresAt - now) / 1000),
    expiresAt: toSeconds(result.accessExpiresAt),
    refreshToken: result.refreshToken,
    scopes: result.scopes,
    ...(result.idToken ? { idToken: result.idToken } : {}),
    user: result.identity,
  };
}

export function rfcToken(result: TokenResult, now: number) {
  return {
    access_token: result.accessToken,
    token_type: 'Bearer' as const,
    expires_in: Math.round((result.accessExpiresAt - now) / 1000),
    refresh_token: result.refreshToken,
    scope: result.scopes.join(' '),
    ...(result.idToken ? { id_token: result.idToken } : {}),
  };
}
