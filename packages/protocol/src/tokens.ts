/** Prefixes of Antara's opaque credentials (CONTRACT §2). */
export const TOKEN_PREFIXES = {
  userAccess: 'uat_',
  userRefresh: 'urt_',
  webSession: 'ses_',
  oauthIdentity: 'oit_',
  oauthRefresh: 'ort_',
  appAccess: 'aat_',
  capability: 'cap_',
  apiKey: 'antara_live_',
  webhookSecret: 'whsec_',
} as const;

export type TokenKind = keyof typeof TOKEN_PREFIXES;

export type TrustLevel = 'L0' | 'L1' | 'L2';
export type SessionType = 'user' | 'app' | 'oauth';
