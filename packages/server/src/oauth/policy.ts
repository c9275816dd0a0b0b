/** Lifetimes and limits of the OAuth flow (CONTRACT §2, issue 4). */
export const OAUTH = {
  /** Authorization codes live 60 s and are single use. */
  codeTtlMs: 60_000,
  /** `oit_` access tokens. */
  accessTtlMs: 600_000,
  /** Each `ort_` refresh token; every use rotates it and starts a new 30 days. */
  refreshTtlMs: 30 * 24 * 3600_000,
  /**
   * How long after a refresh token was rotated it may be presented once more, by a client
   * whose response got lost. Later, or a second time, it counts as stolen and its family dies.
   */
  refreshGraceMs: 30_000,
  /** id_tokens. */
  idTokenTtlMs: 600_000,
} as const;

/** Prefix of authorization codes (they never leave the redirect and the token request). */
export const CODE_PREFIX = 'oac_';

/** Scopes an authorization request may name; without `scope` an app gets `identity.read`. */
export const DEFAULT_SCOPES = ['identity.read'] as const;
