/**
 * Delay before each attempt of a round: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
 * Eight attempts spread over about 27.5 hours; after the last failure the delivery is failed.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** The longest `Retry-After` honoured; a longer one is cut to this. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** Finished deliveries (with their attempts) are kept this long for the delivery list. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3_600_000;
/** Outbox events are kept this long after their fan-out. */
export const OUTBOX_RETENTION_MS = 7 * 24 * 3_600_000;

/** An endpoint whose attempts have all failed for this long is disabled and its owner told. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3_600_000;

/** What an attempt's result means for its delivery. */
export type AttemptVerdict =
  | { kind: 'succeeded' }
  | { kind: 'gone' }
  | { kind: 'retry'; scheduleStep: number; nextAttemptAt: number }
  | { kind: 'exhausted' };

/**
 * Decides what follows an attempt made at `now` as step `scheduleStep` (0-based) of its round.
 * 2xx succeeds; 410 gives up on the endpoint; anything else, a timeout or a refused connection
 * retries on the schedule. On 429 and 503, a `Retry-After` later than the schedule wins.
 */
export function judgeAttempt(
  result: { statusCode?: number; retryAfterMs?: number },
  scheduleStep: number,
  now: number,
): AttemptVerdict {
  const status = result.statusCode;
  if (status !== undefined && status >= 200 && status < 300) return { kind: 'succeeded' };
  if (status === 410) return { kind: 'gone' };
  const next = scheduleStep + 1;
  const scheduled = RETRY_SCHEDULE_MS[next];
  if (scheduled === undefined) return { kind: 'exhausted' };
  const asked =
    (status === 429 || status === 503) && result.retryAfterMs !== undefined
      ? Math.min(result.retryAfterMs, MAX_RETRY_AFTER_MS)
      : 0;
  return { kind: 'retry', scheduleStep: next, nextAttemptAt: now + Math.max(scheduled, asked) };
}

/**
 * Reads `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Undefined when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
