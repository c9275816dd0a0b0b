import type { Scope } from '@antara/protocol';
import { Type } from 'typebox';
import type { AppRow } from '../../storage/repositories/apps.js';

/** The parameters of an authorization request as they arrive: repeated ones come as arrays. */
export type AuthorizeParams = Record<string, string | string[] | undefined>;

/** A parameter as it may arrive in a query string: once, or (wrongly) repeated. */
const Param = Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 10 })]);

/**
 * The query of `GET /oauth/authorize`. Each value is checked by the ordered checks, not by
 * this schema, so that a bad client or redirect URI is reported before anything else.
 * Unknown parameters are ignored (RFC 6749 §3.1).
 */
export const AuthorizeQuerySchema = Type.Object(
  {
    client_id: Type.Optional(Param),
    redirect_uri: Type.Optional(Param),
    response_type: Type.Optional(Param),
    code_challenge: Type.Optional(Param),
    code_challenge_method: Type.Optional(Param),
    scope: Type.Optional(Param),
    state: Type.Optional(Param),
    nonce: Type.Optional(Param),
    prompt: Type.Optional(Param),
  },
  { additionalProperties: true },
);

/** A validated authorization request: what consent shows and what the code will carry. */
export interface AuthorizeRequest {
  app: AppRow;
  redirectUri: string;
  scopes: Scope[];
  codeChallenge: string;
  state: string | undefined;
  nonce: string | undefined;
  prompt: ReadonlySet<string>;
}

/** The value of a parameter sent once; undefined when absent. Repeats are refused by a check. */
export function single(params: AuthorizeParams, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}
