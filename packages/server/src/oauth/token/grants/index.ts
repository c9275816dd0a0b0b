import { authorizationCode } from './authorization-code.js';
import type { GrantType } from './grant-type.js';
import { refreshToken } from './refresh-token.js';

/** The grant types `POST /oauth/token` accepts, by `grant_type`. */
export const GRANT_TYPES: ReadonlyMap<string, GrantType> = new Map(
  [authorizationCode, refreshToken].map((grant) => [grant.name, grant]),
);
