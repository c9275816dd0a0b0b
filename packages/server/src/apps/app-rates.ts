import type { RatePolicy } from '../http/rate-limit.js';

/**
 * Budgets of the app credential endpoints. The per-IP budgets count every call before any
 * credential is checked; the per-key budget is shared by both token endpoints, so a key
 * cannot double its minting rate by alternating them.
 */
export const APP_RATES = {
  tokenPerIp: { name: 'app-token:ip', limit: 600, windowMs: 60_000 },
  tokenPerKey: { name: 'app-token:key', limit: 120, windowMs: 60_000 },
  /** Calls to `/app/v1/*` per `aat_` token. */
  apiPerToken: { name: 'app-api:token', limit: 1200, windowMs: 60_000 },
} as const satisfies Record<string, RatePolicy>;
