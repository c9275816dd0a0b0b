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
}

export interface EmailStartResult {
  challengeId: string;
  expiresIn: number;
  resendAfter: number;
}
