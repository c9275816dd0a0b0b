/** The outcome of counting one request against a fixed window. */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * Counts hits per key in fixed windows. In memory by default; through Redis when
 * ANTARA_REDIS_URL is set, so that every instance shares one budget.
 */
export interface RateLimiter {
  /** False when ANTARA_RATE_LIMITS=off; absent means the limiter enforces. */
  readonly enforcing?: boolean;
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  close(): Promise<void>;
}

export function result(count: number, limit: number, msLeft: number): RateLimitResult {
  return {
    allowed: count <= limit,
    limit,
    remaining: Math.max(0, limit - count),
    resetSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
  };
}
