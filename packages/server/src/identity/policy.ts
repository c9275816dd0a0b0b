/** Lifetimes and limits of sign-in and sessions (CONTRACT §2, §4). */
export const LOGIN = {
  codeTtlMs: 10 * 60_000,
  maxAttempts: 5,
  resendIntervalMs: 60_000,
  exchangeTtlMs: 2 * 60_000,
} as const;

export const SESSION = {
  accessTtlMs: 600_000,
  refreshTtlMs: 30 * 24 * 3600_000,
  webTtlMs: 7 * 24 * 3600_000,
} as const;

/** How long closed challenges and revoked sessions are kept before the purge job removes them. */
export const RETENTION_MS = 24 * 3600_000;
