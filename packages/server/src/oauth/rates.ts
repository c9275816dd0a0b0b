import type { RatePolicy } from '../http/rate-limit.js';

/** Budgets of the OAuth endpoints, per caller IP unless named otherwise. */
export const OAUTH_RATES = {
  authorizePerIp: { name: 'oauth-authorize:ip', limit: 600, windowMs: 60_000 },
  consentPerUser: { name: 'oauth-consent:user', limit: 120, windowMs: 60_000 },
  tokenPerIp: { name: 'oauth-token:ip', limit: 600, windowMs: 60_000 },
  introspectPerIp: { name: 'oauth-introspect:ip', limit: 6000, windowMs: 60_000 },
  revokePerIp: { name: 'oauth-revoke:ip', limit: 600, windowMs: 60_000 },
  userinfoPerIp: { name: 'oauth-userinfo:ip', limit: 6000, windowMs: 60_000 },
} as const satisfies Record<string, RatePolicy>;
