import { SignJWT } from 'jose';
import { toSeconds } from '../lib/clock.js';
import { OAUTH } from './policy.js';
import { ID_TOKEN_ALG, type SigningKeys } from './signing-keys.js';

export interface IdTokenClaims {
  issuer: string;
  /** The app's client id: the `aud` and `azp`. */
  clientId: string;
  /** The grant's per-app userId: the pairwise `sub` (OIDC Core §8.1). */
  subject: string;
  nonce?: string | null;
  /** When the person signed in to Antara (ms). */
  authTime: number;
  now: number;
  /** Extra claims the granted scopes allow. */
  extra?: Record<string, string>;
}

/** An ES256 id_token (OIDC Core §2) signed with the current key; its `kid` names the key. */
export async function signIdToken(keys: SigningKeys, claims: IdTokenClaims): Promise<string> {
  const { kid, key } = await keys.current();
  const iat = toSeconds(claims.now);
  const payload: Record<string, unknown> = {
    ...claims.extra,
    auth_time: toSeconds(claims.authTime),
    azp: claims.clientId,
  };
  if (claims.nonce) payload.nonce = claims.nonce;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: ID_TOKEN_ALG, kid, typ: 'JWT' })
    .setIssuer(claims.issuer)
    .setSubject(claims.subject)
    .setAudience(claims.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + OAUTH.idTokenTtlMs / 1000)
    .sign(key);
}
