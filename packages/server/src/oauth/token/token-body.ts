import { type Static, Type } from 'typebox';

const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/**
 * The body of `POST /oauth/token`, form-encoded or JSON, snake_case in both. Parameters this
 * server does not know are ignored (RFC 6749 §3.2); a repeated one is refused.
 */
export const TokenBodySchema = Type.Object(
  {
    grant_type: Type.String({ maxLength: 100 }),
    code: Text(512),
    redirect_uri: Text(2048),
    client_id: Text(100),
    client_secret: Text(512),
    code_verifier: Text(256),
    refresh_token: Text(512),
    scope: Text(1000),
  },
  { additionalProperties: true },
);

export type TokenBody = Static<typeof TokenBodySchema>;
