import type { FastifyReply } from 'fastify';
import { rateLimited } from '../errors/antara-error.js';
import type { RateLimiter } from '../ratelimit/rate-limiter.js';

export interface RatePolicy {
  /** What is counted, e.g. `email-start:ip`. */
  name: string;
  limit: number;
  windowMs: number;
}

/**
 * Counts one hit against a policy for a subject. Sets the RateLimit headers
 * (draft-ietf-httpapi-ratelimit-headers) and throws 429 with retryAfter when over budget.
 * Does nothing when the operator turned rate limits off (ANTARA_RATE_LIMITS=off).
 */
export async function enforceRate(
  limiter: RateLimiter,
  /** Where the RateLimit headers go; without one only the 429 tells. */
  reply: FastifyReply | undefined,
  policy: RatePolicy,
  subject: string,
): Promise<void> {
  // Why return early: with ANTARA_RATE_LIMITS=off no budget exists, so no header may claim one.
  if (limiter.enforcing === false) return;
  const outcome = await limiter.hit(`${policy.name}:${subject}`, policy.limit, policy.windowMs);
  // Why compare: a route may count several policies (per IP, per address); the headers
  // describe the one closest to running out, not whichever was counted last.
  const shown = reply?.getHeader('ratelimit-remaining');
  if (reply && (shown === undefined || Number(shown) > outcome.remaining)) {
    reply.header('ratelimit-limit', String(outcome.limit));
    reply.header('ratelimit-remaining', String(outcome.remaining));
    reply.header('ratelimit-reset', String(outcome.resetSeconds));
  }
  if (!outcome.allowed) throw rateLimited(outcome.resetSeconds);
}
