import { type Static, Type } from 'typebox';
import { AliasSchema } from '../../grants/app-identity.js';
import type { AuthorizeParams } from '../authorize/authorize-request.js';

const Field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/**
 * `POST /oauth/consent`: the authorization request again (it is re-validated in full), the
 * decision, and the alias the person chose. The HTML form adds its CSRF token. Unknown
 * parameters are ignored, as in the authorization request itself.
 */
export const ConsentBodySchema = Type.Object(
  {
    client_id: Field(100),
    redirect_uri: Field(2048),
    response_type: Field(100),
    code_challenge: Field(200),
    code_challenge_method: Field(100),
    scope: Field(1000),
    state: Field(1024),
    nonce: Field(1024),
    prompt: Field(100),
    decision: Type.Union([Type.Literal('approve'), Type.Literal('deny')]),
    alias: Type.Optional(Type.Union([Type.Literal(''), AliasSchema, Type.Null()])),
    _csrf: Field(128),
    /** The consent page's previewed slug for a first approval, and its signature. */
    slug: Field(64),
    slug_sig: Field(128),
  },
  // Why open: a client may pass on the whole authorization query, and authorization requests
  // ignore parameters they do not know (RFC 6749 §3.1). The bound keeps it small.
  { additionalProperties: true, maxProperties: 40 },
);

export type ConsentBody = Static<typeof ConsentBodySchema>;

/** The authorization parameters inside a consent body. */
export function authorizeParamsOf(body: ConsentBody): AuthorizeParams {
  const { decision: _decision, alias: _alias, _csrf, slug: _slug, slug_sig: _sig, ...params } = body;
  return params;
}
