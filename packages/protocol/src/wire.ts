import type { Scope } from './scopes.js';
import type { SessionType, TrustLevel } from './tokens.js';

/** `meta` of every success envelope. Lists add `nextCursor`. */
export interface Meta {
  requestId: string;
  issuedAt: number;
  nextCursor?: string | null;
}

export interface Envelope<T> {
  data: T;
  meta: Meta;
}

export interface UserProfile {
  id: string;
  primarySlug: string;
  displayName: string;
  trustLevel: TrustLevel;
  verified: boolean;
}

/** `POST /auth/exchange-code` and `POST /auth/refresh`. */
export interface UserSession {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: number;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: number;
  sessionType: 'user';
  audience: 'useantara';
  scopes: Scope[];
  user: UserProfile;
}

/** `POST /auth/introspect`. Inactive tokens answer only `{ active: false }`. */
export interface Introspection {
  active: boolean;
  sessionType?: SessionType;
  audience?: string;
  scopes?: Scope[];
  exp?: number;
  iat?: number;
  user?: UserProfile;
  /** `aat_` tokens: the app the token speaks for. */
  app?: { appId: string; name: string };
  /** `aat_` tokens: the API key it was minted from, by id and visible prefix. */
  apiKey?: { keyId: string; prefix: string };
}

export interface EmailStartResult {
  challengeId: string;
  expiresIn: number;
  resendAfter: number;
}

/** `POST /auth/token/exchange` and `POST /auth/client-token` (JSON): a short-lived `aat_` token. */
export interface AppSession {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: number;
  expiresIn: number;
  sessionType: 'app';
  /** The app id. */
  audience: string;
  scopes: Scope[];
  app: { appId: string; name: string };
}

/** `POST /auth/client-token` with a form body or HTTP Basic: the RFC 6749 §5.1 response. */
export interface ClientCredentialsTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** Space-separated canonical scopes. */
  scope: string;
}

/** An app as its developer sees it under `/dev/v1/apps`. Times are epoch seconds. */
export interface DeveloperApp {
  appId: string;
  name: string;
  homepageUrl: string | null;
  redirectUris: string[];
  trustLevel: 'private' | 'unverified' | 'verified';
  moderationState: 'clean' | 'warn' | 'restrict' | 'disabled';
  createdAt: number;
  updatedAt: number;
}

/** An API key as listed; the full `apiKey` appears only in the response that created it. */
export interface ApiKeyInfo {
  keyId: string;
  appId: string;
  name: string | null;
  /** `antara_live_` and the first characters of the secret, to recognise a key by. */
  prefix: string;
  lastFour: string;
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface CreatedApiKey extends ApiKeyInfo {
  apiKey: string;
}
